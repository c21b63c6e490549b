/**
 * Fault injection against DynamoDB Local for what broke the old design at scale and lateness:
 * an expired mark meeting a late click, a late append during a replay, a replay that fails
 * half-way, and many concurrent stream shards with transaction conflicts.
 */
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { contendedClient } from '../../bench/contention.ts';
import { dynamoClientConfig } from '../../adapters/dynamodb-client.ts';
import { dynamodb } from '../support/clients.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore, isBeyondHorizon, LATENESS_HORIZON_MS } from '../../adapters/dynamodb-rollup-store.ts';
import { eventKey } from '../../adapters/events-table.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { replayRollups, ReplayError, verifyRollups } from '../../adapters/rollup-maintenance.ts';
import { awsConfig } from '../../config/config.ts';
import type { BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { StoreUnavailableError } from '../../core/errors.ts';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { appendClicks } from '../support/analyst.ts';
import { click, type ClickSpec } from '../support/click-events.ts';
import { insertRecord, streamEvent } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const daysAgo = (n: number, hour = 18) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - n, hour));
const noSleep = async () => {};

describe('rollups stay exact at any lateness, during replays and across many shards (DynamoDB Local)', () => {
  let tables: TableNames;
  let generations: RollupGenerations;
  let reader: RollupReader;

  beforeAll(async () => {
    tables = await freshTables();
    generations = new RollupGenerations(dynamodb, tables.state, 0);
    reader = new RollupReader(dynamodb, tables.state, generations);
  });

  async function logged(specs: ClickSpec[]): Promise<ClickEvent[]> {
    return [...(await appendClicks(tables, specs.map((s) => click(s))))];
  }

  const handler = (opts: ConstructorParameters<typeof DynamoRollupStore>[2] = {}, client = dynamodb) =>
    createAggregateHandler({ store: new DynamoRollupStore(client, tables, { sleep: noSleep, ...opts }), generations: new RollupGenerations(client, tables.state, 0), telemetry });

  async function expectExact(vendor: string, day: string): Promise<void> {
    const report = await verifyRollups({ client: dynamodb, tables, reader, generations, rules: DEFAULT_RULES, slice: { vendors: [vendor], from: day as BusinessDay, to: day as BusinessDay } });
    expect(report.events).toBeGreaterThan(0);
    expect(report.differences).toEqual([]);
  }

  async function deleteUnits(vendor: string): Promise<number> {
    const out = await dynamodb.send(new ScanCommand({ TableName: tables.state, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: marshall({ ':p': `UNIT#1#${vendor}#` }), ConsistentRead: true }));
    for (const item of out.Items ?? []) await dynamodb.send(new DeleteItemCommand({ TableName: tables.state, Key: { pk: item.pk!, sk: item.sk! } }));
    return out.Items?.length ?? 0;
  }

  it('units expire after the business day plus the lateness horizon, not after they were written', async () => {
    const [e] = await logged([{ vendor: 'lola', network: 'n1', visitor: 'v', at: daysAgo(1) }]);
    await handler()(streamEvent([insertRecord(e!)]));
    const { pk } = eventKey(e!);
    const out = await dynamodb.send(new ScanCommand({ TableName: tables.state, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: marshall({ ':p': 'UNIT#1#lola#' }), ConsistentRead: true }));
    const unit = unmarshall(out.Items![0]!);
    const dayStart = Date.parse(`${e!.day}T00:00:00.000Z`);
    expect(unit.expiresAt * 1000).toBeGreaterThan(dayStart + LATENESS_HORIZON_MS);
    // Any click processed before its unit can expire takes the unit path; from the horizon on, the recount path.
    expect(isBeyondHorizon(e!.day, new Date(unit.expiresAt * 1000 - 1))).toBe(true);
    expect(isBeyondHorizon(e!.day, new Date())).toBe(false);
    expect(pk).toMatch(/^lola#\d{4}-\d{2}-\d{2}#\d$/);
  });

  it('a late click of a known visitor after its unit expired is counted once (recount), not as a new visitor', async () => {
    const [first, again] = await logged([
      { vendor: 'puesto', network: 'n2', visitor: 'guest', at: daysAgo(3) },
      { vendor: 'puesto', network: 'n2', visitor: 'guest', at: daysAgo(3, 19) },
    ]);
    await handler()(streamEvent([insertRecord(first!)]));
    expect(await deleteUnits('puesto')).toBe(1); // TTL did its work
    // The second click arrives 20 days later (a late drain, `reftrack recover`).
    const later = new Date(Date.now() + 20 * 86_400_000);
    expect(await handler({ now: () => later })(streamEvent([insertRecord(again!)]))).toEqual({ batchItemFailures: [] });
    const [day] = await reader.daily('puesto' as never, first!.day as BusinessDay, first!.day as BusinessDay);
    expect(day).toMatchObject({ clicks: 2, uniqueVisitors: 1, qualifiedClicks: 1, repeatVisitorClicks: 1 });
    // Redelivering both, late or on time, changes nothing: the shard is kept by recount from now on.
    await handler()(streamEvent([insertRecord(first!), insertRecord(again!)]));
    await handler({ now: () => later })(streamEvent([insertRecord(first!), insertRecord(again!)]));
    expect((await reader.daily('puesto' as never, first!.day as BusinessDay, first!.day as BusinessDay))[0]).toMatchObject({ clicks: 2, uniqueVisitors: 1, qualifiedClicks: 1 });
    await expectExact('puesto', first!.day);
  });

  it('a day judged under NETWORK_CAP 4 and redelivered under 3: figures and breakdowns both move the fourth click to the cap column', async () => {
    const events = await logged(['a', 'b', 'c', 'd'].map((visitor, i) => ({ vendor: 'lola', network: '203.0.113.50', visitor, at: daysAgo(4, 18 + i) })));
    const day = events[0]!.day as BusinessDay;
    expect(await handler({ rules: { networkCap: 4, velocityPerMinute: 10 } })(streamEvent(events.map(insertRecord)))).toEqual({ batchItemFailures: [] });
    expect((await reader.breakdown('lola' as never, day, day, 'reason')).map((r) => [r.value, r.clicks, r.qualifiedClicks])).toEqual([['qualified', 4, 4]]);
    // The operator lowers the cap; the stream redelivers the same clicks (or the next click of that network arrives).
    expect(await handler({ rules: { networkCap: 3, velocityPerMinute: 10 } })(streamEvent(events.map(insertRecord)))).toEqual({ batchItemFailures: [] });
    expect((await reader.daily('lola' as never, day, day))[0]).toMatchObject({ clicks: 4, qualifiedClicks: 3, networkCapClicks: 1 });
    expect((await reader.breakdown('lola' as never, day, day, 'reason')).map((r) => [r.value, r.clicks, r.qualifiedClicks])).toEqual([['qualified', 3, 3], ['network-cap', 1, 0]]);
    expect((await reader.breakdown('lola' as never, day, day, 'placement')).map((r) => [r.value, r.clicks, r.qualifiedClicks])).toEqual([['link', 4, 3]]);
    await expectExact('lola', day);
  });

  it('a click appended with an old ts while a replay runs is in the new generation', async () => {
    const events = await logged(Array.from({ length: 12 }, (_, i) => ({ vendor: 'solare', network: `net-${i % 4}`, visitor: `s${i}`, at: daysAgo(2) })));
    await handler()(streamEvent(events.map(insertRecord)));
    const store = new DynamoRollupStore(dynamodb, tables, { sleep: noSleep });
    let late: ClickEvent | undefined;
    const replayStore = {
      apply: async (batch: readonly ClickEvent[], generation: number) => {
        const out = await store.apply(batch, generation);
        if (!late) {
          // The scan has passed: a drained click of three days ago is appended and consumed now.
          [late] = await logged([{ vendor: 'solare', network: 'net-late', visitor: 'late', at: daysAgo(3) }]);
          expect(await handler()(streamEvent([insertRecord(late!)]))).toEqual({ batchItemFailures: [] });
        }
        return out;
      },
    } as unknown as DynamoRollupStore;
    const before = await generations.current();
    const report = await replayRollups({ client: dynamodb, tables, store: replayStore, reader, generations, settleMs: 0 });
    expect(report.to).toBeGreaterThan(before);
    const [day] = await reader.daily('solare' as never, late!.day as BusinessDay, late!.day as BusinessDay);
    expect(day).toMatchObject({ clicks: 1, qualifiedClicks: 1 });
    await expectExact('solare', late!.day);
    await expectExact('solare', events[0]!.day);
  });

  it('a replay that fails half-way leaves the live generation live, says so, and resumes when run again', async () => {
    const live = await generations.current();
    const broken = { apply: async (batch: readonly ClickEvent[]) => ({ applied: 0, duplicates: 0, recounted: 0, failed: batch.map((event) => ({ event, error: new StoreUnavailableError('DynamoDB went away') })), transactions: 0, retries: 0, writeUnits: 0, writeActions: 0, plainWrites: 0 }) } as unknown as DynamoRollupStore;
    const failed = await replayRollups({ client: dynamodb, tables, store: broken, reader, generations, settleMs: 0 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ReplayError);
    expect((failed as Error).message).toMatch(new RegExp(`live generation ${live} is untouched and still served.*run replay again to resume`));
    const during = await generations.targets();
    expect(during.live).toBe(live);
    expect(during.building).toBeGreaterThan(live);
    // Meanwhile consumers write both generations.
    const [extra] = await logged([{ vendor: 'tacos', network: 'nt', visitor: 't', at: daysAgo(1) }]);
    await handler()(streamEvent([insertRecord(extra!)]));
    const resumed = await replayRollups({ client: dynamodb, tables, store: new DynamoRollupStore(dynamodb, tables, { sleep: noSleep }), reader, generations, settleMs: 0 });
    expect(resumed).toMatchObject({ resumed: true, from: live, to: during.building });
    expect((await generations.targets()).building).toBeNull();
    await expectExact('tacos', extra!.day);
    // The old generation's items are gone.
    expect(await reader.projections(live, 'tacos', '0000-01-01', '9999-12-31')).toEqual([]);
  });

  it('32 concurrent shard consumers under a conflict model (items held 20 ms) commit without contention and stay exact', async () => {
    const { client, stats } = contendedClient({ ...dynamoClientConfig(awsConfig()), maxAttempts: 1 }, 20);
    // 32 networks: each shard of the stream carries its own Events partitions.
    const events = await logged(Array.from({ length: 320 }, (_, i) => ({ vendor: 'banh', network: `shard-net-${i % 32}`, visitor: `b${i % 96}`, at: new Date(daysAgo(1).getTime() + i * 7_000) })));
    const byPartition = new Map<string, ClickEvent[]>();
    for (const e of events) byPartition.set(eventKey(e).pk, [...(byPartition.get(eventKey(e).pk) ?? []), e]);
    const shards = Array.from({ length: 32 }, () => [] as ClickEvent[]);
    [...byPartition.values()].forEach((list, i) => shards[i % 32]!.push(...list));
    const consume = handler({ sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, client);
    const failures = await Promise.all(
      shards.map(async (mine) => {
        let failed = 0;
        for (let i = 0; i < mine.length; i += 5) failed += (await consume(streamEvent(mine.slice(i, i + 5).map(insertRecord)))).batchItemFailures.length;
        return failed;
      }),
    );
    expect(failures.reduce((a, b) => a + b, 0)).toBe(0);
    // No item is written for two Events partitions, so no two shards' transactions ever meet.
    expect(stats.cancels).toBe(0);
    expect(stats.commits).toBeGreaterThan(32);
    await expectExact('banh', events[0]!.day);
    client.destroy();
  }, 120_000);
});
