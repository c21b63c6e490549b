import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingContribution, bookingFiguresByVendorDay } from '../../core/booking-figures.ts';
import type { ConversionEvent } from '../../core/conversion-event.ts';
import type { VendorCode } from '../../core/vendor-code.ts';

const CLICK = '01KA0000000000000000000000';

function conversion(bookingId: string, status: ConversionEvent['status'], day: string, over: Partial<ConversionEvent> = {}): ConversionEvent {
  return {
    type: 'conversion', schemaVersion: 1, conversionId: `${status}:${bookingId}`, bookingId, status, refCid: CLICK, valueCents: 10_000, currency: 'USD',
    bookedAt: `${day}T20:00:00.000Z`, tripDate: day, recordedAt: `${day}T20:00:01.000Z`, day,
    attribution: { kind: 'attributed', vendorCode: 'solare' as VendorCode, vendorName: 'Solare', clickId: CLICK, clickDay: day }, source: 'api', ...over,
  };
}

describe('booking figures', () => {
  it('a booking adds one and its value on its day, a reversal subtracts them on its own day, every click figure stays 0', () => {
    expect(bookingContribution(conversion('B1', 'booked', '2026-11-03'))).toMatchObject({ vendorCode: 'solare', day: '2026-11-03', figures: { bookings: 1, bookingValueCents: 10_000, clicks: 0, qualifiedClicks: 0 } });
    expect(bookingContribution(conversion('B1', 'refunded', '2026-12-02'))).toMatchObject({ day: '2026-12-02', figures: { bookings: -1, bookingValueCents: -10_000, clicks: 0 } });
    expect(bookingContribution(conversion('B2', 'booked', '2026-11-03', { attribution: { kind: 'unattributed', reason: 'unknown-ref-cid' } }))).toBeNull();
  });

  it('per vendor-day, a repeated conversion counts once and the sum does not depend on order', () => {
    const events = [conversion('B1', 'booked', '2026-11-03'), conversion('B2', 'booked', '2026-11-03', { valueCents: 5 }), conversion('B1', 'cancelled', '2026-11-04'), conversion('B3', 'booked', '2026-11-04', { attribution: { kind: 'attributed', vendorCode: 'puesto' as VendorCode, vendorName: 'Puesto', clickId: CLICK, clickDay: '2026-11-04' } })];
    const expected = new Map([
      ['solare|2026-11-03', { bookings: 2, bookingValueCents: 10_005 }],
      ['solare|2026-11-04', { bookings: -1, bookingValueCents: -10_000 }],
      ['puesto|2026-11-04', { bookings: 1, bookingValueCents: 10_000 }],
    ]);
    fc.assert(
      fc.property(fc.shuffledSubarray([...events, ...events, events[0]!], { minLength: 9, maxLength: 9 }), (delivered) => {
        const got = bookingFiguresByVendorDay(delivered);
        expect(new Map([...got].map(([k, f]) => [k, { bookings: f.bookings, bookingValueCents: f.bookingValueCents }]))).toEqual(expected);
      }),
    );
  });
});
