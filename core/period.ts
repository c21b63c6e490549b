/**
 * Reporting periods: the presets analysts and vendors pick (today, yesterday, last 7 / 30
 * days, this month, last month) or a custom range of business days, and the period each is
 * compared with. Pure date arithmetic on `YYYY-MM-DD` business days (no clock, no time zone:
 * the caller passes today's business day), so the dashboard, the vendor page and the API
 * agree on what "last month" means.
 *
 * Comparison rule: the previous period has the same length and ends the day before the
 * period starts, except for the two month presets, which compare month with month: last
 * month with the whole month before it, this month (so far) with the same days of the
 * previous month (cut at that month's end).
 */

export const PERIOD_PRESETS = ['today', 'yesterday', 'last-7', 'last-30', 'this-month', 'last-month'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export const PERIOD_LABELS: Readonly<Record<PeriodPreset | 'custom', string>> = {
  today: 'Today',
  yesterday: 'Yesterday',
  'last-7': 'Last 7 days',
  'last-30': 'Last 30 days',
  'this-month': 'This month',
  'last-month': 'Last month',
  custom: 'Custom range',
};

/** The longest custom range (the API's limit per request). */
export const MAX_PERIOD_DAYS = 400;

export type PeriodChoice = { readonly preset: PeriodPreset } | { readonly preset: 'custom'; readonly from: string; readonly to: string };

export interface DayRange {
  readonly from: string;
  readonly to: string;
}

export interface ResolvedPeriod extends DayRange {
  readonly choice: PeriodChoice;
  readonly previous: DayRange;
  /** Number of business days in the period. */
  readonly days: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtc(day: string): number {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`not a day: ${day.slice(0, 20)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDay(s: string): boolean {
  const m = DAY.exec(s);
  return m !== null && fromUtc(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) === s;
}

export function shiftDay(day: string, delta: number): string {
  return fromUtc(toUtc(day) + delta * 86_400_000);
}

/** Days from `from` to `to`, both included. */
export function spanDays(range: DayRange): number {
  return Math.round((toUtc(range.to) - toUtc(range.from)) / 86_400_000) + 1;
}

function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

function monthEnd(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return fromUtc(Date.UTC(y, m, 0));
}

function minDay(a: string, b: string): string {
  return a <= b ? a : b;
}

/** The days a preset covers, given today's business day. */
export function presetRange(preset: PeriodPreset, today: string): DayRange {
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: shiftDay(today, -1), to: shiftDay(today, -1) };
    case 'last-7':
      return { from: shiftDay(today, -6), to: today };
    case 'last-30':
      return { from: shiftDay(today, -29), to: today };
    case 'this-month':
      return { from: monthStart(today), to: today };
    case 'last-month': {
      const end = shiftDay(monthStart(today), -1);
      return { from: monthStart(end), to: end };
    }
  }
}

/** The period a range is compared with (see the rule at the top of this file). */
export function previousRange(choice: PeriodChoice, range: DayRange): DayRange {
  if (choice.preset === 'last-month') {
    const end = shiftDay(range.from, -1);
    return { from: monthStart(end), to: end };
  }
  if (choice.preset === 'this-month') {
    const prevStart = monthStart(shiftDay(range.from, -1));
    return { from: prevStart, to: minDay(shiftDay(prevStart, spanDays(range) - 1), monthEnd(prevStart)) };
  }
  const length = spanDays(range);
  return { from: shiftDay(range.from, -length), to: shiftDay(range.from, -1) };
}

export function resolvePeriod(choice: PeriodChoice, today: string): ResolvedPeriod {
  const range = choice.preset === 'custom' ? { from: choice.from, to: choice.to } : presetRange(choice.preset, today);
  return { ...range, choice, previous: previousRange(choice, range), days: spanDays(range) };
}

/** Why a custom range cannot be used, or null when it can. */
export function customRangeProblem(from: string, to: string): string | null {
  if (!isDay(from)) return 'the first day must be a date (YYYY-MM-DD)';
  if (!isDay(to)) return 'the last day must be a date (YYYY-MM-DD)';
  if (from > to) return 'the first day is after the last day';
  if (spanDays({ from, to }) > MAX_PERIOD_DAYS) return `at most ${MAX_PERIOD_DAYS} days`;
  return null;
}

/**
 * The period as URL parameters (`period=last-month`, or `from=...&to=...` for a custom range),
 * so a link opens the same view; and back. Anything unreadable falls back to `fallback`.
 */
export function periodToParams(choice: PeriodChoice): URLSearchParams {
  return choice.preset === 'custom' ? new URLSearchParams({ from: choice.from, to: choice.to }) : new URLSearchParams({ period: choice.preset });
}

export function periodFromParams(params: URLSearchParams, fallback: PeriodChoice = { preset: 'last-30' }): PeriodChoice {
  const preset = params.get('period');
  if (preset && (PERIOD_PRESETS as readonly string[]).includes(preset)) return { preset: preset as PeriodPreset };
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && customRangeProblem(from, to) === null) return { preset: 'custom', from, to };
  return fallback;
}

/**
 * Change from the previous period in percent, rounded to one decimal, or null when there is
 * nothing to compare with (the previous period had none: "new", not "+∞ %").
 */
export function percentChange(current: number, previous: number): number | null {
  if (previous === 0) return current === 0 ? 0 : null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

/** "+12.5 %", "−3 %", "0 %", "new". */
export function formatChange(current: number, previous: number): string {
  const p = percentChange(current, previous);
  if (p === null) return 'new';
  if (p === 0) return '0 %';
  return `${p > 0 ? '+' : '−'}${Math.abs(p)} %`;
}
