import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { DynamoClickLookup, DynamoConversionLog } from '../../adapters/dynamodb-conversion-log.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { signConversion } from '../../core/conversion-signature.ts';
import { createConversionsApp } from '../../http/conversions-app.ts';
import { sampleClickEvent } from '../support/click-events.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const SECRET = 'conversion-secret-for-tests-0123456789';
const NOW = new Date('2026-11-20T19:00:00.000Z');
const unix = Math.floor(NOW.getTime() / 1000);

describe('POST /api/v1/conversions (signed, against DynamoDB Local)', () => {
  let app: ReturnType<typeof createConversionsApp>;
  let log: DynamoConversionLog;
  const click = sampleClickEvent({ ts: '2026-11-18T17:00:00.000Z', day: '2026-11-18' });

  beforeAll(async () => {
    const tables = await freshTables();
    await new DynamoClickLog(dynamodb, tables.events).append(click);
    const vendors = new DynamoVendorStore(dynamodb, tables.state);
    log = new DynamoConversionLog(dynamodb, tables.events);
    app = createConversionsApp({
      clicks: new DynamoClickLookup({ client: dynamodb, tableName: tables.events, timeZone: 'America/Los_Angeles', vendorCodes: async () => (await vendors.list()).map((v) => v.code) }),
      conversions: log,
      clock: { now: () => NOW },
      settings: { timeZone: 'America/Los_Angeles', attributionWindowDays: 30 },
      secret: SECRET,
      telemetry,
    });
  });

  const body = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ bookingId: 'B-77', refCid: click.clickId, valueCents: 250_000, currency: 'USD', bookedAt: '2026-11-19T18:00:00Z', tripDate: '2026-12-01', status: 'booked', ...over });
  const post = (raw: string, headers: Record<string, string> = { 'X-Reftrack-Timestamp': String(unix), 'X-Reftrack-Signature': signConversion(SECRET, unix, raw) }) =>
    app.request('/api/v1/conversions', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers } });

  it.each([
    ['no signature', (raw: string) => ({ 'X-Reftrack-Timestamp': String(unix) })],
    ['a wrong signature', (raw: string) => ({ 'X-Reftrack-Timestamp': String(unix), 'X-Reftrack-Signature': signConversion('wrong-secret', unix, raw) })],
    ['a stale timestamp', (raw: string) => ({ 'X-Reftrack-Timestamp': String(unix - 600), 'X-Reftrack-Signature': signConversion(SECRET, unix - 600, raw) })],
    ['a body changed after signing', (raw: string) => ({ 'X-Reftrack-Timestamp': String(unix), 'X-Reftrack-Signature': signConversion(SECRET, unix, raw.replace('250000', '990000')) })],
  ])('%s: 401 and nothing stored', async (_name, headers) => {
    const raw = body({ bookingId: 'B-401' });
    const res = await post(raw, headers(raw) as Record<string, string>);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await log.find('booked:B-401')).toBeUndefined();
  });

  it('201 stores the booking; the same report again is 200 and stores nothing new', async () => {
    const first = await post(body());
    expect(first.status).toBe(201);
    const stored = (await first.json()) as { stored: boolean; conversion: { attribution: { vendorCode: string } } };
    expect(stored).toMatchObject({ stored: true, conversion: { conversionId: 'booked:B-77', attribution: { kind: 'attributed', vendorCode: 'solare', clickId: click.clickId } } });
    const again = await post(body());
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...stored, stored: false });
  });

  it('400 names the bad field (signed correctly, so the signature is not the problem)', async () => {
    const res = await post(body({ bookingId: 'B-400', valueCents: 12.5 }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^valueCents: /);
    expect(await log.find('booked:B-400')).toBeUndefined();
  });

  it('409 when the same booking and status come back with other values', async () => {
    const res = await post(body({ valueCents: 1 }));
    expect(res.status).toBe(409);
  });

  it('an unknown ref_cid is stored as unattributed, never dropped', async () => {
    const res = await post(body({ bookingId: 'B-78', refCid: '01KAAAAAAAAAAAAAAAAAAAAAAA' }));
    expect(res.status).toBe(201);
    expect(await log.find('booked:B-78')).toMatchObject({ attribution: { kind: 'unattributed', reason: 'unknown-ref-cid' } });
  });
});
