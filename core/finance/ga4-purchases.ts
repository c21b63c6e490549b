/**
 * Bookings against GA4 purchases. A GA4 export may hold a purchases table (Explorations:
 * Transaction ID, optionally a `ref_cid` custom dimension, Purchase revenue, Date). Each
 * booking reftrack stored is matched to GA4's purchase by `transaction_id` = `bookingId`:
 * GA4 misses purchases (consent, ad blockers, a tag firing late), so a missing one is a flag
 * with a likely reason, not an error; a purchase whose `ref_cid` names another click than the
 * one the booking is credited to is flagged, because one of the two attributions is wrong.
 */
import type { ConversionEvent } from '../conversion-event.ts';
import { csvLine, endsTable, headerColumns, parseCsv } from './csv.ts';
import type { Ga4Problem } from './ga4.ts';

export interface Ga4Purchase {
  readonly line: number;
  readonly transactionId: string;
  readonly refCid: string | null;
  readonly revenueCents: number | null;
  readonly day: string | null;
}

type Column = 'transactionId' | 'refCid' | 'revenue' | 'date';

function columnOf(header: string): Column | null {
  const h = header.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (h === 'transactionid' || h === 'transactionidtransactionid') return 'transactionId';
  if (h.includes('refcid')) return 'refCid';
  if (h === 'purchaserevenue' || h === 'revenue' || h === 'totalrevenue' || h === 'itemrevenue') return 'revenue';
  if (h === 'date') return 'date';
  return null;
}

const NOT_SET = new Set(['', '(not set)', '(none)', '(other)']);

/** "1,899.00", "$1899", "1899.5" -> cents; null when GA4 gave none. Never a float in between. */
export function revenueCents(raw: string): number | null | 'invalid' {
  const s = raw.replace(/[$€£,\s]/g, '');
  if (NOT_SET.has(s)) return null;
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return 'invalid';
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/** The purchase rows of every table that has a Transaction ID column; other tables are left to the sessions parser. */
export function parseGa4Purchases(text: string, file: string): { purchases: Ga4Purchase[]; problems: Ga4Problem[]; hasPurchases: boolean } {
  const purchases: Ga4Purchase[] = [];
  const problems: Ga4Problem[] = [];
  let columns: Map<Column, number> | null | undefined;
  let hasPurchases = false;
  for (const record of parseCsv(text)) {
    if (endsTable(record)) {
      columns = undefined;
      continue;
    }
    if (columns === undefined) {
      const found = headerColumns(record.fields, columnOf);
      columns = found.has('transactionId') ? found : null;
      hasPurchases ||= columns !== null;
      continue;
    }
    if (columns === null) continue;
    const cell = (c: Column) => (columns!.has(c) ? (record.fields[columns!.get(c)!] ?? '').trim() : '');
    const id = cell('transactionId');
    if (NOT_SET.has(id) || /^(grand )?totals?$/i.test(id)) continue;
    const revenue = revenueCents(cell('revenue'));
    if (revenue === 'invalid') {
      problems.push({ file, line: record.line, message: `purchase revenue "${cell('revenue').slice(0, 20)}" is not an amount` });
      continue;
    }
    const date = /^(\d{4})(\d{2})(\d{2})$/.exec(cell('date'));
    const refCid = cell('refCid');
    purchases.push({ line: record.line, transactionId: id.slice(0, 64), refCid: NOT_SET.has(refCid) ? null : refCid.toUpperCase(), revenueCents: revenue, day: date ? `${date[1]}-${date[2]}-${date[3]}` : null });
  }
  return { purchases, problems, hasPurchases };
}

export type BookingFlag = 'ok' | 'missing-in-ga4' | 'ga4-only' | 'ref-cid-differs' | 'value-differs' | 'cancelled';

export interface BookingReconcileRow {
  readonly bookingId: string;
  readonly day: string | null;
  readonly vendor: string | null;
  readonly clickId: string | null;
  readonly valueCents: number | null;
  readonly ga4RefCid: string | null;
  readonly ga4RevenueCents: number | null;
  readonly flag: BookingFlag;
  readonly reason: string;
}

/**
 * `bookings`: every conversion event of the range (deduped by the caller or not: the first copy
 * of a conversionId wins). Bookings reversed later are listed as `cancelled` (GA4 keeps the purchase).
 */
export function reconcileBookings(bookings: readonly ConversionEvent[], purchases: readonly Ga4Purchase[]): BookingReconcileRow[] {
  const booked = new Map<string, ConversionEvent>();
  const reversed = new Set<string>();
  for (const e of bookings) {
    if (e.status === 'booked') booked.has(e.bookingId) || booked.set(e.bookingId, e);
    else reversed.add(e.bookingId);
  }
  const ga4 = new Map<string, Ga4Purchase>();
  for (const p of purchases) ga4.has(p.transactionId) || ga4.set(p.transactionId, p);

  const rows: BookingReconcileRow[] = [];
  for (const [id, e] of [...booked].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const p = ga4.get(id);
    const a = e.attribution;
    const base = { bookingId: id, day: e.day, vendor: a.kind === 'attributed' ? a.vendorCode : null, clickId: a.kind === 'attributed' ? a.clickId : null, valueCents: e.valueCents, ga4RefCid: p?.refCid ?? null, ga4RevenueCents: p?.revenueCents ?? null };
    if (!p) rows.push({ ...base, flag: 'missing-in-ga4', reason: 'no GA4 purchase with this transaction_id: the guest declined analytics or blocks it, or the purchase tag did not fire' });
    else if (p.refCid && base.clickId && p.refCid !== base.clickId) rows.push({ ...base, flag: 'ref-cid-differs', reason: `GA4 saw ref_cid ${p.refCid}, the booking is credited to click ${base.clickId}: the booking form lost or replaced the ref_cid` });
    else if (p.refCid && !base.clickId) rows.push({ ...base, flag: 'ref-cid-differs', reason: `GA4 saw ref_cid ${p.refCid} but the booking reached reftrack without a usable one (${a.kind === 'unattributed' ? a.reason : ''}): the booking system does not pass ref_cid on` });
    else if (p.revenueCents !== null && p.revenueCents !== e.valueCents) rows.push({ ...base, flag: 'value-differs', reason: 'GA4 revenue differs from the booking value: taxes, fees or currency conversion in the GA4 tag' });
    else if (reversed.has(id)) rows.push({ ...base, flag: 'cancelled', reason: 'cancelled or refunded since; GA4 keeps the purchase unless a refund event is sent' });
    else rows.push({ ...base, flag: 'ok', reason: '' });
  }
  for (const [id, p] of [...ga4].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (booked.has(id)) continue;
    rows.push({ bookingId: id, day: p.day, vendor: null, clickId: null, valueCents: null, ga4RefCid: p.refCid, ga4RevenueCents: p.revenueCents, flag: 'ga4-only', reason: 'a GA4 purchase reftrack was never told about: the booking system did not report it (or reported another id)' });
  }
  return rows;
}

export const BOOKING_RECONCILE_COLUMNS = ['booking_id', 'day', 'vendor', 'click_id', 'value_cents', 'ga4_ref_cid', 'ga4_revenue_cents', 'flag', 'likely_reason'];

export function bookingReconcileCsv(rows: readonly BookingReconcileRow[]): string {
  return [csvLine(BOOKING_RECONCILE_COLUMNS), ...rows.map((r) => csvLine([r.bookingId, r.day, r.vendor, r.clickId, r.valueCents, r.ga4RefCid, r.ga4RevenueCents, r.flag, r.reason]))].join('\n') + '\n';
}
