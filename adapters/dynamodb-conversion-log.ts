/**
 * Conversions in the Events table, beside the clicks (the same event log, so the same stream
 * feeds rollups and the export): pk `CONVERSION#<bookingId>`, sk `<status>`. The key is the
 * idempotency key, so a retried or duplicated report fails the condition and stores nothing.
 *
 * Clicks are found by `ref_cid` (= clickId) without an index: a ULID carries its instant, the
 * instant gives the business day, and a click lives under `<vendor>#<day>` — one BatchGetItem
 * over the vendors' candidate keys. Bookings are rare; an index on every click would double
 * the cost of the hot path instead.
 */
import { BatchGetItemCommand, ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeTime } from 'ulid';
import { businessDay } from '../core/business-day.ts';
import type { ClickEvent } from '../core/click-event.ts';
import { ConversionEvent } from '../core/conversion-event.ts';
import type { ClickLookup, ConversionLog } from '../core/record-conversion.ts';
import type { VendorCode } from '../core/vendor-code.ts';
import { fromEventItem } from './dynamodb-click-log.ts';
import { vendorDayPartitions } from './events-table.ts';
import { storeError } from './dynamodb-errors.ts';

export const CONVERSION_PK_PREFIX = 'CONVERSION#';

export function conversionKey(event: Pick<ConversionEvent, 'bookingId' | 'status'>): { pk: string; sk: string } {
  return { pk: `${CONVERSION_PK_PREFIX}${event.bookingId}`, sk: event.status };
}

/** True for an Events item (or stream image) that holds a conversion rather than a click. */
export function isConversionItem(item: Record<string, unknown>): boolean {
  return item.type === 'conversion';
}

export function fromConversionItem(item: Record<string, unknown>): ConversionEvent {
  const { pk: _pk, sk: _sk, ...event } = item;
  return ConversionEvent.parse(event);
}

export class DynamoConversionLog implements ConversionLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async append(event: ConversionEvent): Promise<'appended' | 'already-present'> {
    try {
      await this.client.send(
        new PutItemCommand({ TableName: this.tableName, Item: marshall({ ...conversionKey(event), ...event }, { removeUndefinedValues: true }), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return 'appended';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already-present';
      throw storeError('append conversion event', error);
    }
  }

  async find(conversionId: string): Promise<ConversionEvent | undefined> {
    const colon = conversionId.indexOf(':');
    const key = { pk: `${CONVERSION_PK_PREFIX}${conversionId.slice(colon + 1)}`, sk: conversionId.slice(0, colon) };
    try {
      const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }));
      return out.Item ? fromConversionItem(unmarshall(out.Item)) : undefined;
    } catch (error) {
      throw storeError('get conversion event', error);
    }
  }
}

export interface ClickLookupDeps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  /** Every vendor code that can have clicks (paused ones included). */
  readonly vendorCodes: () => Promise<readonly VendorCode[]>;
}

export class DynamoClickLookup implements ClickLookup {
  constructor(private readonly deps: ClickLookupDeps) {}

  async findClick(clickId: string): Promise<ClickEvent | undefined> {
    let at: number;
    try {
      at = decodeTime(clickId);
    } catch {
      return undefined;
    }
    const day = businessDay(new Date(at), this.deps.timeZone);
    const codes = await this.deps.vendorCodes();
    // The ref_cid names the click, not its network, so every write shard of each vendor-day is a candidate.
    const candidates = codes.flatMap((vendorCode) => vendorDayPartitions(vendorCode, day).map(({ pk }) => marshall({ pk, sk: clickId })));
    for (let i = 0; i < candidates.length; i += 100) {
      const keys = candidates.slice(i, i + 100);
      let pending: Record<string, { Keys: typeof keys }> | undefined = { [this.deps.tableName]: { Keys: keys } };
      while (pending && Object.keys(pending).length > 0) {
        let out;
        try {
          out = await this.deps.client.send(new BatchGetItemCommand({ RequestItems: pending }));
        } catch (error) {
          throw storeError('look up click by ref_cid', error);
        }
        const found = out.Responses?.[this.deps.tableName]?.[0];
        if (found) return fromEventItem(unmarshall(found));
        pending = out.UnprocessedKeys as typeof pending;
      }
    }
    return undefined;
  }
}
