import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { summarizeBreakdown, type BreakdownDimension, type BreakdownRow } from '../core/breakdown.ts';
import type { BusinessDay } from '../core/business-day.ts';
import { sumDays, zeroFilledDays, ZERO_FIGURES, type DailyRollup, type RollupScope, type VendorTotals } from '../core/rollup.ts';
import { storeError } from './dynamodb-errors.ts';
import { queryAll, scanAll } from './dynamodb-query.ts';
import type { RollupGenerations } from './rollup-generation.ts';
import { breakdownFromItem, rollupFromItem, rollupKey, rollupPk, type StoredRollup } from './rollup-items.ts';

/**
 * The read side of the rollups, for the CLI and the analyst API: one Query per scope and
 * day range (a scope's days share one partition key, sorted by day).
 */
export class RollupReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly generations: RollupGenerations,
  ) {}

  /** Every day from `from` to `to` of a vendor (or `*` = all vendors), zero-filled. */
  async daily(scope: RollupScope, from: BusinessDay, to: BusinessDay): Promise<DailyRollup[]> {
    const found: DailyRollup[] = [];
    for (const item of await this.dayItems(scope, from, to)) {
      const stored = rollupFromItem(item);
      if (stored.kind === 'day') found.push(stored.rollup);
    }
    return zeroFilledDays(scope, from, to, found);
  }

  /** One dimension's breakdown of a scope over a day range: the busiest values, then `other`. */
  async breakdown(scope: RollupScope, from: BusinessDay, to: BusinessDay, by: BreakdownDimension, top?: number): Promise<BreakdownRow[]> {
    const days = (await this.dayItems(scope, from, to)).map((item) => breakdownFromItem(item).get(by) ?? new Map());
    return summarizeBreakdown(days, top);
  }

  private async dayItems(scope: RollupScope, from: BusinessDay, to: BusinessDay): Promise<Record<string, unknown>[]> {
    const generation = await this.generations.current();
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: marshall({ ':pk': rollupPk(generation, scope), ':from': `DAY#${from}`, ':to': `DAY#${to}` }),
      },
      'query rollups',
    );
    return items.map((item) => unmarshall(item));
  }

  /** The running total of a scope since its first click. */
  async totals(scope: RollupScope): Promise<VendorTotals> {
    const generation = await this.generations.current();
    try {
      const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(rollupKey(generation, scope, 'TOTAL')) }));
      if (!out.Item) return { scope, ...ZERO_FIGURES };
      const stored = rollupFromItem(unmarshall(out.Item));
      return stored.kind === 'total' ? stored.totals : { scope, ...ZERO_FIGURES };
    } catch (error) {
      throw storeError('read rollup totals', error);
    }
  }

  /** Daily rows plus their sum, the shape the CLI and API print. */
  async range(scope: RollupScope, from: BusinessDay, to: BusinessDay): Promise<{ days: DailyRollup[]; total: VendorTotals }> {
    const days = await this.daily(scope, from, to);
    return { days, total: sumDays(scope, days) };
  }

  /** Every stored rollup item of a generation (verify: also finds items no event explains). */
  async everything(generation?: number): Promise<StoredRollup[]> {
    const gen = generation ?? (await this.generations.current());
    const items = await scanAll(
      this.client,
      { TableName: this.tableName, FilterExpression: 'begins_with(pk, :prefix)', ExpressionAttributeValues: marshall({ ':prefix': `ROLLUP#${gen}#` }) },
      'scan rollups',
    );
    const out = items.map((item) => rollupFromItem(unmarshall(item)));
    return out;
  }
}
