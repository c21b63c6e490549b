import { describe, expect, it } from 'vitest';
import type { ClickEvent } from '../../core/click-event.ts';
import { signConversion, verifyConversionSignature } from '../../core/conversion-signature.ts';
import type { ConversionEvent } from '../../core/conversion-event.ts';
import { ConflictError, UnauthorizedError, ValidationError } from '../../core/errors.ts';
import { parseConversionReport, recordConversion, type ConversionDeps } from '../../core/record-conversion.ts';
import { sampleClickEvent } from '../support/click-events.ts';

const SECRET = 'conversion-secret-0123456789abcdef';
const NOW = new Date('2026-11-20T19:00:00.000Z');
const unix = Math.floor(NOW.getTime() / 1000);

describe('conversion signatures (Stripe-style: HMAC-SHA256 of "<timestamp>.<raw body>")', () => {
  const body = '{"bookingId":"B-1"}';
  const signed = { timestamp: String(unix), signature: signConversion(SECRET, unix, body), rawBody: body };

  it('accepts the exact body signed with the secret inside the 5-minute window', () => {
    expect(() => verifyConversionSignature(signed, SECRET, NOW)).not.toThrow();
    expect(() => verifyConversionSignature({ ...signed, timestamp: String(unix - 299) , signature: signConversion(SECRET, unix - 299, body) }, SECRET, NOW)).not.toThrow();
  });


  it('matches a vector computed with openssl, so any booking system can sign', () => {
    // printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec
    expect(signConversion('whsec', 1_700_000_000, '{}')).toBe('sha256=7d44587dddbaf4c7f70fef20f48cd594834ffea1641e3ac227b84408298738af');
  });

  it.each([
    ['a missing signature', { ...signed, signature: undefined }, /missing X-Reftrack-Signature/],
    ['a missing timestamp', { ...signed, timestamp: undefined }, /missing X-Reftrack-Timestamp/],
    ['a timestamp that is not unix seconds', { ...signed, timestamp: '2026-11-20' }, /unix seconds/],
    ['a stale timestamp', { ...signed, timestamp: String(unix - 301), signature: signConversion(SECRET, unix - 301, body) }, /outside the 5-minute window/],
    ['a future timestamp', { ...signed, timestamp: String(unix + 301), signature: signConversion(SECRET, unix + 301, body) }, /outside/],
    ['a changed body', { ...signed, rawBody: '{"bookingId":"B-2"}' }, /does not match/],
    ['a timestamp moved without re-signing', { ...signed, timestamp: String(unix - 10) }, /does not match/],
    ['another secret', { ...signed, signature: signConversion(`${SECRET}x`, unix, body) }, /does not match/],
    ['a truncated signature', { ...signed, signature: signed.signature.slice(0, 20) }, /does not match/],
  ])('refuses %s', (_name, req, message) => {
    expect(() => verifyConversionSignature(req, SECRET, NOW)).toThrow(UnauthorizedError);
    expect(() => verifyConversionSignature(req, SECRET, NOW)).toThrow(message);
  });
});

function deps(clicks: ClickEvent[] = [], settings = { timeZone: 'America/Los_Angeles', attributionWindowDays: 30 }) {
  const stored = new Map<string, ConversionEvent>();
  let now = NOW;
  const d: ConversionDeps = {
    clicks: { findClick: async (id) => clicks.find((c) => c.clickId === id) },
    conversions: {
      append: async (e) => (stored.has(e.conversionId) ? 'already-present' : (stored.set(e.conversionId, e), 'appended')),
      find: async (id) => stored.get(id),
    },
    clock: { now: () => now },
    settings,
  };
  return { d, stored, at: (t: string) => (now = new Date(t)) };
}

const click = sampleClickEvent({ ts: '2026-11-18T17:00:00.000Z', day: '2026-11-18', vendorCode: 'solare' as never, vendorName: 'Solare Ristorante' });
const report = (over: Record<string, unknown> = {}) =>
  parseConversionReport({ bookingId: 'B-1001', refCid: click.clickId, valueCents: 125_000, currency: 'USD', bookedAt: '2026-11-20T02:30:00Z', tripDate: '2026-12-05', status: 'booked', ...over });

describe('recordConversion', () => {
  it('stores a booking attributed to the click of its ref_cid, on the booking day in the business zone', async () => {
    const { d, stored } = deps([click]);
    const out = await recordConversion(report(), 'api', d);
    expect(out.kind).toBe('stored');
    expect(out.event).toEqual({
      type: 'conversion',
      schemaVersion: 1,
      conversionId: 'booked:B-1001',
      bookingId: 'B-1001',
      status: 'booked',
      refCid: click.clickId,
      valueCents: 125_000,
      currency: 'USD',
      bookedAt: '2026-11-20T02:30:00.000Z',
      tripDate: '2026-12-05',
      recordedAt: NOW.toISOString(),
      // 02:30 UTC on the 20th is the evening of the 19th in San Diego.
      day: '2026-11-19',
      attribution: { kind: 'attributed', vendorCode: 'solare', vendorName: 'Solare Ristorante', clickId: click.clickId, clickDay: '2026-11-18' },
      source: 'api',
    });
    expect([...stored.keys()]).toEqual(['booked:B-1001']);
  });

  it('the same report again is "already stored" and changes nothing; different values are a conflict', async () => {
    const { d, stored, at } = deps([click]);
    const first = await recordConversion(report(), 'api', d);
    at('2026-11-20T19:04:00.000Z');
    const again = await recordConversion(report({ bookedAt: '2026-11-19T18:30:00-08:00' }), 'cli', d);
    expect(again).toEqual({ kind: 'already-stored', event: first.event });
    expect(stored.size).toBe(1);
    await expect(recordConversion(report({ valueCents: 1 }), 'api', d)).rejects.toThrow(ConflictError);
    await expect(recordConversion(report({ valueCents: 1 }), 'api', d)).rejects.toThrow(/different valueCents/);
  });

  it.each([
    ['no ref_cid', { refCid: null }, 'no-ref-cid'],
    ['a ref_cid that is not a click id', { refCid: 'hello' }, 'unknown-ref-cid'],
    ['a ref_cid nobody clicked', { refCid: '01KAAAAAAAAAAAAAAAAAAAAAAA' }, 'unknown-ref-cid'],
    ['a booking 31 days after the click', { bookedAt: '2026-12-19T17:00:01Z' }, 'outside-window'],
    ['a booking an hour before the click', { bookedAt: '2026-11-18T16:00:00Z' }, 'outside-window'],
  ])('%s is stored as unattributed, never dropped', async (_name, over, reason) => {
    const { d, stored } = deps([click]);
    const out = await recordConversion(report(over), 'api', d);
    expect(out.event.attribution).toEqual({ kind: 'unattributed', reason });
    expect(stored.size).toBe(1);
  });

  it('a booking exactly 30 days after its click is still attributed (the window is inclusive)', async () => {
    const { d } = deps([click]);
    const out = await recordConversion(report({ bookedAt: '2026-12-18T17:00:00Z' }), 'api', d);
    expect(out.event.attribution.kind).toBe('attributed');
  });

  it('a cancellation is a new event on the day it was recorded, credited like its booking even without a ref_cid', async () => {
    const { d, stored, at } = deps([click]);
    await recordConversion(report(), 'api', d);
    at('2026-12-02T20:00:00.000Z');
    const out = await recordConversion(report({ status: 'cancelled', refCid: null }), 'api', d);
    expect(out.event).toMatchObject({ conversionId: 'cancelled:B-1001', day: '2026-12-02', attribution: { kind: 'attributed', vendorCode: 'solare' } });
    expect(stored.size).toBe(2);
  });

  it('names every bad field of a report', () => {
    expect(() => parseConversionReport({ bookingId: '', refCid: 1, valueCents: 1.5, currency: 'usd', bookedAt: 'yesterday', tripDate: '5/12', status: 'paid' })).toThrow(ValidationError);
    try {
      parseConversionReport({ bookingId: '', refCid: 1, valueCents: 1.5, currency: 'usd', bookedAt: 'yesterday', tripDate: '5/12', status: 'paid', extra: 1 });
    } catch (error) {
      for (const field of ['bookingId', 'refCid', 'valueCents', 'currency', 'bookedAt', 'tripDate', 'status']) expect((error as Error).message).toContain(field);
    }
  });
});
