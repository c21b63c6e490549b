/** Numbers, days and times as the dashboard shows them. */

const integer = new Intl.NumberFormat('en-US');

/** Intl formatters are costly to build (a few ms each on a slow phone): one per zone and style, kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

export function count(n: number): string {
  return integer.format(n);
}

/** "1 click", "2 clicks". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** Today's business day (YYYY-MM-DD) in the deployment's time zone, as the API counts days. */
export function businessToday(timeZone: string, now = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return formatter('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** `day` moved by `delta` calendar days (pure date arithmetic, no time zone involved). */
export function addDays(day: string, delta: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + delta)).toISOString().slice(0, 10);
}

/** A business day as a UTC midnight in seconds: the x value uPlot plots (with a UTC axis). */
export function dayToSeconds(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 1000;
}

const dayLabel = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' });

export function prettyDay(day: string): string {
  return dayLabel.format(new Date(dayToSeconds(day) * 1000));
}

/** An instant shown in the business time zone, e.g. "Mar 3, 14:05". */
export function prettyInstant(iso: string | null, timeZone: string): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  return formatter('en-US', { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** hh:mm:ss in the business time zone (the browser's own zone only until the API has named one). */
export function clockTime(at = new Date(), timeZone?: string): string {
  return formatter('en-GB', { ...(timeZone ? { timeZone } : {}), hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
}
