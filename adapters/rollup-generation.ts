import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ConflictError } from '../core/errors.ts';
import { storeError } from './dynamodb-errors.ts';
import { GENERATION_KEY } from './state-table.ts';

/** The live generation, and the one a replay is building (consumers write both meanwhile). */
export interface GenerationTargets {
  readonly live: number;
  readonly building: number | null;
}

/**
 * Which projection generation is live, and which one a replay is building. Readers follow
 * the live one; the stream consumer writes the live one AND the building one, so a replay
 * never misses a click that arrives while it runs, whatever its `ts`. Consumers cache the
 * pointer for `cacheMs`, which is why replay waits that long (plus a batch) after each change.
 */
export class RollupGenerations {
  private cached: { value: GenerationTargets; at: number } | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    readonly cacheMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live generation (what readers show). */
  async current(): Promise<number> {
    return (await this.targets()).live;
  }

  async targets(): Promise<GenerationTargets> {
    if (this.cached && this.now() - this.cached.at < this.cacheMs) return this.cached.value;
    try {
      const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(GENERATION_KEY), ConsistentRead: true }));
      const item = out.Item ? unmarshall(out.Item) : {};
      const value = { live: typeof item.generation === 'number' ? item.generation : 1, building: typeof item.building === 'number' ? item.building : null };
      this.cached = { value, at: this.now() };
      return value;
    } catch (error) {
      throw storeError('read rollup generation', error);
    }
  }

  /**
   * Starts building: reserves a generation number never used before and records it as
   * `building`, or, if a replay crashed, returns the one it was building (re-applying the log
   * to it is idempotent, and consumers have kept writing it). `resumed` says which.
   */
  async beginBuilding(): Promise<{ live: number; building: number; resumed: boolean }> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(GENERATION_KEY),
          UpdateExpression: 'SET generation = if_not_exists(generation, :one), highest = if_not_exists(highest, if_not_exists(generation, :one)) + :one, building = if_not_exists(highest, if_not_exists(generation, :one)) + :one',
          ConditionExpression: 'attribute_not_exists(building)',
          ExpressionAttributeValues: marshall({ ':one': 1 }),
          ReturnValues: 'ALL_NEW',
        }),
      ).catch(async (error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return undefined;
      });
      if (out) {
        const item = unmarshall(out.Attributes ?? {});
        this.cached = undefined;
        return { live: Number(item.generation), building: Number(item.building), resumed: false };
      }
      this.cached = undefined;
      const now = await this.targets();
      return { live: now.live, building: now.building!, resumed: true };
    } catch (error) {
      throw storeError('reserve rollup generation', error);
    }
  }

  /** Makes `next` live and ends the build, only if `expected` is still live and `next` still building. */
  async switchTo(next: number, expected: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(GENERATION_KEY),
          UpdateExpression: 'SET generation = :next, switchedAt = :at REMOVE building',
          ConditionExpression: 'generation = :expected AND building = :next',
          ExpressionAttributeValues: marshall({ ':expected': expected, ':next': next, ':at': new Date().toISOString() }),
        }),
      );
      this.cached = undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConflictError(`rollup generation ${expected} is no longer live or ${next} no longer building (another replay?)`, { cause: error });
      throw storeError('switch rollup generation', error);
    }
  }
}
