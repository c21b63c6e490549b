/**
 * Export schema `reftrack.conversion/1`: conversion events beside the click lines in the same
 * `dt=` partitions (the conversion's business day), told apart by `type`. Attribution is
 * flattened into plain columns for SQL engines. Same compatibility rule as the clicks: fields
 * are only ever added within /1. Readers dedupe on `conversionId` (delivery is at least once).
 */
import './validation.ts';
import * as z from 'zod/mini';
import { ConversionEvent, UNATTRIBUTED_REASONS } from './conversion-event.ts';
import { ValidationError } from './errors.ts';
import { VENDOR_CODE_PATTERN } from './vendor-code.ts';

export const CONVERSION_EXPORT_SCHEMA = 'reftrack.conversion/1';

const shape = ConversionEvent.shape;

export const ConversionExportRecord = z.object({
  schema: z.literal(CONVERSION_EXPORT_SCHEMA),
  type: z.literal('conversion'),
  conversionId: shape.conversionId,
  bookingId: shape.bookingId,
  status: shape.status,
  refCid: shape.refCid,
  valueCents: shape.valueCents,
  currency: shape.currency,
  bookedAt: shape.bookedAt,
  tripDate: shape.tripDate,
  recordedAt: shape.recordedAt,
  day: shape.day,
  /** `attributed`, or why not: `no-ref-cid`, `unknown-ref-cid`, `outside-window`. */
  attribution: z.enum(['attributed', ...UNATTRIBUTED_REASONS]),
  vendorCode: z.nullable(z.string().check(z.regex(VENDOR_CODE_PATTERN))),
  vendorName: z.nullable(z.string().check(z.minLength(1), z.maxLength(120))),
  clickId: z.nullable(z.string()),
  clickDay: z.nullable(z.string()),
  source: shape.source,
});
export type ConversionExportRecord = z.infer<typeof ConversionExportRecord>;

export function toConversionExportRecord(e: ConversionEvent): ConversionExportRecord {
  const a = e.attribution;
  return {
    schema: CONVERSION_EXPORT_SCHEMA,
    type: 'conversion',
    conversionId: e.conversionId,
    bookingId: e.bookingId,
    status: e.status,
    refCid: e.refCid,
    valueCents: e.valueCents,
    currency: e.currency,
    bookedAt: e.bookedAt,
    tripDate: e.tripDate,
    recordedAt: e.recordedAt,
    day: e.day,
    attribution: a.kind === 'attributed' ? 'attributed' : a.reason,
    vendorCode: a.kind === 'attributed' ? a.vendorCode : null,
    vendorName: a.kind === 'attributed' ? a.vendorName : null,
    clickId: a.kind === 'attributed' ? a.clickId : null,
    clickDay: a.kind === 'attributed' ? a.clickDay : null,
    source: e.source,
  };
}

export function toConversionExportLine(e: ConversionEvent): string {
  return `${JSON.stringify(toConversionExportRecord(e))}\n`;
}

/** The exact inverse of the flattening. */
export function conversionEventOf(r: ConversionExportRecord): ConversionEvent {
  return ConversionEvent.parse({
    type: 'conversion',
    schemaVersion: 1,
    conversionId: r.conversionId,
    bookingId: r.bookingId,
    status: r.status,
    refCid: r.refCid,
    valueCents: r.valueCents,
    currency: r.currency,
    bookedAt: r.bookedAt,
    tripDate: r.tripDate,
    recordedAt: r.recordedAt,
    day: r.day,
    attribution:
      r.attribution === 'attributed'
        ? { kind: 'attributed', vendorCode: r.vendorCode, vendorName: r.vendorName, clickId: r.clickId, clickDay: r.clickDay }
        : { kind: 'unattributed', reason: r.attribution },
    source: r.source,
  });
}

/** A conversion line that cannot be read; says which field is wrong. */
export class MalformedConversionLineError extends ValidationError {}

export function parseConversionExportRecord(json: unknown): ConversionExportRecord {
  const result = ConversionExportRecord.safeParse(json);
  if (result.success) return result.data;
  throw new MalformedConversionLineError(result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; '));
}
