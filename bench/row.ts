/**
 * One line of the benchmark: a figure with a stable `id` (what scripts, the README and the
 * issue tracker refer to), its numeric `value`, and, where it has one, the baseline measured in
 * the same run beside it. A `target` is the figure's budget; a run that misses one exits 1.
 */
export const SECTIONS = ['redirect', 'aggregate', 'bundles', 'cost'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchTarget {
  /** The value must be at most this. */
  readonly max?: number;
  /** The value must be at least this. */
  readonly min?: number;
}

export interface BenchRow {
  /** Stable, dotted, lower-case: `<section or area>.<subject>.<measure>`, e.g. `bundle.redirect.kib`. */
  readonly id: string;
  readonly section: SectionName;
  /** What the figure is, for people. */
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  readonly baselineName?: string;
  readonly target?: BenchTarget;
  readonly note?: string;
}

/** Row ids: lower-case words joined by dots, each `[a-z0-9_]`. */
export const ROW_ID = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

export type TargetVerdict = 'met' | 'missed' | 'none';

export function targetVerdict(row: Pick<BenchRow, 'value' | 'target'>): TargetVerdict {
  const t = row.target;
  if (!t || (t.max === undefined && t.min === undefined)) return 'none';
  if (!Number.isFinite(row.value)) return 'missed';
  if (t.max !== undefined && row.value > t.max) return 'missed';
  if (t.min !== undefined && row.value < t.min) return 'missed';
  return 'met';
}

export function describeTarget(t: BenchTarget | undefined): string {
  if (!t) return '';
  return [t.min !== undefined ? `≥ ${t.min}` : '', t.max !== undefined ? `≤ ${t.max}` : ''].filter(Boolean).join(' and ');
}

/** Rows measured earlier in this run (and, failing that, in the previous run), by id. */
export interface RowLookup {
  /** A row of this run. */
  get(id: string): BenchRow | undefined;
  /** A row of this run, else of the previous run's latest.json (with the date it came from). */
  getOrPrevious(id: string): { readonly row: BenchRow; readonly from: 'this run' | string } | undefined;
}
