/**
 * The booking use case: a report (from the signed API or the CLI) becomes one immutable
 * conversion event in the event log, attributed to the click whose `ref_cid` it carries.
 * Never dropped: a booking without a usable ref_cid is stored as unattributed, with the reason.
 */
import { businessDay } from './business-day.ts';
import type { ClickEvent } from './click-event.ts';
import { Attribution, ConversionEvent, ConversionReport, conversionId, type UnattributedReason } from './conversion-event.ts';
import { ConflictError, ValidationError } from './errors.ts';
import type { Clock } from './ports.ts';

/** Finds a click by the id the redirect put on the landing URL as `ref_cid`. */
export interface ClickLookup {
  findClick(clickId: string): Promise<ClickEvent | undefined>;
}

/** The conversion half of the event log; `append` is idempotent per conversionId. */
export interface ConversionLog {
  append(event: ConversionEvent): Promise<'appended' | 'already-present'>;
  find(conversionId: string): Promise<ConversionEvent | undefined>;
}

export interface ConversionSettings {
  readonly timeZone: string;
  /** A booking more than this many days after its click is not credited to the vendor. */
  readonly attributionWindowDays: number;
}

export interface ConversionDeps {
  readonly clicks: ClickLookup;
  readonly conversions: ConversionLog;
  readonly clock: Clock;
  readonly settings: ConversionSettings;
}

export type ConversionOutcome =
  | { readonly kind: 'stored'; readonly event: ConversionEvent }
  | { readonly kind: 'already-stored'; readonly event: ConversionEvent };

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** Booking systems' clocks drift; a booking a little "before" its click is still that click's. */
const CLOCK_SKEW_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

/** Validates a report body; the error names every bad field. */
export function parseConversionReport(body: unknown): ConversionReport {
  const result = ConversionReport.safeParse(body);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

export async function recordConversion(report: ConversionReport, source: 'api' | 'cli', deps: ConversionDeps): Promise<ConversionOutcome> {
  const now = deps.clock.now();
  const id = conversionId(report.bookingId, report.status);
  const bookedAt = new Date(report.bookedAt);

  const existing = await deps.conversions.find(id);
  if (existing) return alreadyStored(existing, report);

  // A reversal belongs to whoever the booking was credited to, even if its report lacks the ref_cid.
  const booking = report.status === 'booked' ? undefined : await deps.conversions.find(conversionId(report.bookingId, 'booked'));
  const attribution = booking ? booking.attribution : await attribute(report, bookedAt, deps);

  const event = ConversionEvent.parse({
    type: 'conversion',
    schemaVersion: 1,
    conversionId: id,
    bookingId: report.bookingId,
    status: report.status,
    refCid: report.refCid,
    valueCents: report.valueCents,
    currency: report.currency,
    bookedAt: bookedAt.toISOString(),
    tripDate: report.tripDate,
    recordedAt: now.toISOString(),
    day: businessDay(report.status === 'booked' ? bookedAt : now, deps.settings.timeZone),
    attribution,
    source,
  });
  const result = await deps.conversions.append(event);
  if (result === 'appended') return { kind: 'stored', event };
  // Lost a race with an identical report: the stored one is the truth.
  const stored = await deps.conversions.find(id);
  return alreadyStored(stored ?? event, report);
}

async function attribute(report: ConversionReport, bookedAt: Date, deps: ConversionDeps): Promise<Attribution> {
  const unattributed = (reason: UnattributedReason): Attribution => ({ kind: 'unattributed', reason });
  if (report.refCid === null || report.refCid === '') return unattributed('no-ref-cid');
  if (!ULID.test(report.refCid)) return unattributed('unknown-ref-cid');
  const click = await deps.clicks.findClick(report.refCid);
  if (!click) return unattributed('unknown-ref-cid');
  const age = bookedAt.getTime() - Date.parse(click.ts);
  if (age < -CLOCK_SKEW_MS || age > deps.settings.attributionWindowDays * DAY_MS) return unattributed('outside-window');
  return { kind: 'attributed', vendorCode: click.vendorCode, vendorName: click.vendorName, clickId: click.clickId, clickDay: click.day };
}

/** The same (bookingId, status) again: fine if it says the same thing, a conflict if it does not. */
function alreadyStored(stored: ConversionEvent, report: ConversionReport): ConversionOutcome {
  const differs: string[] = (['refCid', 'valueCents', 'currency', 'tripDate'] as const).filter((f) => stored[f] !== report[f]);
  if (Date.parse(stored.bookedAt) !== Date.parse(report.bookedAt)) differs.push('bookedAt');
  if (differs.length > 0) {
    throw new ConflictError(`booking ${report.bookingId} is already stored as ${report.status} with a different ${differs.join(', ')}; report a change as a cancellation and a new booking`);
  }
  return { kind: 'already-stored', event: stored };
}
