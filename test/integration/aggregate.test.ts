import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { verifyRollups } from '../../adapters/rollup-maintenance.ts';
import { businessDay, startOfBusinessDay, type BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { appendClicks } from '../support/analyst.ts';
import { click, type ClickSpec } from '../support/click-events.ts';
import { faultyClient, type Fault } from '../support/faulty-client.ts';
import { insertRecord, poisonRecord, streamEvent, streamRecord } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const noSleep = async () => {};
/** 18:00 UTC `daysAgo` days ago: recent clicks take the unit path (older than the horizon, the recount path). */
const recent = (daysAgo: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - daysAgo, 18)).toISOString();

describe('aggregate stream consumer against DynamoDB Local', () => {
  let tables: TableNames;
  let generations: RollupGenerations;
  let reader: RollupReader;

  beforeAll(async () => {
    tables = await freshTables();
    generations = new RollupGenerations(dynamodb, tables.state, 0);
    reader = new RollupReader(dynamodb, tables.state, generations);
  });

  /** Appends to the real event log, so verify recounts exactly what the stream carried. */
  async function logged(specs: ClickSpec[]): Promise<ClickEvent[]> {
    return [...(await appendClicks(tables, specs.map((s) => click(s))))];
  }

  function consumer(client = dynamodb, opts: ConstructorParameters<typeof DynamoRollupStore>[2] = {}) {
    const store = new DynamoRollupStore(client, tables, { sleep: noSleep, ...opts });
    return { store, handle: createAggregateHandler({ store, generations: new RollupGenerations(client, tables.state, 0), telemetry }) };
  }

  async function expectExact(): Promise<void> {
    const report = await verifyRollups({ client: dynamodb, tables, reader, generations, rules: DEFAULT_RULES });
    expect(report.events).toBeGreaterThan(0);
    expect(report.differences).toEqual([]);
  }

  /** A vendor-day's mix: repeat visitors, bots, prefetches, staff. */
  const mixed = (vendor: string, n: number, at = recent(2)): ClickSpec[] =>
    Array.from({ length: n }, (_, i) => ({
      vendor,
      visitor: `${vendor}-v${i % Math.ceil(n / 3)}`,
      at: new Date(new Date(at).getTime() + i * 1000),
      bot: i % 7 === 0 ? true : i % 5 === 0 ? ('prefetch' as const) : false,
      internal: i % 11 === 0,
    }));

  it('the same batch delivered twice counts once', async () => {
    const events = await logged(mixed('solare', 40));
    const batch = streamEvent(events.map(insertRecord));
    const { handle } = consumer();
    expect(await handle(batch)).toEqual({ batchItemFailures: [] });
    expect(await handle(batch)).toEqual({ batchItemFailures: [] });
    const day = (await reader.daily('solare' as never, events[0]!.day as BusinessDay, events[0]!.day as BusinessDay))[0]!;
    expect(day.clicks).toBe(40);
    await expectExact();
  });

  it('overlapping batches (records 1-100, then 50-150) count every record once', async () => {
    const events = await logged(mixed('puesto', 150));
    const records = events.map(insertRecord);
    const { handle } = consumer();
    await handle(streamEvent(records.slice(0, 100)));
    await handle(streamEvent(records.slice(49, 150)));
    expect((await reader.totals('puesto' as never)).clicks).toBe(150);
    await expectExact();
  });

  it('a crash after k of n chunks, then redelivery, ends exact; so does a write whose answer was lost', async () => {
    // One-click visitors: 300 units, so the batch needs 4 full transactions (98 units each).
    const events = await logged(mixed('lola', 300, recent(3)).map((spec, i) => ({ ...spec, visitor: `lola-${i}` })));
    const batch = streamEvent(events.map(insertRecord));
    let transactions = 0;
    const crashAfter2: Fault = {
      before(name) {
        if (name === 'TransactWriteItemsCommand' && ++transactions > 2) throw new Error('process crashed');
      },
    };
    const crashed = consumer(faultyClient(crashAfter2));
    const response = await crashed.handle(batch).catch((e: unknown) => e);
    expect(transactions).toBeGreaterThan(3); // n > k: the batch needed more chunks than landed
    // Everything after the crash is reported (or the whole batch failed): the mapping redelivers.
    expect(response instanceof Error || (response as { batchItemFailures: unknown[] }).batchItemFailures.length > 0).toBe(true);
    const partial = (await reader.totals('lola' as never)).clicks;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(300);

    // Next delivery: the first transaction lands but its answer is lost (a timeout after commit).
    let lost = false;
    const loseOneAnswer: Fault = {
      after(name) {
        if (name === 'TransactWriteItemsCommand' && !lost) {
          lost = true;
          throw new Error('socket hang up');
        }
      },
    };
    await consumer(faultyClient(loseOneAnswer)).handle(batch).catch(() => undefined);
    expect(lost).toBe(true);
    await consumer().handle(batch);
    expect((await reader.totals('lola' as never)).clicks).toBe(300);
    await expectExact();
  });

  it('two consumers applying interleaved batches on the same vendor-day concurrently stay exact', async () => {
    const events = await logged(mixed('tacos', 240, recent(4)));
    const records = events.map(insertRecord);
    const a = consumer(faultyClient({}));
    const b = consumer(faultyClient({}));
    // Consumer A gets 0-60, 60-120, ...; consumer B the same records cut differently and shifted.
    const cuts = (offset: number, size: number) => Array.from({ length: Math.ceil(240 / size) + 1 }, (_, i) => records.slice(Math.max(0, offset + i * size - size), offset + i * size)).filter((r) => r.length > 0);
    await Promise.all([
      (async () => {
        for (const r of cuts(0, 60)) await a.handle(streamEvent(r));
      })(),
      (async () => {
        for (const r of cuts(30, 45)) await b.handle(streamEvent(r));
      })(),
      (async () => {
        for (const r of cuts(10, 80).reverse()) await b.handle(streamEvent(r));
      })(),
    ]);
    expect((await reader.totals('tacos' as never)).clicks).toBe(240);
    await expectExact();
  });

  it('retries an injected TransactionConflict (thrown, and as a cancellation reason) with jittered backoff', async () => {
    const events = await logged(mixed('banh', 30, recent(5)));
    let injected = 0;
    const conflict: Fault = {
      before(name, input) {
        if (name !== 'TransactWriteItemsCommand' || injected >= 3) return;
        injected++;
        if (injected === 2) {
          throw new TransactionCanceledException({
            $metadata: {},
            message: 'Transaction cancelled',
            CancellationReasons: input.TransactItems.map((_: unknown, i: number) => (i === 0 ? { Code: 'TransactionConflict' } : { Code: 'None' })),
          });
        }
        throw new TransactionConflictException({ $metadata: {}, message: 'Transaction is ongoing for the item' });
      },
    };
    const waits: number[] = [];
    const { handle } = consumer(faultyClient(conflict), { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    expect(await handle(streamEvent(events.map(insertRecord)))).toEqual({ batchItemFailures: [] });
    expect(injected).toBe(3);
    expect(waits).toEqual([25, 50, 100]); // half of 25·2^attempt: jittered, growing
    await expectExact();
  });

  it('gives up on endless conflicts and reports the records for redelivery', async () => {
    const events = await logged(mixed('pho', 5, recent(6)));
    const always: Fault = { before: (name) => { if (name === 'TransactWriteItemsCommand') throw new TransactionConflictException({ $metadata: {}, message: 'conflict' }); } };
    const records = events.map(insertRecord);
    const { handle } = consumer(faultyClient(always), { maxAttempts: 3 });
    await expect(handle(streamEvent(records))).rejects.toThrow(/All records failed/);
    expect((await reader.totals('pho' as never)).clicks).toBe(0);
    await consumer().handle(streamEvent(records));
    await expectExact();
  });

  it('a poison record mid-batch is reported alone while the valid records are counted; MODIFY/REMOVE are ignored', async () => {
    const events = await logged(mixed('rosa', 10, recent(7)));
    const records = events.map(insertRecord);
    const poison = poisonRecord();
    const modify = streamRecord('MODIFY', records[0]!.dynamodb!.NewImage as never, records[0]!.dynamodb!.Keys as never);
    const remove = streamRecord('REMOVE', undefined, records[1]!.dynamodb!.Keys as never);
    const batch = [...records.slice(0, 5), poison, modify, ...records.slice(5), remove];
    const { handle } = consumer();
    expect(await handle(streamEvent(batch))).toEqual({ batchItemFailures: [{ itemIdentifier: poison.dynamodb!.SequenceNumber }] });
    expect((await reader.totals('rosa' as never)).clicks).toBe(10);
    // The mapping retries from the poison record: the records after it are duplicates now.
    expect(await handle(streamEvent(batch.slice(5)))).toEqual({ batchItemFailures: [{ itemIdentifier: poison.dynamodb!.SequenceNumber }] });
    // Bisected down to itself, it still fails (then goes to the on-failure destination).
    await expect(handle(streamEvent([poison]))).rejects.toThrow();
    await expectExact();
  });

  describe('business days across DST, as stored on the event', () => {
    const cases: Array<[string, string, string, string]> = [
      // zone, DST day, its local midnight in UTC, the next local midnight in UTC
      ['America/Los_Angeles', '2026-03-08', '2026-03-08T08:00:00.000Z', '2026-03-09T07:00:00.000Z'],
      ['America/Los_Angeles', '2026-11-01', '2026-11-01T07:00:00.000Z', '2026-11-02T08:00:00.000Z'],
      ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
      ['Europe/Berlin', '2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'],
    ];
    it.each(cases)('%s %s: 23:59:59.999 and 00:00:00.000 local land on the right days', async (zone, day, midnight, nextMidnight) => {
      const start = startOfBusinessDay(day as BusinessDay, zone);
      const next = new Date(nextMidnight);
      expect(start.toISOString()).toBe(midnight);
      const vendor = `dst-${zone.slice(0, 3).toLowerCase()}-${day.slice(5, 7)}`;
      const instants = [new Date(start.getTime() - 1), start, new Date(next.getTime() - 1), next];
      const events = await logged(instants.map((at, i) => ({ vendor, at, visitor: `g${i}`, timeZone: zone })));
      expect(events.map((e) => e.day)).toEqual([businessDay(new Date(start.getTime() - 1), zone), day, day, businessDay(next, zone)]);
      await consumer().handle(streamEvent(events.map(insertRecord)));
      const prev = events[0]!.day as BusinessDay;
      const after = events[3]!.day as BusinessDay;
      const rows = await reader.daily(vendor as never, prev, after);
      expect(rows.map((r) => [r.day, r.clicks, r.firstClickAt, r.lastClickAt])).toEqual([
        [prev, 1, instants[0]!.toISOString(), instants[0]!.toISOString()],
        [day, 2, instants[1]!.toISOString(), instants[2]!.toISOString()],
        [after, 1, instants[3]!.toISOString(), instants[3]!.toISOString()],
      ]);
      await expectExact();
    });
  });
});
