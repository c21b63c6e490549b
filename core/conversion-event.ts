/**
 * A booking report (a conversion) as the booking system sends it, and the immutable
 * conversion event the pipeline appends for it to the same event log as the clicks.
 *
 * A booking's life is a few events, one per status: `booked`, then perhaps `cancelled` or
 * `refunded`. Each (bookingId, status) is stored once: a retried or duplicated report
 * changes nothing, and a cancellation is a new event that reverses the booking.
 */
import './validation.ts';
import * as z from 'zod/mini';
import { VENDOR_CODE_PATTERN, type VendorCode } from './vendor-code.ts';

export const CONVERSION_STATUSES = ['booked', 'cancelled', 'refunded'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The largest booking value accepted: 100 million in the currency, far above any charter. */
export const MAX_VALUE_CENTS = 10_000_000_000;

/** The body of `POST /api/v1/conversions` and one row of `reftrack conversions import`. */
export const ConversionReport = z.strictObject({
    /** The booking system's own id; with `status`, the idempotency key. */
    bookingId: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { message: 'must be 1-64 characters of A-Z a-z 0-9 . _ : - (the booking system\'s id)' })),
    /** The `ref_cid` the redirect put on the landing URL; null when the booking form had none. */
    refCid: z.nullable(z.string().check(z.maxLength(64))),
    valueCents: z.int({ message: 'must be a whole number of cents' }).check(z.gte(0), z.lte(MAX_VALUE_CENTS)),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as USD' })),
    /** When the booking was made (ISO 8601 with offset or Z). */
    bookedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-11-20T18:00:00Z' }),
    /** The day of the charter trip (holding periods count from it). */
    tripDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a day as YYYY-MM-DD' })),
    status: z.enum(CONVERSION_STATUSES),
});
export type ConversionReport = z.infer<typeof ConversionReport>;

/** Why a booking is not credited to a vendor (it is still stored and reported). */
export const UNATTRIBUTED_REASONS = ['no-ref-cid', 'unknown-ref-cid', 'outside-window'] as const;
export type UnattributedReason = (typeof UNATTRIBUTED_REASONS)[number];

export const Attribution = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('attributed'),
    vendorCode: z.pipe(z.string().check(z.regex(VENDOR_CODE_PATTERN)), z.transform((s) => s as VendorCode)),
    vendorName: z.string().check(z.minLength(1), z.maxLength(120)),
    clickId: z.string().check(z.regex(ULID)),
    clickDay: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  }),
  z.object({ kind: z.literal('unattributed'), reason: z.enum(UNATTRIBUTED_REASONS) }),
]);
export type Attribution = z.infer<typeof Attribution>;

export const ConversionEvent = z.object({
  type: z.literal('conversion'),
  schemaVersion: z.literal(1),
  /** `<status>:<bookingId>`: unique per (bookingId, status), the event's identity everywhere. */
  conversionId: z.string().check(z.minLength(3), z.maxLength(80)),
  bookingId: ConversionReport.shape.bookingId,
  status: ConversionReport.shape.status,
  refCid: ConversionReport.shape.refCid,
  valueCents: ConversionReport.shape.valueCents,
  currency: ConversionReport.shape.currency,
  /** Normalised to UTC with milliseconds. */
  bookedAt: z.iso.datetime({ precision: 3 }),
  tripDate: ConversionReport.shape.tripDate,
  /** When reftrack first stored this status (ISO UTC); later copies keep the first. */
  recordedAt: z.iso.datetime({ precision: 3 }),
  /**
   * The business day the event counts on: the booking's day for `booked`; for a cancellation or
   * refund, the day it was recorded (it reverses the booking from then on, so a month already
   * paid is never rewritten: the reversal is a clawback in the month it happened).
   */
  day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  attribution: Attribution,
  /** Who reported it: the signed API or the CLI. */
  source: z.enum(['api', 'cli']),
});
export type ConversionEvent = z.infer<typeof ConversionEvent>;

export function conversionId(bookingId: string, status: ConversionStatus): string {
  return `${status}:${bookingId}`;
}

/** +1 for a booking, -1 for its reversal: how a conversion moves the booking figures. */
export function conversionSign(status: ConversionStatus): 1 | -1 {
  return status === 'booked' ? 1 : -1;
}

/** The vendor credited with the conversion, or null when it is unattributed. */
export function attributedVendor(event: ConversionEvent): VendorCode | null {
  return event.attribution.kind === 'attributed' ? event.attribution.vendorCode : null;
}
