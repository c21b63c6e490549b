import { describe, expect, it } from 'vitest';
import type { ConversionEvent } from '../../core/conversion-event.ts';
import { parseGa4Purchases, reconcileBookings, revenueCents } from '../../core/finance/ga4-purchases.ts';
import { parseGa4Csv } from '../../core/finance/ga4.ts';

const C1 = '01KA0000000000000000000001';
const C2 = '01KA0000000000000000000002';

const GA4 = `# ----------------------------------------
# Purchases
# 20261101-20261130
# ----------------------------------------
Transaction ID,ref_cid,Purchase revenue,Date
B-1,${C1.toLowerCase()},"1,250.00",20261103
B-2,${C1},99.5,20261104
B-3,(not set),10,20261105
B-9,,"$40",20261106
Grand total,,"1,399.50",

Date,Session source,Session medium,Sessions
20261103,solare,referral,4
`;

function booked(bookingId: string, clickId: string | null, valueCents: number, status: ConversionEvent['status'] = 'booked'): ConversionEvent {
  return {
    type: 'conversion', schemaVersion: 1, conversionId: `${status}:${bookingId}`, bookingId, status, refCid: clickId, valueCents, currency: 'USD',
    bookedAt: '2026-11-03T20:00:00.000Z', tripDate: '2026-12-01', recordedAt: '2026-11-03T20:00:01.000Z', day: '2026-11-03',
    attribution: clickId ? { kind: 'attributed', vendorCode: 'solare' as never, vendorName: 'Solare', clickId, clickDay: '2026-11-02' } : { kind: 'unattributed', reason: 'no-ref-cid' },
    source: 'api',
  };
}

describe('GA4 purchases', () => {
  it('reads the purchases table beside the sessions table, and the sessions parser still reads its own', () => {
    const out = parseGa4Purchases(GA4, 'ga4.csv');
    expect(out.hasPurchases).toBe(true);
    expect(out.problems).toEqual([]);
    expect(out.purchases).toEqual([
      { line: 6, transactionId: 'B-1', refCid: C1, revenueCents: 125_000, day: '2026-11-03' },
      { line: 7, transactionId: 'B-2', refCid: C1, revenueCents: 9_950, day: '2026-11-04' },
      { line: 8, transactionId: 'B-3', refCid: null, revenueCents: 1_000, day: '2026-11-05' },
      { line: 9, transactionId: 'B-9', refCid: null, revenueCents: 4_000, day: '2026-11-06' },
    ]);
    expect(parseGa4Csv(GA4, 'ga4.csv').rows).toHaveLength(1);
  });

  it('parses revenue into exact cents and refuses what is not an amount', () => {
    expect(revenueCents('1,899.05')).toBe(189_905);
    expect(revenueCents('7')).toBe(700);
    expect(revenueCents('0.5')).toBe(50);
    expect(revenueCents('')).toBeNull();
    expect(revenueCents('1e+23')).toBe('invalid');
    expect(revenueCents('12.345')).toBe('invalid');
  });

  it('matches bookings to purchases by transaction id and flags each difference with a likely reason', () => {
    const rows = reconcileBookings(
      [booked('B-1', C1, 125_000), booked('B-2', C2, 9_950), booked('B-3', C1, 2_000), booked('B-4', C1, 5_000), booked('B-5', C1, 7_000), booked('B-5', C1, 7_000, 'cancelled')],
      parseGa4Purchases(GA4, 'ga4.csv').purchases.concat([{ line: 20, transactionId: 'B-5', refCid: null, revenueCents: 7_000, day: null }]),
    );
    expect(rows.map((r) => [r.bookingId, r.flag])).toEqual([
      ['B-1', 'ok'],
      ['B-2', 'ref-cid-differs'],
      ['B-3', 'value-differs'],
      ['B-4', 'missing-in-ga4'],
      ['B-5', 'cancelled'],
      ['B-9', 'ga4-only'],
    ]);
  });
});
