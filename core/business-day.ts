import { format, isValid, parse, addDays, differenceInCalendarDays } from 'date-fns';
import './validation.ts';
import * as z from 'zod/mini';
import { TZDate } from '@date-fns/tz';
import { ValidationError } from './errors.ts';

/** A calendar day `YYYY-MM-DD` in the deployment's business time zone. */
export type BusinessDay = string & { readonly __brand: 'BusinessDay' };

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** True when `zone` is an IANA zone this runtime knows (e.g. `America/Los_Angeles`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * One day formatter per zone, built on first use: every click asks for its business day, and
 * building an Intl.DateTimeFormat costs many times more than asking one (date-fns' `format` with
 * `tz()` builds its pieces per call: about 10x slower on the redirect's path).
 */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, calendar: 'gregory', numberingSystem: 'latn', year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The last answer per zone and the UTC minute it was for (see businessDay). */
const lastDays = new Map<string, { readonly minute: number; readonly day: BusinessDay }>();

/**
 * The business day an instant falls on in `timeZone`; DST-correct because the zone's rules come
 * from ICU. Every zone's UTC offset is a whole number of minutes (since 1972, multiples of 15),
 * so a local midnight always falls on a UTC minute boundary and every instant of one UTC minute
 * has the same business day: the answer is remembered per minute (asking ICU costs ~15 µs, a
 * tenth of a click's CPU on the redirect).
 */
export function businessDay(instant: Date, timeZone: string): BusinessDay {
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastDays.get(timeZone);
  if (last?.minute === minute) return last.day;
  const day = formatBusinessDay(instant, timeZone);
  lastDays.set(timeZone, { minute, day });
  return day;
}

function formatBusinessDay(instant: Date, timeZone: string): BusinessDay {
  let year = '', month = '', day = '';
  for (const part of dayFormatter(timeZone).formatToParts(instant)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}` as BusinessDay;
}

export function parseBusinessDay(raw: string): BusinessDay {
  // A real calendar day survives a round trip through a UTC date (2026-02-30 does not). No
  // date-fns `format` here: this sits in every bundle (schemas use it) and format brings its locale.
  const [y, m, d] = DAY_PATTERN.test(raw) ? (raw.split('-').map(Number) as [number, number, number]) : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw new ValidationError(`"${raw.slice(0, 20)}" is not a day (expected YYYY-MM-DD)`);
  }
  return raw as BusinessDay;
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: BusinessDay, to: BusinessDay): BusinessDay[] {
  const start = parse(from, 'yyyy-MM-dd', new Date(2000, 0, 1));
  const count = differenceInCalendarDays(parse(to, 'yyyy-MM-dd', new Date(2000, 0, 1)), start) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => format(addDays(start, i), 'yyyy-MM-dd') as BusinessDay);
}

/** The instant a business day starts in `timeZone` (midnight local, whatever the UTC offset that day). */
export function startOfBusinessDay(day: BusinessDay, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, 0, timeZone).getTime());
}

/** A `YYYY-MM-DD` day from outside (query parameter, CLI flag), validated at the edge. */
export const BusinessDayString = z.string().check(
  z.refine((s) => {
    try {
      parseBusinessDay(s);
      return true;
    } catch {
      return false;
    }
  }, { message: 'must be a day as YYYY-MM-DD' }),
);
