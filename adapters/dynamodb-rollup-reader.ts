import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { summarizeBreakdown, type BreakdownDimension, type BreakdownRow } from '../core/breakdown.ts';
import type { BusinessDay } from '../core/business-day.ts';
import { ALL_VENDORS, sumDays, zeroFilledDays, type DailyRollup, type RollupScope, type VendorTotals } from '../core/rollup.ts';
import { queryAll, scanAll } from './dynamodb-query.ts';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RollupGenerations } from './rollup-generation.ts';
import { dailyFromProjection, dayRangeBounds, projectionFromItem, rollupPk, scopesPk, type StoredProjection } from './state-table.ts';

/**
 * The read side of the rollups, for the CLI and the analyst API. A vendor's days (every write
 * shard of every day) share one partition key sorted by day: a range is one Query, and a day
 * is the sum of its shards. A vendor's TOTAL and the all-vendors scope `*` are sums on read
 * (no consumer writes them, so no two consumers contend for them).
 */
export class RollupReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly generations: RollupGenerations,
  ) {}

  /** Every day from `from` to `to` of a vendor (or `*` = all vendors), zero-filled. */
  async daily(scope: RollupScope, from: BusinessDay, to: BusinessDay): Promise<DailyRollup[]> {
    const generation = await this.generations.current();
    const vendors = scope === ALL_VENDORS ? await this.scopes(generation) : [scope];
    const found = (await Promise.all(vendors.map((v) => this.projections(generation, v, from, to)))).flat();
    return zeroFilledDays(scope, from, to, found.map(dailyFromProjection));
  }

  /**
   * One dimension's breakdown of a scope over a day range: every write shard's breakdown of
   * every day (and vendor, for `*`) summed, the busiest values shown, the rest as `other`.
   */
  async breakdown(scope: RollupScope, from: BusinessDay, to: BusinessDay, by: BreakdownDimension, top?: number): Promise<BreakdownRow[]> {
    const generation = await this.generations.current();
    const vendors = scope === ALL_VENDORS ? await this.scopes(generation) : [scope];
    const found = (await Promise.all(vendors.map((v) => this.projections(generation, v, from, to)))).flat();
    return summarizeBreakdown(found.map((p) => p.breakdown.get(by) ?? new Map()), top);
  }

  /** The running total of a scope since its first click. */
  async totals(scope: RollupScope): Promise<VendorTotals> {
    const generation = await this.generations.current();
    const vendors = scope === ALL_VENDORS ? await this.scopes(generation) : [scope];
    const found = (await Promise.all(vendors.map((v) => this.projections(generation, v, '0000-01-01', '9999-12-31')))).flat();
    return sumDays(scope, found.map(dailyFromProjection));
  }

  /** Daily rows plus their sum, the shape the CLI and API print. */
  async range(scope: RollupScope, from: BusinessDay, to: BusinessDay): Promise<{ days: DailyRollup[]; total: VendorTotals }> {
    const days = await this.daily(scope, from, to);
    return { days, total: sumDays(scope, days) };
  }

  /** The vendors a generation has rollups for. */
  async scopes(generation?: number): Promise<RollupScope[]> {
    const gen = generation ?? (await this.generations.current());
    const items = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': scopesPk(gen) }) }, 'list rollup vendors');
    return items.map((i) => String(unmarshall(i).sk) as RollupScope);
  }

  /** The stored projection items (write shards) of one vendor's days. */
  async projections(generation: number, vendor: string, from: string, to: string): Promise<StoredProjection[]> {
    const bounds = dayRangeBounds(from, to);
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: marshall({ ':pk': rollupPk(generation, vendor as RollupScope), ':from': bounds.from, ':to': bounds.to }),
      },
      'query rollups',
    );
    return items.flatMap((item) => projectionFromItem(unmarshall(item)) ?? []);
  }

  /** Every stored projection item of a generation (verify: also finds items no event explains; replay: deletes them). */
  async everything(generation?: number): Promise<StoredProjection[]> {
    const gen = generation ?? (await this.generations.current());
    const items = await scanAll(
      this.client,
      { TableName: this.tableName, FilterExpression: 'begins_with(pk, :prefix)', ExpressionAttributeValues: marshall({ ':prefix': `ROLLUP#${gen}#` }) },
      'scan rollups',
    );
    return items.flatMap((item) => projectionFromItem(unmarshall(item)) ?? []);
  }
}
