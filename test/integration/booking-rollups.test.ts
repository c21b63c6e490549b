/**
 * Booking figures in the rollups, through the real aggregate consumer and DynamoDB Local:
 * conversions recorded the way the API records them, delivered as stream records (again, and
 * late), summed per vendor-day beside the click figures, and checked by `verify`.
 */
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { conversionKey, DynamoClickLookup, DynamoConversionLog } from '../../adapters/dynamodb-conversion-log.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { verifyRollups } from '../../adapters/rollup-maintenance.ts';
import { bookingItem } from '../../adapters/state-table.ts';
import type { BusinessDay } from '../../core/business-day.ts';
import type { ConversionEvent } from '../../core/conversion-event.ts';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import { parseConversionReport, recordConversion, type ConversionDeps } from '../../core/record-conversion.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { telemetry } from '../support/telemetry.ts';
import { click } from '../support/click-events.ts';
import { insertRecord, streamEvent, streamRecord } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';

const day = (iso: string) => iso.slice(0, 10) as BusinessDay;

describe('booking figures in the rollups (DynamoDB Local)', () => {
  let tables: TableNames;
  let deps: ConversionDeps;
  let reader: RollupReader;
  let generations: RollupGenerations;
  let handle: ReturnType<typeof createAggregateHandler>;
  // A guest of Solare's clicked on Nov 18 (business day in Los Angeles) and booked on Nov 19.
  const guest = click({ vendor: 'solare', visitor: 'guest', network: 'home', at: '2026-11-18T20:00:00.000Z' });

  beforeAll(async () => {
    tables = await freshTables();
    await new DynamoClickLog(dynamodb, tables.events).append(guest);
    const vendors = new DynamoVendorStore(dynamodb, tables.state);
    deps = {
      clicks: new DynamoClickLookup({ client: dynamodb, tableName: tables.events, timeZone: 'America/Los_Angeles', vendorCodes: async () => (await vendors.list()).map((v) => v.code) }),
      conversions: new DynamoConversionLog(dynamodb, tables.events),
      clock: { now: () => new Date('2026-11-25T19:00:00.000Z') },
      settings: { timeZone: 'America/Los_Angeles', attributionWindowDays: 30 },
    };
    generations = new RollupGenerations(dynamodb, tables.state, 0);
    reader = new RollupReader(dynamodb, tables.state, generations);
    handle = createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables, { sleep: async () => {} }), generations, telemetry });
  });

  const report = (over: Record<string, unknown>) =>
    parseConversionReport({ refCid: guest.clickId, valueCents: 120_000, currency: 'USD', bookedAt: '2026-11-19T18:00:00-08:00', tripDate: '2026-12-12', status: 'booked', ...over });

  /** Records a conversion as the API does; returns its stream record, as the stream would carry it. */
  async function recorded(over: Record<string, unknown>): Promise<{ event: ConversionEvent; record: ReturnType<typeof streamRecord> }> {
    const out = await recordConversion(report(over), 'api', deps);
    const item = { ...conversionKey(out.event), ...out.event };
    return { event: out.event, record: streamRecord('INSERT', marshall(item, { removeUndefinedValues: true }), marshall(conversionKey(out.event))) };
  }

  async function exact(): Promise<void> {
    const report = await verifyRollups({ client: dynamodb, tables, reader, generations, rules: DEFAULT_RULES });
    expect(report.differences).toEqual([]);
  }

  it('counts a booking once on its booking day beside the clicks, however often the stream delivers it', async () => {
    const booked = await recorded({ bookingId: 'B-1' });
    const second = await recorded({ bookingId: 'B-2', valueCents: 30_000 });
    const unattributed = await recorded({ bookingId: 'B-3', refCid: null });
    const batch = streamEvent([insertRecord(guest), booked.record, second.record, unattributed.record]);
    expect((await handle(batch)).batchItemFailures).toEqual([]);
    // Redelivered whole, and once more on its own (a retried, bisected batch).
    expect((await handle(batch)).batchItemFailures).toEqual([]);
    expect((await handle(streamEvent([booked.record]))).batchItemFailures).toEqual([]);

    const days = await reader.daily('solare' as VendorCode, day('2026-11-18'), day('2026-11-19'));
    expect(days.map((d) => [d.day, d.clicks, d.qualifiedClicks, d.bookings, d.bookingValueCents])).toEqual([
      ['2026-11-18', 1, 1, 0, 0],
      ['2026-11-19', 0, 0, 2, 150_000],
    ]);
    // The all-vendors view and the running total carry the same figures; unattributed counts for no one.
    const all = await reader.range('*', day('2026-11-18'), day('2026-11-19'));
    expect(all.total).toMatchObject({ clicks: 1, bookings: 2, bookingValueCents: 150_000 });
    expect(await reader.totals('solare' as VendorCode)).toMatchObject({ bookings: 2, bookingValueCents: 150_000 });
    await exact();
  });

  it('a cancellation subtracts on the day it was recorded, late or not, once', async () => {
    const cancelled = await recorded({ bookingId: 'B-2', status: 'cancelled', valueCents: 30_000 });
    expect(cancelled.event.day).toBe('2026-11-25');
    const batch = streamEvent([cancelled.record]);
    for (let i = 0; i < 3; i++) expect((await handle(batch)).batchItemFailures).toEqual([]);
    const { days, total } = await reader.range('solare' as VendorCode, day('2026-11-18'), day('2026-11-25'));
    expect(days.find((d) => d.day === '2026-11-25')).toMatchObject({ bookings: -1, bookingValueCents: -30_000 });
    expect(total).toMatchObject({ bookings: 1, bookingValueCents: 120_000 });
    await exact();
  });

  it('verify names a booking the rollups lost, and a booking figure the log does not explain', async () => {
    // B-9 is in the log but its stream record never came (Nov 19 now holds B-1 and B-2: 2, 1,500.00).
    const lost = (await recorded({ bookingId: 'B-9' })).event;
    const first = await verifyRollups({ client: dynamodb, tables, reader, generations, rules: DEFAULT_RULES });
    expect(first.differences).toEqual([{ scope: 'solare', period: '2026-11-19', fields: [{ field: 'bookings', expected: 3, actual: 2 }, { field: 'bookingValueCents', expected: 270_000, actual: 150_000 }] }]);
    // Someone writes a booking item straight into the State table: verify sees it too.
    const forged = bookingItem({ ...lost, bookingId: 'FORGED', conversionId: 'booked:FORGED', valueCents: 5 })!;
    await dynamodb.send(new PutItemCommand({ TableName: tables.state, Item: marshall(forged, { removeUndefinedValues: true }) }));
    const second = await verifyRollups({ client: dynamodb, tables, reader, generations, rules: DEFAULT_RULES });
    expect(second.differences).toEqual([{ scope: 'solare', period: '2026-11-19', fields: [{ field: 'bookingValueCents', expected: 270_000, actual: 150_005 }] }]);
    await dynamodb.send(new DeleteItemCommand({ TableName: tables.state, Key: marshall({ pk: forged.pk, sk: forged.sk }) }));
    // The late delivery makes it exact.
    expect((await handle(streamEvent([(await recorded({ bookingId: 'B-9' })).record]))).batchItemFailures).toEqual([]);
    await exact();
  });
});
