import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ApprovalCard, CardExistsError, ConcurrentCardChangeError } from '../core/outreach/approval-card.ts';
import { CardNotFoundError } from '../core/outreach/cards.ts';
import type { ApprovalCardStore } from '../core/outreach/ports.ts';
import type { VendorCode } from '../core/vendor-code.ts';
import { storeError } from './dynamodb-errors.ts';
import { queryAll } from './dynamodb-query.ts';

const PK = 'CARD';

function toItem(card: ApprovalCard) {
  return marshall({ pk: PK, sk: card.vendorCode, ...card }, { removeUndefinedValues: true });
}

function fromItem(item: Record<string, any>): ApprovalCard {
  const { pk: _pk, sk: _sk, ...card } = unmarshall(item);
  return ApprovalCard.parse(card);
}

/**
 * Approval cards in the State table: pk `CARD`, sk = vendor code (one card per vendor, one
 * partition, so the board is one Query). The whole card, history included, is one item:
 * a card sees a handful of moves, far below the 400 KB item limit, and one item means one
 * conditional write decides a race.
 */
export class DynamoApprovalCardStore implements ApprovalCardStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(vendor: VendorCode): Promise<ApprovalCard | undefined> {
    try {
      const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: PK, sk: vendor }), ConsistentRead: true }));
      return out.Item ? fromItem(out.Item) : undefined;
    } catch (error) {
      throw storeError('get approval card', error);
    }
  }

  async list(): Promise<ApprovalCard[]> {
    const items = await queryAll(
      this.client,
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': PK }), ConsistentRead: true },
      'list approval cards',
    );
    return items.map(fromItem);
  }


  async create(card: ApprovalCard): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(card),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const existing = error.Item ? fromItem(error.Item) : undefined;
        throw new CardExistsError(
          `vendor ${card.vendorCode} already has an approval card${existing ? ` (status ${existing.status})` : ''}; move it with outreach set-status`,
          { cause: error },
        );
      }
      throw storeError('create approval card', error);
    }
  }

  /** Optimistic concurrency: the put succeeds only if the stored version is the one the caller read. */
  async replace(card: ApprovalCard, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(card),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        if (!error.Item) throw new CardNotFoundError(`no approval card for vendor ${card.vendorCode}`, { cause: error });
        const current = fromItem(error.Item);
        throw new ConcurrentCardChangeError(
          `card ${card.vendorCode} was changed by someone else (it is now ${current.status}, version ${current.version}); reload and try again`,
          { cause: error },
        );
      }
      throw storeError('update approval card', error);
    }
  }
}
