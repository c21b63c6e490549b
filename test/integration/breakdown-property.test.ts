import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import type { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { BREAKDOWN_DIMENSIONS, BREAKDOWN_TOP, DIMENSION_CAPS, OTHER_VALUE, recountBreakdowns } from '../../core/breakdown.ts';
import type { BusinessDay } from '../../core/business-day.ts';
import type { RollupScope } from '../../core/rollup.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { click } from '../support/click-events.ts';
import { deliveredRecords, transactionFaults } from '../support/faulty-client.ts';
import { insertRecord, streamEvent } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

/** Just after the clicks' days, so they take the live path (within the lateness horizon). */
const CLOCK = () => new Date('2026-11-14T00:00:00.000Z');

const delivery = fc.record({ start: fc.nat(), length: fc.integer({ min: 1, max: 60 }), crashAfter: fc.option(fc.nat({ max: 2 }), { nil: undefined }), lostAnswer: fc.boolean() });

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148';
const TABLET = 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0';

describe('breakdown projections under redelivery, crashes and lost answers (DynamoDB Local)', () => {
  let tables: TableNames;
  let generation = 500;
  beforeAll(async () => {
    tables = await freshTables();
  });

  const readAll = async (reader: RollupReader, keys: Iterable<string>) => {
    const out = new Map<string, Map<string, Map<string, { clicks: number; qualifiedClicks: number }>>>();
    for (const key of keys) {
      const [scope, day] = key.split('|') as [RollupScope, BusinessDay];
      const dims = new Map<string, Map<string, { clicks: number; qualifiedClicks: number }>>();
      for (const dim of BREAKDOWN_DIMENSIONS) {
        const rows = await reader.breakdown(scope, day, day, dim, 1000);
        dims.set(dim, new Map(rows.map((r) => [r.value, { clicks: r.clicks, qualifiedClicks: r.qualifiedClicks }])));
      }
      out.set(key, dims);
    }
    return out;
  };

  it('every scope-day-dimension-value equals a recount of the click set', async () => {
    const clickArb = fc.record({
      vendor: fc.constantFrom('solare', 'puesto'),
      visitor: fc.constantFrom('a', 'b', 'c', 'd'),
      minute: fc.integer({ min: 0, max: 2 * 24 * 60 }),
      bot: fc.constantFrom<false | true | 'prefetch'>(false, false, true, 'prefetch'),
      internal: fc.boolean(),
      placement: fc.constantFrom<string | null>('qr', 'email', null),
      refererHost: fc.constantFrom<string | null>('l.instagram.com', 'www.google.com', null),
      country: fc.constantFrom<string | null>('US', 'MX', null),
      userAgent: fc.constantFrom(PHONE, TABLET, DESKTOP),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(clickArb, { minLength: 1, maxLength: 70 }), fc.array(delivery, { maxLength: 5 }), async (specs, deliveries) => {
        const gen = ++generation;
        const events = specs.map((s) => click({ ...s, userAgent: s.bot ? 'Googlebot/2.1' : s.userAgent, at: new Date(Date.UTC(2026, 10, 10) + s.minute * 60_000) }));
        const records = events.map(insertRecord);
        const generations = { current: async () => gen, targets: async () => ({ live: gen, building: null }) } as unknown as RollupGenerations;
        for (const d of deliveries) {
          const client = transactionFaults(d);
          const handle = createAggregateHandler({ store: new DynamoRollupStore(client, tables, { sleep: async () => {}, now: CLOCK }), generations, telemetry });
          await handle(streamEvent(deliveredRecords(records, d))).catch(() => undefined);
          client.destroy();
        }
        await createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables, { now: CLOCK }), generations, telemetry })(streamEvent(records));
        const expected = recountBreakdowns(events);
        const stored = await readAll(new RollupReader(dynamodb, tables.state, generations), expected.keys());
        for (const [key, dims] of expected) {
          for (const [dim, values] of dims) {
            expect([...(stored.get(key)?.get(dim) ?? [])].sort(), `${key} ${dim}`).toEqual([...values].sort());
          }
        }
      }),
      { numRuns: 12 },
    );
  }, 180_000);

  it('past the cap, new values go to "other" and every dimension still adds up to the day', async () => {
    const gen = ++generation;
    const generations = { current: async () => gen, targets: async () => ({ live: gen, building: null }) } as unknown as RollupGenerations;
    const hosts = Array.from({ length: DIMENSION_CAPS.referrer + 15 }, (_, i) => `site${i}.example`);
    const events = hosts.map((host, i) => click({ vendor: 'solare', visitor: `v${i}`, refererHost: host, at: new Date(Date.UTC(2026, 10, 12, 18, 0, i)) }));
    const handle = createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables, { now: CLOCK }), generations, telemetry });
    // Several batches, so the cap is applied against what the item already holds.
    for (let i = 0; i < events.length; i += 7) await handle(streamEvent(events.slice(i, i + 7).map(insertRecord)));
    await handle(streamEvent(events.map(insertRecord))); // a full redelivery changes nothing
    const reader = new RollupReader(dynamodb, tables.state, generations);
    const day = '2026-11-12' as BusinessDay;
    const stored = await reader.breakdown('solare' as RollupScope, day, day, 'referrer', 1000);
    expect(stored.filter((r) => r.value !== OTHER_VALUE)).toHaveLength(DIMENSION_CAPS.referrer);
    expect(stored.find((r) => r.value === OTHER_VALUE)?.clicks).toBe(15);
    expect(stored.reduce((n, r) => n + r.clicks, 0)).toBe(events.length);
    expect(stored.reduce((n, r) => n + r.qualifiedClicks, 0)).toBe(events.length);
    // What the API shows: the top values, the rest folded into one "other" row, last.
    const shown = await reader.breakdown('solare' as RollupScope, day, day, 'referrer');
    expect(shown).toHaveLength(BREAKDOWN_TOP + 1);
    expect(shown.at(-1)).toEqual({ value: OTHER_VALUE, clicks: events.length - BREAKDOWN_TOP, qualifiedClicks: events.length - BREAKDOWN_TOP });
    const device = await reader.breakdown('*', day, day, 'device');
    expect(device).toEqual([{ value: 'desktop', clicks: events.length, qualifiedClicks: events.length }]);
  }, 60_000);
});
