import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ClickEvent } from '../core/click-event.ts';
import type { AppendResult, ClickLog } from '../core/ports.ts';
import type { VendorCode } from '../core/vendor-code.ts';
import { storeError } from './dynamodb-errors.ts';
import { queryAll } from './dynamodb-query.ts';
import { eventKey, vendorDayPartitions } from './events-table.ts';

export { eventKey } from './events-table.ts';

export function toEventItem(event: ClickEvent): Record<string, unknown> {
  return { ...eventKey(event), ...event };
}

/** Reads a stored item (or a stream NewImage, unmarshalled) back into a validated ClickEvent. */
export function fromEventItem(item: Record<string, unknown>): ClickEvent {
  const { pk: _pk, sk: _sk, ...event } = item;
  return ClickEvent.parse(event);
}

export class DynamoClickLog implements ClickLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /**
   * One conditional PutItem. If the SDK retries a put whose first attempt did land,
   * the retry fails the condition: that is the same click, already stored, so it is success.
   */
  async append(event: ClickEvent): Promise<AppendResult> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(toEventItem(event), { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'appended';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already-present';
      throw storeError('append click event', error);
    }
  }

  /** Events of one vendor on one business day, newest first: every write shard, merged. */
  async forVendorDay(vendorCode: VendorCode, day: string, limit?: number): Promise<ClickEvent[]> {
    const perShard = await Promise.all(
      vendorDayPartitions(vendorCode, day).map(({ pk }) =>
        queryAll(
          this.client,
          { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': pk }), ScanIndexForward: false, ...(limit ? { Limit: limit } : {}) },
          'query click events',
          limit,
        ),
      ),
    );
    const events = perShard.flat().map((item) => fromEventItem(unmarshall(item)));
    events.sort((a, b) => (a.clickId < b.clickId ? 1 : a.clickId > b.clickId ? -1 : 0));
    return limit ? events.slice(0, limit) : events;
  }
}
