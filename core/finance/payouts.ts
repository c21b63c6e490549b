/**
 * Vendor payouts for one month, computed only from exported click lines. Pure: the same
 * lines, rules and carry-in always give the same result.
 *
 * Per vendor, every click of the month falls in exactly one column (core/qualification.ts):
 *   bot | subresource (an image, iframe or script load of the link) | internal (the business's
 *   own network) | suspicious (a burst from one network) | network cap (beyond N paid clicks
 *   of one network that day) | repeat visitor (a person already counted that day) | qualified
 * They are computed by the very same rules and planner the aggregate consumer uses, so a
 * statement and the dashboard cannot define them differently.
 *
 * Amount: earned = qualified x rate, capped at the monthly cap; plus the commission on bookings
 * paid this month less clawbacks (core/finance/commission.ts); plus the balance carried in from
 * last month = due. Due below the vendor's minimum (or below zero, after a clawback) pays nothing
 * and is carried forward.
 */
import * as z from 'zod';
import { daysBetween, parseBusinessDay, type BusinessDay } from '../business-day.ts';
import type { ClickEvent } from '../click-event.ts';
import { ValidationError } from '../errors.ts';
import { diffRollups, type RollupDifference } from '../rollup-diff.ts';
import { bookingFiguresByVendorDay } from '../booking-figures.ts';
import { addFigures, ZERO_FIGURES } from '../rollup-figures.ts';
import { judgeAll, ruleLabel, type QualificationRules } from '../qualification.ts';
import { projectionId, recount, type DailyRollup, type ProjectionDelta } from '../rollup.ts';
import type { VendorCode } from '../vendor-code.ts';
import { computeCommissions, type BookingLine, type CommissionRun, type ExportedConversion } from './commission.ts';
import { clickEventOf, type ExportedClick } from './exported-click.ts';
import { multiplyCents, type Cents } from './money.ts';
import type { PayoutRules } from './payout-rules.ts';
import { jsonSyntaxProblem } from '../untrusted-text.ts';

export interface Month {
  /** `YYYY-MM` */
  readonly id: string;
  readonly from: BusinessDay;
  readonly to: BusinessDay;
  readonly days: BusinessDay[];
}

export function parseMonth(raw: string): Month {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(raw)) throw new ValidationError(`"${raw.slice(0, 20)}" is not a month (expected YYYY-MM)`);
  const [y, m] = raw.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const from = parseBusinessDay(`${raw}-01`);
  const to = parseBusinessDay(`${raw}-${String(last).padStart(2, '0')}`);
  return { id: raw, from, to, days: daysBetween(from, to) };
}

export function previousMonth(month: Month): string {
  const [y, m] = month.id.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** What the previous run left unpaid per vendor (its summary.json). */
export interface CarryIn {
  readonly month: string;
  readonly currency: string;
  readonly sha256: string;
  readonly balances: ReadonlyMap<string, Cents>;
}

const PreviousSummary = z.object({
  schema: z.literal('reftrack.payouts/1'),
  month: z.string(),
  currency: z.string(),
  // Negative: a clawback larger than the month's earnings, owed back out of next month's.
  vendors: z.array(z.object({ code: z.string(), carriedForwardCents: z.number().int() }).passthrough()),
});

/** Reads the carried-forward balances from the previous month's summary.json; it must be that month's. */
export function parseCarryIn(text: string, file: string, sha256: string, month: Month, currency: string): CarryIn {
  let parsed: z.infer<typeof PreviousSummary>;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError(`${file}: not a payouts summary.json (${jsonSyntaxProblem(cause)})`, { cause });
  }
  const summary = PreviousSummary.safeParse(json);
  if (!summary.success) throw new ValidationError(`${file}: not a payouts summary.json (${summary.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ').slice(0, 200)})`);
  parsed = summary.data;
  const expected = previousMonth(month);
  if (parsed.month !== expected) throw new ValidationError(`${file}: is the summary of ${parsed.month}; the carry-in for ${month.id} must be ${expected}'s`);
  if (parsed.currency !== currency) throw new ValidationError(`${file}: is in ${parsed.currency}, the rules in ${currency}`);
  return { month: parsed.month, currency: parsed.currency, sha256, balances: new Map(parsed.vendors.map((v) => [v.code, v.carriedForwardCents])) };
}

export interface DayCount {
  readonly day: BusinessDay;
  readonly clicks: number;
  readonly qualifiedClicks: number;
}

export interface VendorStatement {
  readonly code: VendorCode;
  readonly name: string;
  readonly clicks: number;
  /** Bot verdicts other than subresource. */
  readonly botClicks: number;
  readonly subresourceClicks: number;
  readonly internalClicks: number;
  readonly suspiciousClicks: number;
  readonly networkCapClicks: number;
  /** Repeat clicks of a visitor already counted that day. */
  readonly duplicateVisitorClicks: number;
  readonly qualifiedClicks: number;
  readonly rateCents: Cents;
  readonly earnedCents: Cents;
  readonly monthlyCapCents: Cents | null;
  readonly capApplied: boolean;
  /** Bookings paid this month (core/finance/commission.ts), their value, commission and clawbacks. */
  readonly bookings: number;
  readonly bookingValueCents: Cents;
  readonly commissionCents: Cents;
  readonly clawbackCents: Cents;
  /** Every booking line of the month (paid, held, reversed, clawed back): `bookings/<vendor>.csv`. */
  readonly bookingLines: readonly BookingLine[];
  readonly carriedInCents: Cents;
  /** Capped click earnings + commission - clawbacks + carried in. May be negative after a clawback. */
  readonly dueCents: Cents;
  readonly minimumPayoutCents: Cents;
  /** What is paid this month. */
  readonly amountCents: Cents;
  /** Left unpaid (below the minimum), owed next month; negative: owed back by the vendor. */
  readonly carriedForwardCents: Cents;
  readonly days: DayCount[];
  /** Every qualified click: what `audit/<vendor>.csv` lists. Sorted by day, then clickId. */
  readonly qualified: ReadonlyArray<QualifiedClick>;
}

export interface PayoutRun {
  readonly month: Month;
  readonly currency: string;
  readonly lines: { readonly read: number; readonly unique: number; readonly duplicateDeliveries: number; readonly outsideMonth: number };
  readonly vendors: VendorStatement[];
  /** Vendors with clicks this month but no rule: their clicks are not priced (an error for the run). */
  readonly unpriced: ReadonlyArray<{ readonly code: VendorCode; readonly clicks: number; readonly qualifiedClicks: number }>;
  /** Vendor-day rollups recounted from the lines (for `--check-rollups`). */
  readonly vendorDays: ReadonlyMap<string, ProjectionDelta>;
  /** The qualification rules and version every verdict comes from. */
  readonly qualificationRules: string;
  /** Bookings of the month credited to no vendor, and bookings that could not be priced. */
  readonly unattributedBookings: CommissionRun['unattributed'];
  readonly bookingProblems: CommissionRun['problems'];
}

export interface PayoutInput {
  readonly month: Month;
  readonly rules: PayoutRules;
  /** Every line read, duplicates included (delivery is at least once). */
  readonly lines: readonly ExportedClick[];
  readonly carryIn: CarryIn | null;
  /** Display names of vendors without a click this month (the vendor list). */
  readonly vendorNames: ReadonlyMap<string, string>;
  /** The qualification rules (the deployment's NETWORK_CAP, VELOCITY_PER_MINUTE). */
  readonly qualification: QualificationRules;
  /** Exported conversions up to the month's end (earlier months too: reversals claw back). */
  readonly conversions?: readonly ExportedConversion[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One qualified click: the paid one. */
export interface QualifiedClick {
  readonly clickId: string;
  readonly day: BusinessDay;
  readonly ts: string;
}

export interface AnalysedClicks {
  /** Unique by clickId, within the days asked for, as ClickEvents. */
  readonly events: ClickEvent[];
  readonly lines: { readonly read: number; readonly unique: number; readonly duplicateDeliveries: number; readonly outsideMonth: number };
  /** Vendor-day rollups recounted from the lines, keyed by projectionId. */
  readonly vendorDays: Map<string, ProjectionDelta>;
  /** Per vendor, its qualified clicks sorted by day, then clickId. */
  readonly qualified: Map<string, QualifiedClick[]>;
  /** The rules and version the verdicts come from. */
  readonly rules: string;
}

/**
 * Export lines -> deduped events of the given days, vendor-day rollups and the qualified
 * click ids, through the rollups' own planner (core/rollup.ts `planApplication`): the same
 * definition of "qualified" as the live counters, by construction.
 */
export function analyseClicks(lines: readonly ExportedClick[], days: readonly BusinessDay[], qualification: QualificationRules): AnalysedClicks {
  const wanted = new Set<string>(days);
  // The dedupe rule of the export: the first line seen for a clickId wins.
  const seen = new Set<string>();
  const unique: ExportedClick[] = [];
  let outside = 0;
  for (const line of lines) {
    if (seen.has(line.clickId)) continue;
    seen.add(line.clickId);
    if (!wanted.has(line.day)) {
      outside++;
      continue;
    }
    unique.push(line);
  }
  const events = unique.map(clickEventOf);
  const vendorDays = new Map([...recount(events, qualification).values()].filter((d) => d.scope !== '*' && d.period !== 'TOTAL').map((d) => [projectionId(d.scope, d.period), d]));
  const verdicts = judgeAll(events, qualification);
  const qualified = new Map<string, QualifiedClick[]>();
  for (const e of events) {
    if (verdicts.get(e.clickId)?.outcome !== 'qualified') continue;
    const list = qualified.get(e.vendorCode) ?? [];
    list.push({ clickId: e.clickId, day: e.day as BusinessDay, ts: e.ts });
    qualified.set(e.vendorCode, list);
  }
  for (const list of qualified.values()) list.sort((a, b) => byString(a.day, b.day) || byString(a.clickId, b.clickId));
  return { events, lines: { read: lines.length, unique: seen.size, duplicateDeliveries: lines.length - seen.size, outsideMonth: outside }, vendorDays, qualified, rules: ruleLabel(qualification) };
}

export function computePayouts(input: PayoutInput): PayoutRun {
  const { events, lines, vendorDays, qualified: qualifiedIds, rules: qualificationRules } = analyseClicks(input.lines, input.month.days, input.qualification);
  const commissionRules = new Map([...input.rules.vendors].flatMap(([code, r]) => (r.commission ? [[code, r.commission] as const] : [])));
  const commissions = computeCommissions({ month: input.month, currency: input.rules.currency, rules: commissionRules, conversions: input.conversions ?? [] });

  const perVendor = new Map<string, { clicks: number; latestName: { ts: string; name: string } | null }>();
  for (const e of events) {
    const v = perVendor.get(e.vendorCode) ?? { clicks: 0, latestName: null };
    v.clicks++;
    // The name as of the vendor's latest click this month: derived from the input only.
    if (!v.latestName || e.ts > v.latestName.ts || (e.ts === v.latestName.ts && e.vendorName > v.latestName.name)) v.latestName = { ts: e.ts, name: e.vendorName };
    perVendor.set(e.vendorCode, v);
  }

  const vendors: VendorStatement[] = [];
  for (const [code, rule] of input.rules.vendors) {
    const counted = perVendor.get(code) ?? { clicks: 0, latestName: null };
    // The excluded columns come from the same recount as the rollups, so they add up to the clicks.
    const month = input.month.days.map((day) => vendorDays.get(projectionId(code, day)));
    const sum = (f: (d: ProjectionDelta) => number) => month.reduce((n, d) => n + (d ? f(d) : 0), 0);
    const qualified = qualifiedIds.get(code) ?? [];
    const earnedCents = multiplyCents(qualified.length, rule.rateCents);
    const cappedCents = rule.monthlyCapCents === null ? earnedCents : Math.min(earnedCents, rule.monthlyCapCents);
    const carriedInCents = input.carryIn?.balances.get(code) ?? 0;
    const booked = commissions.vendors.get(code);
    const dueCents = cappedCents + (booked?.netCents ?? 0) + carriedInCents;
    const pays = dueCents > 0 && dueCents >= rule.minimumPayoutCents;
    vendors.push({
      code,
      name: counted.latestName?.name ?? input.vendorNames.get(code) ?? code,
      clicks: counted.clicks,
      botClicks: sum((d) => d.botClicks - d.subresourceClicks),
      subresourceClicks: sum((d) => d.subresourceClicks),
      internalClicks: sum((d) => d.internalClicks),
      suspiciousClicks: sum((d) => d.suspiciousClicks),
      networkCapClicks: sum((d) => d.networkCapClicks),
      duplicateVisitorClicks: sum((d) => d.repeatVisitorClicks),
      qualifiedClicks: qualified.length,
      rateCents: rule.rateCents,
      earnedCents,
      monthlyCapCents: rule.monthlyCapCents,
      capApplied: cappedCents < earnedCents,
      bookings: booked?.bookings ?? 0,
      bookingValueCents: booked?.bookingValueCents ?? 0,
      commissionCents: booked?.commissionCents ?? 0,
      clawbackCents: booked?.clawbackCents ?? 0,
      bookingLines: booked?.lines ?? [],
      carriedInCents,
      dueCents,
      minimumPayoutCents: rule.minimumPayoutCents,
      amountCents: pays ? dueCents : 0,
      carriedForwardCents: pays ? 0 : dueCents,
      days: input.month.days.map((day) => {
        const d = vendorDays.get(projectionId(code, day));
        return { day, clicks: d?.clicks ?? 0, qualifiedClicks: d?.qualifiedClicks ?? 0 };
      }),
      qualified,
    });
  }

  const unpriced = [...perVendor.entries()]
    .filter(([code]) => !input.rules.vendors.has(code as VendorCode))
    .map(([code, v]) => ({ code: code as VendorCode, clicks: v.clicks, qualifiedClicks: (qualifiedIds.get(code) ?? []).length }))
    .sort((a, b) => byString(a.code, b.code));

  return {
    month: input.month,
    currency: input.rules.currency,
    lines,
    vendors,
    unpriced,
    vendorDays: withBookingFigures(vendorDays, input.conversions ?? [], new Set(input.month.days)),
    qualificationRules,
    unattributedBookings: commissions.unattributed,
    bookingProblems: commissions.problems,
  };
}

/** The statement figures a run adds up over its vendors (the summary's totals line). */
const TOTAL_KEYS = [
  'clicks',
  'botClicks',
  'subresourceClicks',
  'internalClicks',
  'suspiciousClicks',
  'networkCapClicks',
  'duplicateVisitorClicks',
  'qualifiedClicks',
  'bookings',
  'commissionCents',
  'clawbackCents',
  'amountCents',
  'carriedForwardCents',
] as const satisfies ReadonlyArray<keyof VendorStatement>;

export type PayoutTotals = Pick<VendorStatement, (typeof TOTAL_KEYS)[number]>;

export function payoutTotals(vendors: readonly VendorStatement[]): PayoutTotals {
  const totals = Object.fromEntries(TOTAL_KEYS.map((key) => [key, vendors.reduce((acc, v) => acc + v[key], 0)]));
  return totals as unknown as PayoutTotals;
}

/**
 * `--check-rollups`: the month's vendor-day figures recounted from the exports against the
 * live rollups (zero-filled days of the same vendors). Every vendor/day/field that differs.
 */
/** The recounted vendor-days with the month's booking figures added, as the rollups hold them. */
function withBookingFigures(clickDays: ReadonlyMap<string, ProjectionDelta>, conversions: readonly ExportedConversion[], days: ReadonlySet<string>): Map<string, ProjectionDelta> {
  const out = new Map(clickDays);
  for (const [key, figures] of bookingFiguresByVendorDay(conversions.map((c) => c.event))) {
    const [scope, period] = key.split('|') as [VendorCode, BusinessDay];
    if (!days.has(period)) continue;
    const id = projectionId(scope, period);
    out.set(id, { scope, period, ...addFigures(out.get(id) ?? ZERO_FIGURES, figures) });
  }
  return out;
}

export function rollupDifferences(run: PayoutRun, stored: ReadonlyArray<DailyRollup>): RollupDifference[] {
  return diffRollups(run.vendorDays, stored.map((r) => ({ scope: r.scope, period: r.day, figures: r })));
}
