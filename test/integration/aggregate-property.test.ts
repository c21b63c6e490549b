import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import { diffRollups } from '../../core/rollup-diff.ts';
import { recount, sumShards, type ProjectionDelta } from '../../core/rollup.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { click } from '../support/click-events.ts';
import { deliveredRecords, transactionFaults } from '../support/faulty-client.ts';
import { insertRecord, streamEvent } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

/** A delivery: a slice of the records, possibly cut short by a crash after `crashAfter` transactions. */
/** `late`: delivered after the lateness horizon (the exact recount path), e.g. a spill drained days later. */
const delivery = fc.record({ start: fc.nat(), length: fc.integer({ min: 1, max: 60 }), crashAfter: fc.option(fc.nat({ max: 2 }), { nil: undefined }), lostAnswer: fc.boolean(), late: fc.boolean() });
// Clicks from yesterday and today, real time: DynamoDB Local's TTL deletes by the wall clock.
const base = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 1);
const onTime = () => new Date();
const beyondHorizon = () => new Date(Date.now() + 40 * 86_400_000);

describe('property: any deliveries, duplicates, crashes, bursts and clicks beyond the lateness horizon end exact (DynamoDB Local)', () => {
  let tables: TableNames;
  let generation = 100;

  /** Stored vendor-days (shards summed) against a recount of the click set. */
  async function storedDiff(gen: number, events: ClickEvent[]) {
    const want = new Map([...recount(events, DEFAULT_RULES)].filter(([, d]) => d.scope !== '*' && d.period !== 'TOTAL')) as Map<string, ProjectionDelta>;
    const byDay = new Map<string, { vendor: string; day: string; shards: ProjectionDelta[] }>();
    for (const p of await new RollupReader(dynamodb, tables.state, { current: async () => gen } as unknown as RollupGenerations).everything(gen)) {
      const k = `${p.vendorCode}|${p.day}`;
      const entry = byDay.get(k) ?? { vendor: p.vendorCode, day: p.day, shards: [] };
      entry.shards.push(p.figures as ProjectionDelta);
      byDay.set(k, entry);
    }
    const stored = [...byDay.values()].map((d) => ({ scope: d.vendor as never, period: d.day as never, figures: sumShards(d.vendor as never, d.day as never, d.shards) }));
    return diffRollups(want, stored);
  }
  beforeAll(async () => {
    tables = await freshTables();
  });

  it('rollups equal a recount of the click set', async () => {
    const clickArb = fc.record({
      vendor: fc.constantFrom('solare', 'puesto'),
      visitor: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      network: fc.constantFrom<string | undefined>(undefined, 'net-1', 'net-2'),
      // Half the clicks in one minute: bursts above the velocity limit.
      minute: fc.oneof(fc.integer({ min: 0, max: 2 * 24 * 60 }), fc.constant(600)),
      bot: fc.constantFrom<false | true | 'prefetch'>(false, false, true, 'prefetch'),
      internal: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(clickArb, { minLength: 1, maxLength: 70 }), fc.array(delivery, { maxLength: 5 }), async (specs, deliveries) => {
        const gen = ++generation; // each run gets its own projection generation in the same tables
        // Vendors of their own per run: the recount path reads the (shared) Events table.
        const events = specs.map((s) => click({ ...s, vendor: `${s.vendor}${gen}`, ...(s.network ? { network: s.network } : {}), at: new Date(Math.min(Date.now() - 1000, base + s.minute * 60_000 + (s.minute % 3) * 1000)) }));
        const log = new DynamoClickLog(dynamodb, tables.events);
        for (const e of events) await log.append(e);
        const records = events.map(insertRecord);
        const generations = { current: async () => gen, targets: async () => ({ live: gen, building: null }) } as unknown as RollupGenerations;
        for (const d of deliveries) {
          const client = transactionFaults(d);
          const handle = createAggregateHandler({ store: new DynamoRollupStore(client, tables, { sleep: async () => {}, now: d.late ? beyondHorizon : onTime }), generations, telemetry });
          await handle(streamEvent(deliveredRecords(records, d))).catch(() => undefined);
          client.destroy();
        }
        // The mapping keeps redelivering until the shard is through: one clean delivery of everything.
        await createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables, { now: onTime }), generations, telemetry })(streamEvent(records));
        expect(await storedDiff(gen, events)).toEqual([]);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
