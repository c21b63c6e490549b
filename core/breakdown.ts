/**
 * Breakdowns: the day projections split by one property of the click.
 *
 *   placement  where the link was: `qr` (counter card), `email` (the outreach e-mail), `link`
 *              (shared link, no utm_content), or the sanitized utm_content it carried
 *   referrer   the referring host, `(direct)` when the browser sent none
 *   country    ISO country from CloudFront, `(unknown)` when absent (e.g. locally)
 *   device     phone / tablet / desktop / bot (bot = any bot verdict)
 *   reason     what the click counted as: `qualified` (paid), or why it was excluded:
 *              `repeat-visitor` (a person already counted that day), `internal` (staff
 *              network), or the bot verdict (`isbot`, `link-preview`, `prefetch`, `empty-user-agent`)
 *
 * Every breakdown value carries clicks and qualified clicks; within one dimension the values
 * of a day add up to that day's clicks and qualified clicks exactly.
 *
 * They are maintained by the aggregate consumer in the same transaction as the rollups (the
 * breakdown of a vendor-day lives on that day's rollup item), from the same plan: the events
 * the plan applies and the clicks it makes qualified. So they inherit the rollups' exactly-once
 * guarantee; nothing here reads or scans events.
 *
 * Bounded cardinality: a day item keeps at most `cap` distinct values per dimension; a value
 * first seen after that is counted under `other`. Counts stay exact (every click lands in
 * exactly one value); only which late values get their own row depends on arrival order.
 */
import { BREAKDOWN_DIMENSIONS, type BreakdownDimension } from './breakdown-dimensions.ts';
import type { ClickEvent } from './click-event.ts';
import { csvLine } from './finance/csv.ts';
import { ALL_VENDORS, planApplication, type ApplicationPlan, type RollupScope } from './rollup.ts';

export { BREAKDOWN_DIMENSIONS, DIMENSION_LABELS, type BreakdownDimension } from './breakdown-dimensions.ts';

/** The bucket for values past a day's cap. */
export const OTHER_VALUE = 'other';

/** Distinct values kept per dimension per day item; small, fixed sets need no cap. */
export const DIMENSION_CAPS: Readonly<Record<BreakdownDimension, number>> = {
  placement: 12,
  referrer: 20,
  country: 30,
  device: 4,
  reason: 8,
};

export const DEVICE_CLASSES = ['phone', 'tablet', 'desktop', 'bot'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** Phone / tablet / desktop from the user agent; any bot verdict is `bot`. */
export function deviceClass(e: Pick<ClickEvent, 'userAgent' | 'bot'>): DeviceClass {
  if (e.bot.isBot) return 'bot';
  const ua = e.userAgent;
  if (/iPad|Tablet|Kindle|Silk|PlayBook/i.test(ua) || (/Android/i.test(ua) && !/Mobile/i.test(ua))) return 'tablet';
  if (/Mobi|iPhone|iPod|Android|Windows Phone|BlackBerry|Opera Mini/i.test(ua)) return 'phone';
  return 'desktop';
}

/** The placement of the outreach e-mail's link (utm_content=email). */
export const EMAIL_PLACEMENT = 'email';
/** A click without utm_content: the plain shared link. */
export const LINK_PLACEMENT = 'link';

export type ClickOutcome = 'qualified' | 'repeat-visitor' | 'internal' | Exclude<ClickEvent['bot']['reason'], 'human'>;

/** What a click counted as, given whether the plan made it its visitor's qualified click. */
export function clickOutcome(e: Pick<ClickEvent, 'bot' | 'internal'>, qualified: boolean): ClickOutcome {
  if (e.bot.isBot) return e.bot.reason === 'human' ? 'isbot' : e.bot.reason;
  if (e.internal) return 'internal';
  return qualified ? 'qualified' : 'repeat-visitor';
}

export function dimensionValue(dim: BreakdownDimension, e: ClickEvent, outcome: ClickOutcome): string {
  switch (dim) {
    case 'placement':
      return e.placement ?? LINK_PLACEMENT;
    case 'referrer':
      return e.refererHost ?? '(direct)';
    case 'country':
      return e.country ?? '(unknown)';
    case 'device':
      return deviceClass(e);
    case 'reason':
      return outcome;
  }
}

export interface BreakdownCount {
  clicks: number;
  qualifiedClicks: number;
}

/** dimension -> value -> counts, for one scope and day. */
export type DayBreakdown = Map<BreakdownDimension, Map<string, BreakdownCount>>;

export function breakdownKey(scope: RollupScope, day: string): string {
  return `${scope}|${day}`;
}

function bump(b: DayBreakdown, dim: BreakdownDimension, value: string, qualified: boolean): void {
  let values = b.get(dim);
  if (!values) b.set(dim, (values = new Map()));
  const c = values.get(value) ?? { clicks: 0, qualifiedClicks: 0 };
  c.clicks += 1;
  if (qualified) c.qualifiedClicks += 1;
  values.set(value, c);
}

/**
 * The breakdown deltas of a plan, per (scope, day) for the vendor and for all vendors:
 * exactly the clicks the plan applies, with qualified credited to the click the plan makes
 * its visitor's qualified one. Pure.
 */
export function planBreakdowns(plan: Pick<ApplicationPlan, 'viaVisitorMark' | 'needClickMarker' | 'visitorWrites'>): Map<string, DayBreakdown> {
  const qualifiedIds = new Set<string>();
  for (const w of plan.visitorWrites) if (w.qualifiedClickId) qualifiedIds.add(w.qualifiedClickId);
  const out = new Map<string, DayBreakdown>();
  for (const e of [...plan.viaVisitorMark, ...plan.needClickMarker]) {
    const qualified = qualifiedIds.has(e.clickId);
    const outcome = clickOutcome(e, qualified);
    for (const scope of [e.vendorCode, ALL_VENDORS] as const) {
      const key = breakdownKey(scope, e.day);
      let b = out.get(key);
      if (!b) out.set(key, (b = new Map()));
      for (const dim of BREAKDOWN_DIMENSIONS) bump(b, dim, dimensionValue(dim, e, outcome), qualified);
    }
  }
  return out;
}

/** Exact breakdowns of an event log (duplicates by clickId ignored), uncapped: what tests and verify compare with. */
export function recountBreakdowns(events: readonly ClickEvent[]): Map<string, DayBreakdown> {
  return planBreakdowns(planApplication(events, new Map()));
}

/**
 * Folds the values a day item cannot take any more into `other`: `stored` are the values the
 * item already has per dimension (as read). A value already stored keeps its own count; a new
 * one gets its own only while the item has fewer than the cap; new values are admitted in
 * order of their clicks (then name), so the busiest get the free places.
 */
export function capBreakdown(delta: DayBreakdown, stored: ReadonlyMap<BreakdownDimension, ReadonlySet<string>>): DayBreakdown {
  const out: DayBreakdown = new Map();
  for (const [dim, values] of delta) {
    const known = stored.get(dim) ?? new Set<string>();
    let room = DIMENSION_CAPS[dim] - [...known].filter((v) => v !== OTHER_VALUE).length;
    const kept = new Map<string, BreakdownCount>();
    const other: BreakdownCount = { clicks: 0, qualifiedClicks: 0 };
    const ordered = [...values].sort(([a, x], [b, y]) => y.clicks - x.clicks || (a < b ? -1 : a > b ? 1 : 0));
    for (const [value, c] of ordered) {
      if (value !== OTHER_VALUE && (known.has(value) || room > 0)) {
        if (!known.has(value)) room--;
        kept.set(value, { ...c });
      } else {
        other.clicks += c.clicks;
        other.qualifiedClicks += c.qualifiedClicks;
      }
    }
    if (other.clicks > 0) {
      const prev = kept.get(OTHER_VALUE) ?? { clicks: 0, qualifiedClicks: 0 };
      kept.set(OTHER_VALUE, { clicks: prev.clicks + other.clicks, qualifiedClicks: prev.qualifiedClicks + other.qualifiedClicks });
    }
    out.set(dim, kept);
  }
  return out;
}

/** One row of a breakdown over a period. */
export interface BreakdownRow {
  readonly value: string;
  readonly clicks: number;
  readonly qualifiedClicks: number;
}

/** How many rows a period's breakdown shows before folding the rest into `other`. */
export const BREAKDOWN_TOP = 15;

/**
 * Sums day breakdowns of one dimension into rows: the busiest `top` values by clicks (then
 * qualified, then name), the rest and every day's `other` folded into one `other` row, last.
 */
export function summarizeBreakdown(days: ReadonlyArray<ReadonlyMap<string, BreakdownCount>>, top = BREAKDOWN_TOP): BreakdownRow[] {
  const sum = new Map<string, BreakdownCount>();
  for (const day of days) {
    for (const [value, c] of day) {
      const prev = sum.get(value) ?? { clicks: 0, qualifiedClicks: 0 };
      sum.set(value, { clicks: prev.clicks + c.clicks, qualifiedClicks: prev.qualifiedClicks + c.qualifiedClicks });
    }
  }
  const other = sum.get(OTHER_VALUE) ?? { clicks: 0, qualifiedClicks: 0 };
  sum.delete(OTHER_VALUE);
  const ranked = [...sum].sort(([a, x], [b, y]) => y.clicks - x.clicks || y.qualifiedClicks - x.qualifiedClicks || (a < b ? -1 : a > b ? 1 : 0));
  const rows: BreakdownRow[] = ranked.slice(0, top).map(([value, c]) => ({ value, ...c }));
  for (const [, c] of ranked.slice(top)) {
    other.clicks += c.clicks;
    other.qualifiedClicks += c.qualifiedClicks;
  }
  if (other.clicks > 0) rows.push({ value: OTHER_VALUE, ...other });
  return rows;
}

/** The breakdown columns in print order (CSV, API, tables). */
export const BREAKDOWN_COLUMNS = ['clicks', 'qualifiedClicks'] as const;

/** CSV lines of one breakdown: header, one row per value, a TOTAL row (cells through the one CSV writer). */
export function breakdownCsvLines(scope: RollupScope, by: BreakdownDimension, from: string, to: string, rows: readonly BreakdownRow[]): string[] {
  const total = rows.reduce((t, r) => ({ clicks: t.clicks + r.clicks, qualifiedClicks: t.qualifiedClicks + r.qualifiedClicks }), { clicks: 0, qualifiedClicks: 0 });
  return [
    csvLine(['vendor', 'from', 'to', by, ...BREAKDOWN_COLUMNS]),
    ...rows.map((r) => csvLine([scope, from, to, r.value, r.clicks, r.qualifiedClicks])),
    csvLine([scope, from, to, 'TOTAL', total.clicks, total.qualifiedClicks]),
  ];
}

