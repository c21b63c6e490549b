import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { DynamoClickLookup, DynamoConversionLog } from '../../adapters/dynamodb-conversion-log.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { parseConversionReport, recordConversion, type ConversionDeps } from '../../core/record-conversion.ts';
import { sampleClickEvent } from '../support/click-events.ts';
import { freshTables } from '../support/tables.ts';

describe('conversions in the Events table (DynamoDB Local)', () => {
  let tables: TableNames;
  let deps: ConversionDeps;
  const click = sampleClickEvent({ ts: '2026-11-18T17:00:00.000Z', day: '2026-11-18', vendorCode: 'boardbrew' as never, vendorName: 'Board & Brew' });

  beforeAll(async () => {
    tables = await freshTables();
    await new DynamoClickLog(dynamodb, tables.events).append(click);
    const vendors = new DynamoVendorStore(dynamodb, tables.state);
    deps = {
      clicks: new DynamoClickLookup({ client: dynamodb, tableName: tables.events, timeZone: 'America/Los_Angeles', vendorCodes: async () => (await vendors.list()).map((v) => v.code) }),
      conversions: new DynamoConversionLog(dynamodb, tables.events),
      clock: { now: () => new Date('2026-11-20T19:00:00.000Z') },
      settings: { timeZone: 'America/Los_Angeles', attributionWindowDays: 30 },
    };
  });

  const report = (over: Record<string, unknown> = {}) =>
    parseConversionReport({ bookingId: 'JADA-2026-0042', refCid: click.clickId, valueCents: 189_900, currency: 'USD', bookedAt: '2026-11-19T21:15:00-08:00', tripDate: '2026-12-12', status: 'booked', ...over });

  it('finds the click of a ref_cid among every vendor\'s keys, and credits its vendor', async () => {
    expect(await deps.clicks.findClick(click.clickId)).toEqual(click);
    expect(await deps.clicks.findClick('01KAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    const out = await recordConversion(report(), 'api', deps);
    expect(out.kind).toBe('stored');
    expect(out.event.attribution).toEqual({ kind: 'attributed', vendorCode: 'boardbrew', vendorName: 'Board & Brew', clickId: click.clickId, clickDay: '2026-11-18' });
    expect(await deps.conversions.find('booked:JADA-2026-0042')).toEqual(out.event);
  });

  it('stores each (booking, status) once however often it is reported, even concurrently', async () => {
    const outs = await Promise.all(Array.from({ length: 8 }, () => recordConversion(report({ bookingId: 'JADA-2026-0043' }), 'api', deps)));
    expect(outs.filter((o) => o.kind === 'stored')).toHaveLength(1);
    const stored = await deps.conversions.find('booked:JADA-2026-0043');
    for (const o of outs) expect(o.event).toEqual(stored);
  });

  it('a refund of the booking is a second event under the same booking', async () => {
    const out = await recordConversion(report({ bookingId: 'JADA-2026-0042', status: 'refunded', refCid: null }), 'cli', deps);
    expect(out.event).toMatchObject({ conversionId: 'refunded:JADA-2026-0042', source: 'cli', attribution: { kind: 'attributed', vendorCode: 'boardbrew' } });
    expect(await deps.conversions.find('booked:JADA-2026-0042')).toMatchObject({ status: 'booked' });
  });
});
