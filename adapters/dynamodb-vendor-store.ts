import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { VendorSource } from '../core/cached-vendor-directory.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { Vendor, type VendorStatus } from '../core/vendor.ts';
import type { VendorCode } from '../core/vendor-code.ts';
import { describeUntrusted } from '../core/vendor-code.ts';
import type { Log } from '../core/telemetry.ts';
import { storeError } from './dynamodb-errors.ts';
import { queryAll } from './dynamodb-query.ts';

const PK = 'VENDOR';

function fromItem(item: Record<string, any>): Vendor {
  const { pk: _pk, sk: _sk, updatedAt: _u, ...vendor } = unmarshall(item);
  return Vendor.parse(vendor);
}

/**
 * One item that is not a valid vendor (edited by hand, written by an older version) is skipped
 * and logged, never allowed to fail the whole list: otherwise every click would go to the
 * fallback and the API and /outreach would answer 500 until someone fixed the item.
 */
function validVendors(items: ReadonlyArray<Record<string, any>>, log: Pick<Log, 'error'>): Vendor[] {
  const vendors: Vendor[] = [];
  for (const item of items) {
    const { pk: _pk, sk, updatedAt: _u, ...raw } = unmarshall(item);
    const parsed = Vendor.safeParse(raw);
    if (parsed.success) vendors.push(parsed.data);
    else log.error('malformed vendor item skipped', { sk: describeUntrusted(String(sk)), problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  }
  return vendors;
}

/** Vendors in the State table: pk `VENDOR`, sk = code. */
export class DynamoVendorStore implements VendorSource {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** Where a skipped malformed item is reported: the process's logger (the CLI: stderr). */
    private readonly log: Pick<Log, 'error'> = console,
  ) {}

  async list(): Promise<Vendor[]> {
    const items = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': PK }) }, 'list vendors');
    return validVendors(items, this.log);
  }


  async get(code: VendorCode): Promise<Vendor | undefined> {
    try {
      const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: PK, sk: code }), ConsistentRead: true }));
      return out.Item ? validVendors([out.Item], this.log)[0] : undefined;
    } catch (error) {
      throw storeError('get vendor', error);
    }
  }

  /** Adds a vendor; `ifAbsent` keeps an existing one untouched (seeding never undoes a pause). */
  async put(vendor: Vendor, opts: { ifAbsent: boolean }): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: PK, sk: vendor.code, ...vendor, updatedAt: new Date().toISOString() }, { removeUndefinedValues: true }),
          ...(opts.ifAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        if (opts.ifAbsent) return false;
        throw new ConflictError(`vendor ${vendor.code} changed concurrently`, { cause: error });
      }
      throw storeError('put vendor', error);
    }
  }

  async setStatus(code: VendorCode, status: VendorStatus): Promise<Vendor> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: PK, sk: code }),
          UpdateExpression: 'SET #status = :status, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':status': status, ':now': new Date().toISOString() }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(out.Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFoundError(`no vendor with code "${code}"`, { cause: error });
      throw storeError('update vendor status', error);
    }
  }
}
