import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ConflictError } from '../core/errors.ts';
import { storeError } from './dynamodb-errors.ts';
import { GENERATION_KEY } from './rollup-items.ts';

/**
 * Which projection generation is live. Readers and the stream consumer follow it; replay
 * builds the next one and switches. Consumers cache it for `cacheMs`, which is why replay
 * waits that long after switching before its catch-up pass.
 */
export class RollupGenerations {
  private cached: { value: number; at: number } | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    readonly cacheMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<number> {
    if (this.cached && this.now() - this.cached.at < this.cacheMs) return this.cached.value;
    try {
      const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(GENERATION_KEY), ConsistentRead: true }));
      const value = out.Item ? Number(unmarshall(out.Item).generation) : 1;
      this.cached = { value, at: this.now() };
      return value;
    } catch (error) {
      throw storeError('read rollup generation', error);
    }
  }

  /**
   * Reserves a generation number never used before (a crashed replay's half-built generation
   * is never reused, whatever its markers' TTL did meanwhile). Returns the live one too.
   */
  async reserveNext(): Promise<{ live: number; next: number }> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(GENERATION_KEY),
          UpdateExpression: 'SET generation = if_not_exists(generation, :one), highest = if_not_exists(highest, if_not_exists(generation, :one)) + :one',
          ExpressionAttributeValues: marshall({ ':one': 1 }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = unmarshall(out.Attributes ?? {});
      return { live: Number(item.generation), next: Number(item.highest) };
    } catch (error) {
      throw storeError('reserve rollup generation', error);
    }
  }

  /** Makes `next` live, only if `expected` still is (two replays at once: one loses). */
  async switchTo(next: number, expected: number): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ ...GENERATION_KEY, generation: next, highest: next, switchedAt: new Date().toISOString() }),
          ConditionExpression: '(attribute_not_exists(pk) OR generation = :expected) AND (attribute_not_exists(highest) OR highest <= :next)',
          ExpressionAttributeValues: marshall({ ':expected': expected, ':next': next }),
        }),
      );
      this.cached = undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConflictError(`rollup generation moved on from ${expected} (another replay?)`, { cause: error });
      throw storeError('switch rollup generation', error);
    }
  }
}
