/**
 * Commission on bookings for one statement month, computed only from exported conversion
 * events (every one up to the month's end, so a reversal of an earlier month's booking is
 * seen) and the payout rules. Pure and deterministic: no clock is read.
 *
 * Per attributed booking of a vendor with a commission rule:
 *   commission   = flatCents, or valueCents x basisPoints / 10,000 (rounded half up, in cents)
 *   payable from = the booking's business day, or with a holding period the later of that and
 *                  tripDate + holdDays
 *   paid in      = the first statement month that has reached "payable from", unless the
 *                  booking was reversed (cancelled or refunded) by then: then it is never paid
 *   clawback     = a reversal recorded in a later month than the one that paid the booking is
 *                  a negative line in the reversal's month (carried into that statement)
 * Every line of the month, paid, held, reversed or clawed back, is listed with its click id
 * and the export object it came from, so a vendor can check every cent.
 */
import type { ConversionEvent } from '../conversion-event.ts';
import { ValidationError } from '../errors.ts';
import type { VendorCode } from '../vendor-code.ts';
import type { Cents } from './money.ts';

export interface CommissionRule {
  /** Paid per booking, whatever its value. */
  readonly flatCents: Cents | null;
  /** Paid per booking as a share of its value: 1000 = 10%. */
  readonly basisPoints: number | null;
  /**
   * Holding period: paid only in the statement of the month in which `tripDate + holdDays` falls
   * (statements are run after their month has ended, so that day has passed). null: no holding,
   * paid with the booking's month.
   */
  readonly holdDays: number | null;
}

/** A conversion as the export reader hands it over, with the object it was read from. */
export interface ExportedConversion {
  readonly event: ConversionEvent;
  /** The export object (S3 key or local path) the first copy of this event was read from. */
  readonly source: string;
}

export type BookingLineKind = 'paid' | 'held' | 'reversed-before-payment' | 'clawback';

export interface BookingLine {
  readonly kind: BookingLineKind;
  readonly bookingId: string;
  readonly clickId: string;
  readonly bookedDay: string;
  readonly tripDate: string;
  /** The day the booking becomes payable (booking day or trip + hold, whichever is later). */
  readonly payableFrom: string;
  readonly valueCents: Cents;
  /** What this line adds to the statement: + for paid, - for a clawback, 0 otherwise. */
  readonly amountCents: Cents;
  /** The commission the booking earns (for held and reversed lines, what it would be). */
  readonly commissionCents: Cents;
  /** The reversal that made this line (clawback, reversed-before-payment), if any. */
  readonly reversal: { readonly status: 'cancelled' | 'refunded'; readonly day: string; readonly source: string } | null;
  readonly source: string;
}

export interface VendorCommission {
  readonly bookings: number;
  readonly bookingValueCents: Cents;
  readonly commissionCents: Cents;
  readonly clawbackCents: Cents;
  /** Paid commission less clawbacks: what the bookings add to the amount due. */
  readonly netCents: Cents;
  readonly lines: readonly BookingLine[];
}

export interface CommissionProblem {
  readonly bookingId: string;
  readonly message: string;
}

export interface CommissionRun {
  readonly vendors: ReadonlyMap<VendorCode, VendorCommission>;
  /** Bookings of the month credited to nobody (no ref_cid, unknown, outside the window). */
  readonly unattributed: ReadonlyArray<{ readonly bookingId: string; readonly day: string; readonly valueCents: Cents; readonly reason: string; readonly source: string }>;
  readonly problems: readonly CommissionProblem[];
}

export interface CommissionInput {
  /** `YYYY-MM` of the statement, and its first and last business day. */
  readonly month: { readonly id: string; readonly from: string; readonly to: string };
  readonly currency: string;
  readonly rules: ReadonlyMap<VendorCode, CommissionRule>;
  /** Every exported conversion up to the month's end; duplicates allowed (readers dedupe). */
  readonly conversions: readonly ExportedConversion[];
}

export function commissionFor(rule: CommissionRule, valueCents: Cents): Cents {
  if (rule.flatCents !== null) return rule.flatCents;
  const bps = rule.basisPoints ?? 0;
  const product = valueCents * bps;
  if (!Number.isSafeInteger(product)) throw new ValidationError(`commission ${valueCents} x ${bps} bp is too large to represent exactly`);
  return Math.floor((product + 5_000) / 10_000);
}

/** `YYYY-MM-DD` + n days, by calendar (no time zone: both are calendar days). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

const monthOf = (day: string) => day.slice(0, 7);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function computeCommissions(input: CommissionInput): CommissionRun {
  const { month } = input;
  // The export's dedupe rule: the first copy of a conversionId wins.
  const byId = new Map<string, ExportedConversion>();
  for (const c of input.conversions) if (c.event.day <= month.to && !byId.has(c.event.conversionId)) byId.set(c.event.conversionId, c);

  const bookings = new Map<string, { booked?: ExportedConversion; reversal?: ExportedConversion }>();
  for (const c of byId.values()) {
    const b = bookings.get(c.event.bookingId) ?? {};
    if (c.event.status === 'booked') b.booked = c;
    // The first reversal is the one that counts (a refund after a cancellation reverses nothing more).
    else if (!b.reversal || c.event.day < b.reversal.event.day || (c.event.day === b.reversal.event.day && c.event.status < b.reversal.event.status)) b.reversal = c;
    bookings.set(c.event.bookingId, b);
  }

  const lines = new Map<VendorCode, BookingLine[]>();
  const unattributed: Array<CommissionRun['unattributed'][number]> = [];
  const problems: CommissionProblem[] = [];
  for (const [bookingId, { booked, reversal }] of [...bookings].sort(([a], [b]) => byString(a, b))) {
    if (!booked) continue; // a reversal of a booking never reported: nothing was paid, nothing to take back
    const e = booked.event;
    if (e.attribution.kind === 'unattributed') {
      if (monthOf(e.day) === month.id) unattributed.push({ bookingId, day: e.day, valueCents: e.valueCents, reason: e.attribution.reason, source: booked.source });
      continue;
    }
    const rule = input.rules.get(e.attribution.vendorCode);
    if (!rule) continue;
    if (e.currency !== input.currency) {
      if (monthOf(e.day) === month.id) problems.push({ bookingId, message: `booking ${bookingId} is in ${e.currency}, the rules in ${input.currency}: not priced` });
      continue;
    }
    const commissionCents = commissionFor(rule, e.valueCents);
    const payableFrom = rule.holdDays === null ? e.day : [e.day, addDays(e.tripDate, rule.holdDays)].sort(byString)[1]!;
    const paidMonth = monthOf(payableFrom);
    const reversalDay = reversal?.event.day ?? null;
    const reversedBeforePayment = reversalDay !== null && monthOf(reversalDay) <= paidMonth;
    const base = {
      bookingId,
      clickId: e.attribution.clickId,
      bookedDay: e.day,
      tripDate: e.tripDate,
      payableFrom,
      valueCents: e.valueCents,
      commissionCents,
      source: booked.source,
    };
    const rev = reversal ? { status: reversal.event.status as 'cancelled' | 'refunded', day: reversal.event.day, source: reversal.source } : null;
    let line: BookingLine | null = null;
    if (reversedBeforePayment) {
      // Listed once, in the month of the reversal; until then it was a held line.
      if (monthOf(reversalDay!) === month.id) line = { ...base, kind: 'reversed-before-payment', amountCents: 0, reversal: rev };
    } else if (paidMonth === month.id) {
      line = { ...base, kind: 'paid', amountCents: commissionCents, reversal: null };
    } else if (paidMonth > month.id) {
      if (e.day <= month.to) line = { ...base, kind: 'held', amountCents: 0, reversal: null };
    } else if (reversalDay !== null && monthOf(reversalDay) === month.id) {
      line = { ...base, kind: 'clawback', amountCents: -commissionCents, reversal: rev };
    }
    if (!line) continue;
    const list = lines.get(e.attribution.vendorCode) ?? [];
    list.push(line);
    lines.set(e.attribution.vendorCode, list);
  }

  const vendors = new Map<VendorCode, VendorCommission>();
  for (const code of [...input.rules.keys()].sort(byString)) {
    const list = lines.get(code) ?? [];
    const paid = list.filter((l) => l.kind === 'paid');
    const clawbacks = list.filter((l) => l.kind === 'clawback');
    const sum = (ls: readonly BookingLine[], f: (l: BookingLine) => number) => ls.reduce((a, l) => a + f(l), 0);
    vendors.set(code, {
      bookings: paid.length,
      bookingValueCents: sum(paid, (l) => l.valueCents),
      commissionCents: sum(paid, (l) => l.amountCents),
      clawbackCents: sum(clawbacks, (l) => l.commissionCents),
      netCents: sum(list, (l) => l.amountCents),
      lines: list,
    });
  }
  return { vendors, unattributed, problems };
}
