/**
 * Breakdowns: the day projections split by one property of the click.
 *
 *   placement  where the link was: `qr` (counter card), `email` (the outreach e-mail), `link`
 *              (shared link, no utm_content), or the sanitized utm_content it carried
 *   referrer   the referring host, `(direct)` when the browser sent none
 *   country    ISO country from CloudFront, `(unknown)` when absent (e.g. locally)
 *   device     phone / tablet / desktop / bot (bot = any bot verdict)
 *   reason     what the click counted as: its outcome under the qualification rules
 *              (core/qualification.ts): `qualified` (paid), or why it was excluded:
 *              `bot`, `subresource`, `internal`, `suspicious`, `network-cap`, `repeat-visitor`
 *
 * Every breakdown value carries clicks and qualified clicks; within one dimension the values
 * of a day add up to that day's clicks and qualified clicks exactly.
 *
 * They are figures of a unit like its others (core/rollup.ts): each judged click of a unit
 * carries its breakdown inputs, so a unit's breakdown is a pure function of its click set and
 * verdicts, and the difference a plan makes is added to the same per-shard projection item,
 * in the same transaction, as the unit's other figures (summed on read). So they inherit the
 * rollups' exactly-once guarantee; nothing here reads or scans events.
 *
 * Bounded cardinality: a projection item keeps at most `cap` distinct values per dimension;
 * a value first seen after that is counted under `other`. Counts stay exact (every click
 * lands in exactly one value); only which late values get their own row depends on arrival
 * order. A period's breakdown then shows the busiest BREAKDOWN_TOP values and one `other`.
 */
import { BREAKDOWN_DIMENSIONS, type BreakdownDimension } from './breakdown-dimensions.ts';
import type { ClickEvent } from './click-event.ts';
import { csvLine } from './finance/csv.ts';
import { DEFAULT_RULES, groupByUnit, judgeUnit, type ClickOutcome, type ClickVerdict, type JudgedClick, type QualificationRules } from './qualification.ts';
import { ALL_VENDORS, judgedClick, type RollupScope } from './rollup.ts';

export { BREAKDOWN_DIMENSIONS, DIMENSION_LABELS, type BreakdownDimension } from './breakdown-dimensions.ts';

/** The bucket for values past a day's cap. */
export const OTHER_VALUE = 'other';

/** Distinct values kept per dimension per projection item; small, fixed sets need no cap. */
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

/** What a judged click carries for the breakdowns (every dimension but `reason`, which is its verdict). */
export interface BreakdownInputs {
  readonly placement: string;
  readonly referrer: string;
  readonly country: string;
  readonly device: DeviceClass;
}

export function breakdownInputs(e: Pick<ClickEvent, 'placement' | 'refererHost' | 'country' | 'userAgent' | 'bot'>): BreakdownInputs {
  return { placement: e.placement ?? LINK_PLACEMENT, referrer: e.refererHost ?? '(direct)', country: e.country ?? '(unknown)', device: deviceClass(e) };
}

/** For a judged click built without its inputs (only the rules looked at it). */
const UNKNOWN_INPUTS: BreakdownInputs = { placement: LINK_PLACEMENT, referrer: '(direct)', country: '(unknown)', device: 'desktop' };

export function dimensionValue(dim: BreakdownDimension, inputs: BreakdownInputs, outcome: ClickOutcome): string {
  return dim === 'reason' ? outcome : inputs[dim];
}

export interface BreakdownCount {
  clicks: number;
  qualifiedClicks: number;
}

/** dimension -> value -> counts, for one scope and day (or one projection item). */
export type DayBreakdown = Map<BreakdownDimension, Map<string, BreakdownCount>>;

export function breakdownKey(scope: RollupScope, day: string): string {
  return `${scope}|${day}`;
}

function bump(b: DayBreakdown, dim: BreakdownDimension, value: string, clicks: number, qualifiedClicks: number): void {
  let values = b.get(dim);
  if (!values) b.set(dim, (values = new Map()));
  const c = values.get(value) ?? { clicks: 0, qualifiedClicks: 0 };
  c.clicks += clicks;
  c.qualifiedClicks += qualifiedClicks;
  if (c.clicks === 0 && c.qualifiedClicks === 0) values.delete(value);
  else values.set(value, c);
  if (values.size === 0) b.delete(dim);
}

/** The breakdown of one unit's judged clicks, from their verdicts. Pure. */
export function unitBreakdown(clicks: readonly JudgedClick[], verdicts: readonly ClickVerdict[]): DayBreakdown {
  const byId = new Map(clicks.map((c) => [c.clickId, c]));
  const out: DayBreakdown = new Map();
  for (const v of verdicts) {
    const c = byId.get(v.clickId);
    if (!c) continue;
    const q = v.outcome === 'qualified' ? 1 : 0;
    const inputs = c.dims ?? UNKNOWN_INPUTS;
    for (const dim of BREAKDOWN_DIMENSIONS) bump(out, dim, dimensionValue(dim, inputs, v.outcome), 1, q);
  }
  return out;
}

/** `a + sign·b`, value by value (zero entries dropped): sums of shards, or the change a plan makes. */
export function addBreakdown(a: DayBreakdown, b: DayBreakdown, sign: 1 | -1 = 1): DayBreakdown {
  const out: DayBreakdown = new Map();
  for (const [dim, values] of a) for (const [value, c] of values) bump(out, dim, value, c.clicks, c.qualifiedClicks);
  for (const [dim, values] of b) for (const [value, c] of values) bump(out, dim, value, sign * c.clicks, sign * c.qualifiedClicks);
  return out;
}

/** Exact breakdowns of an event log (duplicates by clickId ignored), uncapped, per (scope, day): what tests compare with. */
export function recountBreakdowns(events: readonly ClickEvent[], rules: QualificationRules = DEFAULT_RULES): Map<string, DayBreakdown> {
  const out = new Map<string, DayBreakdown>();
  for (const unit of groupByUnit(events).values()) {
    const clicks = unit.map(judgedClick);
    const b = unitBreakdown(clicks, judgeUnit(clicks, rules).verdicts);
    const { vendorCode, day } = unit[0]!;
    for (const scope of [vendorCode, ALL_VENDORS] as const) {
      const key = breakdownKey(scope, day);
      out.set(key, addBreakdown(out.get(key) ?? new Map(), b));
    }
  }
  return out;
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
      // A value not stored that only loses (a re-judged unit) was counted under `other` before: it stays there.
      if (value !== OTHER_VALUE && (known.has(value) || (room > 0 && c.clicks > 0))) {
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

