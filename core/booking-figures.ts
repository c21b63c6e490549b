/**
 * What a conversion (a booking, or its cancellation or refund) adds to its vendor-day's
 * rollup: `bookings` +1 or -1 and `bookingValueCents` +value or -value, on the event's
 * business day (core/conversion-event.ts: the booking's day for a booking, the day it was
 * recorded for a reversal, so a day already paid is never rewritten). Unattributed conversions
 * belong to no vendor and add nothing. Pure: the same set of events gives the same figures in
 * the stream consumer, `reftrack verify` and the tests.
 */
import { attributedVendor, conversionSign, type ConversionEvent } from './conversion-event.ts';
import { addFigures, ZERO_FIGURES, type RollupFigures } from './rollup-figures.ts';
import type { VendorCode } from './vendor-code.ts';

export interface BookingContribution {
  readonly vendorCode: VendorCode;
  readonly day: string;
  readonly conversionId: string;
  readonly figures: RollupFigures;
}

export function bookingContribution(event: ConversionEvent): BookingContribution | null {
  const vendorCode = attributedVendor(event);
  if (vendorCode === null) return null;
  const sign = conversionSign(event.status);
  return { vendorCode, day: event.day, conversionId: event.conversionId, figures: { ...ZERO_FIGURES, bookings: sign, bookingValueCents: sign * event.valueCents } };
}

/** The booking figures of a set of conversions per `vendor|day` (a repeated conversionId counts once). */
export function bookingFiguresByVendorDay(events: readonly ConversionEvent[]): Map<string, RollupFigures> {
  const unique = new Map(events.map((e) => [e.conversionId, e]));
  const out = new Map<string, RollupFigures>();
  for (const e of unique.values()) {
    const c = bookingContribution(e);
    if (!c) continue;
    const key = `${c.vendorCode}|${c.day}`;
    out.set(key, addFigures(out.get(key) ?? ZERO_FIGURES, c.figures));
  }
  return out;
}
