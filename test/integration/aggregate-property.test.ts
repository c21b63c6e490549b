import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { diffRollups } from '../../core/rollup-diff.ts';
import { recount } from '../../core/rollup.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { click } from '../support/click-events.ts';
import { faultyClient } from '../support/faulty-client.ts';
import { insertRecord, streamEvent } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

/** A delivery: a slice of the records, possibly cut short by a crash after `crashAfter` transactions. */
const delivery = fc.record({ start: fc.nat(), length: fc.integer({ min: 1, max: 60 }), crashAfter: fc.option(fc.nat({ max: 2 }), { nil: undefined }), lostAnswer: fc.boolean() });

describe('property: any deliveries, duplicates and crashes end exact (DynamoDB Local)', () => {
  let tables: TableNames;
  let generation = 100;
  beforeAll(async () => {
    tables = await freshTables();
  });

  it('rollups equal a recount of the click set', async () => {
    const clickArb = fc.record({
      vendor: fc.constantFrom('solare', 'puesto'),
      visitor: fc.constantFrom('a', 'b', 'c'),
      minute: fc.integer({ min: 0, max: 2 * 24 * 60 }),
      bot: fc.constantFrom<false | true | 'prefetch'>(false, false, true, 'prefetch'),
      internal: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(clickArb, { minLength: 1, maxLength: 70 }), fc.array(delivery, { maxLength: 5 }), async (specs, deliveries) => {
        const gen = ++generation; // each run gets its own projection generation in the same tables
        const events = specs.map((s) => click({ ...s, at: new Date(Date.UTC(2026, 10, 10) + s.minute * 60_000) }));
        const records = events.map(insertRecord);
        const generations = { current: async () => gen } as unknown as RollupGenerations;
        for (const d of deliveries) {
          let transactions = 0;
          const client = faultyClient({
            before: (name) => { if (name === 'TransactWriteItemsCommand' && d.crashAfter !== undefined && transactions++ >= d.crashAfter) throw new Error('crash'); },
            after: (name) => { if (name === 'TransactWriteItemsCommand' && d.lostAnswer && transactions === 1) throw new Error('answer lost'); },
          });
          const start = d.start % records.length;
          const handle = createAggregateHandler({ store: new DynamoRollupStore(client, tables.state, { sleep: async () => {} }), generations, telemetry });
          await handle(streamEvent(records.slice(start, start + d.length))).catch(() => undefined);
          client.destroy();
        }
        // The mapping keeps redelivering until the shard is through: one clean delivery of everything.
        await createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables.state), generations, telemetry })(streamEvent(records));
        const stored = (await new RollupReader(dynamodb, tables.state, generations).everything(gen)).map((s) =>
          s.kind === 'day' ? { scope: s.rollup.scope, period: s.rollup.day, figures: s.rollup } : { scope: s.totals.scope, period: 'TOTAL' as const, figures: s.totals },
        );
        expect(diffRollups(recount(events), stored)).toEqual([]);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
