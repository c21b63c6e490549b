/**
 * The one day-range rule, for every door (CLI flags, API query, dashboard):
 *   no range          the last 30 business days, ending today
 *   `from` alone      from that day to today
 *   `to` alone        the 30 business days ending that day
 *   both              as given, both included
 * At most 400 days. Days are business days in the deployment's time zone.
 */
import { addDays, format, parse } from 'date-fns';
import { daysBetween, parseBusinessDay, type BusinessDay } from './business-day.ts';
import { ValidationError } from './errors.ts';

export interface DayRange {
  readonly from: BusinessDay;
  readonly to: BusinessDay;
}

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 400;

/** How the caller spells the two ends in messages: `from`/`to` (API) or `--from`/`--to` (CLI). */
export interface RangeNames {
  readonly from: string;
  readonly to: string;
}

function shift(day: BusinessDay, days: number): BusinessDay {
  return format(addDays(parse(day, 'yyyy-MM-dd', new Date(2000, 0, 1)), days), 'yyyy-MM-dd') as BusinessDay;
}

/** The `count` days ending at `to` (both ends included). */
export function lastDays(to: BusinessDay, count: number): DayRange {
  return { from: shift(to, -(count - 1)), to };
}

function day(raw: string, name: string): BusinessDay {
  try {
    return parseBusinessDay(raw);
  } catch (cause) {
    throw new ValidationError(`${name}: ${(cause as Error).message}`, { cause });
  }
}

export function resolveDayRange(input: { readonly from?: string | undefined; readonly to?: string | undefined }, today: BusinessDay, names: RangeNames = { from: 'from', to: 'to' }): DayRange {
  const from = input.from === undefined ? undefined : day(input.from, names.from);
  const to = input.to === undefined ? undefined : day(input.to, names.to);
  if (from !== undefined && to === undefined && from > today) throw new ValidationError(`${names.from}: ${from} is after today (${today}); give ${names.to} as well for a range in the future`);
  const end = to ?? today;
  const start = from ?? lastDays(end, DEFAULT_RANGE_DAYS).from;
  if (start > end) throw new ValidationError(`${names.from}: ${start} is after ${names.to}: ${end}`);
  const span = daysBetween(start, end).length;
  if (span > MAX_RANGE_DAYS) throw new ValidationError(`${names.from}/${names.to}: ${start} to ${end} spans ${span} days; at most ${MAX_RANGE_DAYS} days`);
  return { from: start, to: end };
}

export function describeRange(range: DayRange): string {
  return range.from === range.to ? range.from : `${range.from} to ${range.to}`;
}
