/**
 * Aggregator figures: events/s through the exactly-once store against DynamoDB Local, and
 * DynamoDB write request units per click from ReturnConsumedCapacity (DynamoDB itself counts
 * a transactional write double), vs the naive design (one ADD per click per projection,
 * neither exactly once nor able to count unique visitors) in the same run.
 */
import { UpdateItemCommand, type DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { eventKey } from '../adapters/events-table.ts';
import type { RollupGenerations } from '../adapters/rollup-generation.ts';
import { createAggregateHandler } from '../consumers/aggregate-consumer.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { insertRecord } from '../test/support/stream-records.ts';
import { contendedClient } from './contention.ts';
import { marshall } from '@aws-sdk/util-dynamodb';
import { monotonicFactory } from 'ulid';
import { DynamoRollupStore } from '../adapters/dynamodb-rollup-store.ts';
import { projectionKey } from '../adapters/state-table.ts';
import { businessDay } from '../core/business-day.ts';
import { ClickEvent } from '../core/click-event.ts';
import { ALL_VENDORS } from '../core/rollup.ts';
import type { VendorCode } from '../core/vendor-code.ts';
import { networkHash, visitorHash } from '../core/visitor.ts';
import type { BenchRow } from './row.ts';

export interface AggregateBenchRow {
  readonly section: string;
  readonly design: string;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** As DynamoDB Local reports it (ReturnConsumedCapacity). */
  readonly writeUnitsPerClick: number | null;
  /** From the requests at DynamoDB's published rates: 2 per transactional item ≤ 1 KB, 1 per standard write ≤ 1 KB. */
  readonly modelledWriteUnitsPerClick: number | null;
  readonly note: string;
  readonly detail?: string;
  /** Mean wall time of one store.apply of a batch, in ms. */
  readonly msPerBatch?: number;
}

export interface BenchContext {
  readonly client: DynamoDBClient;
  /** How `client` was configured: the contention model builds its own client from it. */
  readonly clientConfig: DynamoDBClientConfig;
  /** A fresh, provisioned State table for this section. */
  readonly stateTable: () => Promise<string>;
  /** The bench's quiet telemetry, handed to the consumer under test. */
  readonly telemetry: Telemetry;
}

const VENDORS = ['solare', 'puesto', 'lola', 'tacos', 'banh', 'rosa', 'pho'];

/**
 * A realistic mix: 7 vendors, 2 days, ~1.3 clicks per visitor, one visitor per address, 10% bots,
 * 3% staff. Seeded, so runs compare; the two days are the last two (recent clicks take the
 * consumer's unit path, as live traffic does).
 */
export function syntheticClicks(count: number, seed = 42): ClickEvent[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const nextUlid = monotonicFactory();
  const now = new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 2, 8);
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(start + Math.floor((i / count) * 2 * 86_400_000));
    const day = businessDay(at, 'America/Los_Angeles');
    const vendor = VENDORS[Math.floor(rand() * VENDORS.length)]!;
    const visitor = Math.floor(rand() * count * 0.75);
    const isBot = rand() < 0.1;
    return ClickEvent.parse({
      schemaVersion: 1,
      clickId: nextUlid(at.getTime()),
      vendorCode: vendor,
      vendorName: vendor,
      ts: at.toISOString(),
      day,
      visitorHash: visitorHash('bench-visitor-hash-key-0123456789abcdef', `ip-${visitor}`, 'ua', day),
      networkHash: networkHash('bench-visitor-hash-key-0123456789abcdef', `10.0.${visitor >> 8 & 255}.${visitor & 255}`, day),
      bot: { isBot, reason: isBot ? 'isbot' : 'human', ruleVersion: 1 },
      internal: rand() < 0.03,
      userAgent: isBot ? 'Googlebot/2.1' : 'Mozilla/5.0',
      refererHost: null,
      country: 'US',
      placement: null,
      destination: 'https://queenofsandiego.com/',
    });
  });
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export async function benchAggregate(ctx: BenchContext, opts: { events?: number; batchSize?: number; consumers?: number } = {}): Promise<AggregateBenchRow[]> {
  const events = syntheticClicks(opts.events ?? 4000);
  const batchSize = opts.batchSize ?? 100;
  const consumers = opts.consumers ?? 4;
  const rows: AggregateBenchRow[] = [];

  // Exactly-once: batches of `batchSize` (the mapping's default), `consumers` shards in parallel.
  {
    const table = await ctx.stateTable();
    const store = new DynamoRollupStore(ctx.client, { state: table, events: table });
    const batches = Array.from({ length: Math.ceil(events.length / batchSize) }, (_, i) => events.slice(i * batchSize, (i + 1) * batchSize));
    let writeUnits = 0, writeActions = 0, transactions = 0, applied = 0, retries = 0, batchMs = 0;
    const t0 = performance.now();
    await pool(batches, consumers, async (batch) => {
      const started = performance.now();
      const out = await store.apply(batch, 1);
      batchMs += performance.now() - started;
      if (out.failed.length > 0) throw out.failed[0]!.error;
      writeUnits += out.writeUnits; writeActions += out.writeActions; transactions += out.transactions; applied += out.applied; retries += out.retries;
    });
    const seconds = (performance.now() - t0) / 1000;
    rows.push({
      section: 'aggregate', design: 'exactly-once (transactional chunks)', events: applied, seconds, eventsPerSecond: applied / seconds,
      writeUnitsPerClick: writeUnits > 0 ? writeUnits / applied : null,
      modelledWriteUnitsPerClick: (2 * writeActions) / applied,
      note: `${transactions} transactions, ${(writeActions / applied).toFixed(2)} items/click`,
      detail: `${transactions} transactions, ${(applied / transactions).toFixed(1)} events each, ${retries} retries; batch ${batchSize}, ${consumers} consumers`,
      msPerBatch: batchMs / batches.length,
    });

    // A full redelivery of everything: what a retry storm costs (all duplicates).
    const t1 = performance.now();
    let dupUnits = 0, duplicates = 0;
    await pool(batches, consumers, async (batch) => {
      const out = await store.apply(batch, 1);
      dupUnits += out.writeUnits; duplicates += out.duplicates;
    });
    const s1 = (performance.now() - t1) / 1000;
    rows.push({ section: 'aggregate', design: 'exactly-once, full redelivery', events: duplicates, seconds: s1, eventsPerSecond: duplicates / s1, writeUnitsPerClick: dupUnits / Math.max(1, duplicates), modelledWriteUnitsPerClick: null, note: 'all duplicates: cancelled transactions, nothing written' });
  }

  // Naive: one ADD per click per projection (vendor day, vendor total, all day, all total).
  {
    const table = await ctx.stateTable();
    let writeUnits = 0;
    const t0 = performance.now();
    await pool(events, consumers * 8, async (e) => {
      for (const [scope, period] of [[e.vendorCode, e.day], [e.vendorCode, 'TOTAL'], [ALL_VENDORS, e.day], [ALL_VENDORS, 'TOTAL']] as const) {
        const out = await ctx.client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: marshall(projectionKey(1, scope as VendorCode, period, '0')),
            UpdateExpression: 'ADD clicks :one, botClicks :bot, humanClicks :human',
            ExpressionAttributeValues: marshall({ ':one': 1, ':bot': e.bot.isBot ? 1 : 0, ':human': e.bot.isBot ? 0 : 1 }),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        writeUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    rows.push({
      section: 'aggregate', design: 'naive (ADD per click per projection)', events: events.length, seconds, eventsPerSecond: events.length / seconds,
      writeUnitsPerClick: writeUnits > 0 ? writeUnits / events.length : null,
      modelledWriteUnitsPerClick: 4,
      note: 'not exactly once, no unique visitors',
      detail: `${consumers * 8} concurrent writers`,
    });
  }
  return rows;
}

/** The section's rows, with stable ids. */
export async function aggregateSection(ctx: BenchContext): Promise<BenchRow[]> {
  const batchSize = 100;
  const raw = await benchAggregate(ctx, { batchSize });
  const exact = raw.find((r) => r.design.startsWith('exactly-once (transactional'))!;
  const naive = raw.find((r) => r.design.startsWith('naive'))!;
  const redelivery = raw.find((r) => r.design.includes('redelivery'));
  const rows: BenchRow[] = [
    { id: 'aggregate.events_per_second', section: 'aggregate', metric: 'aggregator throughput, exactly once', value: exact.eventsPerSecond, unit: 'events/s', baseline: naive.eventsPerSecond, baselineName: 'naive ADD per click', note: exact.note },
    {
      id: 'aggregate.wcu_per_click',
      section: 'aggregate',
      metric: 'write units per click, mixed workload (modelled at DynamoDB rates)',
      value: exact.modelledWriteUnitsPerClick ?? NaN,
      unit: 'WRU',
      baseline: naive.modelledWriteUnitsPerClick ?? NaN,
      baselineName: 'naive ADD per click',
      note: `7 vendors, 2 days, batches of ${batchSize}; DynamoDB Local reported ${exact.writeUnitsPerClick?.toFixed(2)} vs ${naive.writeUnitsPerClick?.toFixed(2)} (it counts a transaction as one item)`,
    },
    { id: 'aggregate.ms_per_event', section: 'aggregate', metric: 'aggregator wall time per event inside a batch', value: (exact.msPerBatch ?? NaN) / batchSize, unit: 'ms', note: `mean store.apply of a ${batchSize}-event batch / ${batchSize}, DynamoDB Local` },
  ];
  rows.push({ id: 'aggregate.events_per_second.naive', section: 'aggregate', metric: 'naive aggregator throughput (ADD per click per projection)', value: naive.eventsPerSecond, unit: 'events/s', note: naive.note });
  if (redelivery) rows.push({ id: 'aggregate.redelivery.events_per_second', section: 'aggregate', metric: 'full redelivery of applied clicks', value: redelivery.eventsPerSecond, unit: 'events/s', note: redelivery.note });
  const budget = { dense: 2.2, sparse: 4 } as const;
  for (const shape of ['dense', 'sparse'] as const) {
    const w = await benchWriteUnits(ctx, shape);
    rows.push({ id: `aggregate.wcu_per_click.${shape}`, section: 'aggregate', metric: `write units per click, ${shape} (aggregate writes only, modelled)`, value: w.perClick, unit: 'WRU', note: w.note, target: { max: budget[shape] } });
  }
  for (const shards of [1, 4, 16, 32]) {
    const c = await benchContention(ctx, shards);
    const note = `${c.events} events, ${c.commits} commits, ${c.cancels} cancelled, ${(c.events / c.seconds).toFixed(0)} events/s; items held 20 ms`;
    rows.push({ id: `aggregate.shards_${shards}.give_ups`, section: 'aggregate', metric: `${shards} concurrent shards: records given up after 10 attempts`, value: c.giveUps, unit: 'records', note, ...(shards === 32 ? { target: { max: 0 } } : {}) });
    rows.push({ id: `aggregate.shards_${shards}.cancels_per_commit`, section: 'aggregate', metric: `${shards} concurrent shards: cancelled transactions per commit`, value: c.cancels / Math.max(1, c.commits), unit: 'ratio', note, ...(shards === 32 ? { target: { max: 0.1 } } : {}) });
  }
  return rows;
}

export interface ContentionRow {
  readonly shards: number;
  readonly events: number;
  readonly commits: number;
  readonly cancels: number;
  readonly giveUps: number;
  readonly seconds: number;
}

/**
 * `shards` stream shards consumed at once, each by the real aggregate handler and store, on a
 * client that models DynamoDB's transaction conflicts (items held `holdMs`, bench/contention.ts).
 * A stream shard carries whole Events partitions (a partition key never spans two shards at
 * once), so events are dealt to shards by partition key. Give-ups: records the handler reported
 * as failed after the store's 10 attempts (Lambda would retry them, then send them to the
 * failure destination).
 */
export async function benchContention(ctx: BenchContext & { clientConfig: DynamoDBClientConfig }, shards: number, opts: { events?: number; holdMs?: number; batchSize?: number } = {}): Promise<ContentionRow> {
  const table = await ctx.stateTable();
  const events = syntheticClicks(opts.events ?? 2000, 7 + shards);
  const { client, stats } = contendedClient({ ...ctx.clientConfig, maxAttempts: 1 }, opts.holdMs ?? 20);
  const byPartition = new Map<string, ClickEvent[]>();
  for (const e of events) byPartition.set(eventKey(e).pk, [...(byPartition.get(eventKey(e).pk) ?? []), e]);
  const lanes = Array.from({ length: shards }, () => [] as ClickEvent[]);
  [...byPartition.keys()].sort().forEach((pk, i) => lanes[i % shards]!.push(...byPartition.get(pk)!));
  const handler = createAggregateHandler({ store: new DynamoRollupStore(client, { state: table, events: table }), generations: { targets: async () => ({ live: 1, building: null }) } as unknown as RollupGenerations, telemetry: ctx.telemetry });
  const batch = opts.batchSize ?? 100;
  const t0 = performance.now();
  const giveUps = await Promise.all(
    lanes.map(async (lane) => {
      let failed = 0;
      for (let i = 0; i < lane.length; i += batch) {
        const records = lane.slice(i, i + batch).map(insertRecord);
        failed += await handler({ Records: records }).then((r) => r.batchItemFailures.length, () => records.length);
      }
      return failed;
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  client.destroy();
  return { shards, events: events.length, commits: stats.commits, cancels: stats.cancels, giveUps: giveUps.reduce((a, b) => a + b, 0), seconds };
}

/** Write units per click at DynamoDB's rates (2 per transactional item ≤ 1 KB, 1 per standard write), aggregate writes only. */
export async function benchWriteUnits(ctx: BenchContext, shape: 'dense' | 'sparse'): Promise<{ perClick: number; note: string }> {
  const table = await ctx.stateTable();
  const store = new DynamoRollupStore(ctx.client, { state: table, events: table });
  const day = businessDay(new Date(Date.now() - 86_400_000), 'America/Los_Angeles');
  const nextUlid = monotonicFactory();
  const clickOf = (i: number, at: number) => ClickEvent.parse({
    schemaVersion: 1, clickId: nextUlid(at), vendorCode: 'solare', vendorName: 'Solare', ts: new Date(at).toISOString(), day,
    visitorHash: visitorHash('bench-visitor-hash-key-0123456789abcdef', `ip-${i}`, 'ua', day),
    networkHash: networkHash('bench-visitor-hash-key-0123456789abcdef', `10.1.${i >> 8 & 255}.${i & 255}`, day),
    bot: { isBot: false, reason: 'human', ruleVersion: 2 }, internal: false, userAgent: 'Mozilla/5.0', refererHost: null, country: 'US', placement: null, destination: 'https://queenofsandiego.com/',
  });
  // The vendor's first click ever registers it once (a one-time write): not part of the steady state.
  const at0 = Date.now() - 3_600_000;
  await store.apply([clickOf(-1, at0)], 1);
  const count = shape === 'dense' ? 2000 : 200;
  const clicks = Array.from({ length: count }, (_, i) => clickOf(i, at0 + 1000 + i * 1000));
  const size = shape === 'dense' ? 500 : 1;
  let transactional = 0, plain = 0, applied = 0, transactions = 0;
  for (let i = 0; i < clicks.length; i += size) {
    const out = await store.apply(clicks.slice(i, i + size), 1);
    if (out.failed.length > 0) throw out.failed[0]!.error;
    transactional += out.writeActions; plain += out.plainWrites; applied += out.applied; transactions += out.transactions;
  }
  return { perClick: (2 * transactional + plain) / applied, note: `${applied} one-click visitors of one vendor-day, batches of ${size}: ${transactions} transactions, ${(transactional / applied).toFixed(3)} items/click` };
}
