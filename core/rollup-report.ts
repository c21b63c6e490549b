/**
 * How rollups are presented to people and programs: the JSON report and the CSV, written
 * once so the CLI (`reftrack rollups`) and the analyst API (`GET /api/v1/rollups`) can never
 * disagree about a number or a column.
 */
import type { BreakdownDimension, BreakdownRow } from './breakdown.ts';
import type { BusinessDay } from './business-day.ts';
import { csvLine } from './finance/csv.ts';
import { FIGURE_KEYS, type FigureKey } from './rollup-figures.ts';
import { ALL_VENDORS, figuresOf, type DailyRollup, type RollupFigures, type RollupScope, type VendorTotals } from './rollup.ts';

/** The figures in the order they are printed (CSV columns, JSON keys): core/rollup-figures.ts. */
export const FIGURE_COLUMNS: readonly FigureKey[] = FIGURE_KEYS;

export { COUNT_COLUMNS, FIGURE_LABELS } from './figure-columns.ts';

/** The longest range the API serves in one request (one Query of at most 400 small items). */
export { MAX_RANGE_DAYS, lastDays } from './day-range.ts';

export type FiguresJson = RollupFigures;

export interface RollupReport {
  readonly timeZone: string;
  readonly vendor: RollupScope;
  readonly from: BusinessDay;
  readonly to: BusinessDay;
  readonly days: ReadonlyArray<{ readonly day: BusinessDay } & FiguresJson>;
  readonly total: FiguresJson;
}

export function figuresJson(r: RollupFigures): FiguresJson {
  return figuresOf(r);
}

export function rollupReport(input: { timeZone: string; scope: RollupScope; from: BusinessDay; to: BusinessDay; days: readonly DailyRollup[]; total: VendorTotals }): RollupReport {
  return {
    timeZone: input.timeZone,
    vendor: input.scope,
    from: input.from,
    to: input.to,
    days: input.days.map((d) => ({ day: d.day, ...figuresJson(d) })),
    total: figuresJson(input.total),
  };
}

/** CSV lines: a header, one row per day, a TOTAL row. Empty cells where there was no click. */
export function rollupCsvLines(scope: RollupScope, days: readonly DailyRollup[], total: VendorTotals): string[] {
  const cells = (r: RollupFigures) => FIGURE_COLUMNS.map((c) => r[c] ?? '');
  return [csvLine(['vendor', 'day', ...FIGURE_COLUMNS]), ...days.map((d) => csvLine([scope, d.day, ...cells(d)])), csvLine([scope, 'TOTAL', ...cells(total)])];
}

/** A file name that says what is in it, time zone included (`/` is not allowed in file names). */
export function rollupCsvFileName(scope: RollupScope, from: BusinessDay, to: BusinessDay, timeZone: string): string {
  const who = scope === ALL_VENDORS ? 'all-vendors' : scope;
  return `rollups-${who}-${from}-to-${to}-${timeZone.replace(/[^A-Za-z0-9_+-]/g, '_')}.csv`;
}

export interface BreakdownReport {
  readonly timeZone: string;
  readonly vendor: RollupScope;
  readonly by: BreakdownDimension;
  readonly from: BusinessDay;
  readonly to: BusinessDay;
  readonly rows: readonly BreakdownRow[];
  readonly total: { readonly clicks: number; readonly qualifiedClicks: number };
}

export function breakdownReport(input: { timeZone: string; scope: RollupScope; by: BreakdownDimension; from: BusinessDay; to: BusinessDay; rows: readonly BreakdownRow[] }): BreakdownReport {
  const total = input.rows.reduce((t, r) => ({ clicks: t.clicks + r.clicks, qualifiedClicks: t.qualifiedClicks + r.qualifiedClicks }), { clicks: 0, qualifiedClicks: 0 });
  return { timeZone: input.timeZone, vendor: input.scope, by: input.by, from: input.from, to: input.to, rows: input.rows, total };
}

export function breakdownCsvFileName(scope: RollupScope, by: BreakdownDimension, from: BusinessDay, to: BusinessDay, timeZone: string): string {
  return rollupCsvFileName(scope, from, to, timeZone).replace(/^rollups-/, `breakdown-${by}-`);
}

/** The `count` business days ending with `to` (both included). */
