/**
 * GA4's CSV export (Explorations and Reports: "Download file > CSV") as GA4 writes it:
 * `#` comment lines (report name, property, date range), then one or more tables, each a
 * header line followed by rows and ended by a blank line. Rows we need: Date (YYYYMMDD),
 * Session source, Session medium, [Session campaign], Sessions, and optionally a `ref_cid`
 * custom dimension (the click id the redirect puts on the landing URL).
 * A row that cannot be read is reported with its line; the other rows are still used.
 */
import { parseBusinessDay, type BusinessDay } from '../business-day.ts';
import { endsTable, headerColumns, parseCsv } from './csv.ts';

export interface Ga4Row {
  readonly line: number;
  readonly day: BusinessDay;
  readonly source: string;
  readonly medium: string;
  readonly campaign: string | null;
  readonly refCid: string | null;
  readonly sessions: number;
}

export interface Ga4Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface Ga4Export {
  readonly rows: Ga4Row[];
  readonly problems: Ga4Problem[];
  /** Whether a usable table had a ref_cid column. */
  readonly hasRefCid: boolean;
  /** Tables without the columns we need (GA4 adds some, e.g. chart series), by header line. */
  readonly skippedTables: number[];
}

type Column = 'date' | 'source' | 'medium' | 'campaign' | 'sessions' | 'refCid';

/** GA4 labels (UI or API names) -> our columns. */
function columnOf(header: string): Column | null {
  const h = header.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (h === 'date') return 'date';
  if (h === 'sessionsource' || h === 'source') return 'source';
  if (h === 'sessionmedium' || h === 'medium') return 'medium';
  if (h === 'sessioncampaign' || h === 'sessioncampaignname' || h === 'campaign') return 'campaign';
  if (h === 'sessions') return 'sessions';
  if (h.includes('refcid')) return 'refCid';
  return null;
}

const NOT_SET = new Set(['', '(not set)', '(none)', '(direct)', '(other)']);
const TOTAL_LABELS = /^(grand )?totals?$/i;

export function parseGa4Csv(text: string, file: string): Ga4Export {
  const rows: Ga4Row[] = [];
  const problems: Ga4Problem[] = [];
  const skippedTables: number[] = [];
  let hasRefCid = false;
  let columns: Map<Column, number> | null | undefined; // undefined: expecting a header
  let width = 0;

  for (const record of parseCsv(text)) {
    if (endsTable(record)) {
      columns = undefined; // a comment block or blank line ends a table
      continue;
    }
    if (columns === undefined) {
      const found = headerColumns(record.fields, columnOf);
      width = record.fields.length;
      if (found.has('date') && found.has('source') && found.has('medium') && found.has('sessions')) {
        columns = found;
        hasRefCid ||= found.has('refCid');
      } else {
        columns = null;
        skippedTables.push(record.line);
      }
      continue;
    }
    if (columns === null) continue;
    const problem = (message: string) => problems.push({ file, line: record.line, message });
    if (record.fields.length !== width) {
      problem(`expected ${width} fields, found ${record.fields.length}`);
      continue;
    }
    const cell = (c: Column) => (columns!.has(c) ? record.fields[columns!.get(c)!]!.trim() : '');
    const rawDate = cell('date');
    if (rawDate === '' || TOTAL_LABELS.test(rawDate)) continue; // GA4's totals row
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(rawDate);
    let day: BusinessDay;
    try {
      if (!m) throw new Error();
      day = parseBusinessDay(`${m[1]}-${m[2]}-${m[3]}`);
    } catch {
      problem(`date "${rawDate.slice(0, 20)}" is not YYYYMMDD`);
      continue;
    }
    const rawSessions = cell('sessions').replace(/,/g, '');
    if (!/^\d+$/.test(rawSessions)) {
      problem(`sessions "${cell('sessions').slice(0, 20)}" is not a whole number`);
      continue;
    }
    // Above 2^53 a number is no longer exact (and prints as 1e+23): no real property has that many sessions.
    if (!Number.isSafeInteger(Number(rawSessions))) {
      problem(`sessions "${cell('sessions').slice(0, 20)}" is too large to be a session count`);
      continue;
    }
    const refCid = cell('refCid');
    const campaign = cell('campaign');
    rows.push({
      line: record.line,
      day,
      source: cell('source').toLowerCase(),
      medium: cell('medium').toLowerCase(),
      campaign: NOT_SET.has(campaign) ? null : campaign,
      refCid: NOT_SET.has(refCid) ? null : refCid.toUpperCase(),
      sessions: Number(rawSessions),
    });
  }
  if (rows.length === 0 && problems.length === 0) {
    problems.push({ file, line: 1, message: 'no table with Date, Session source, Session medium and Sessions columns' });
  }
  return { rows, problems, hasRefCid, skippedTables };
}

/** How a GA4 row maps to a vendor, if it does. */
export type Ga4Attribution = { readonly vendor: string; readonly via: 'ga4-preset' | 'seed-preset' } | null;

/**
 * `ga4` preset: source=<code> (medium referral). The original `seed` preset sent
 * source=referral & medium=<code>, which GA4's default channel grouping files under "Unassigned".
 */
export function attribute(row: Pick<Ga4Row, 'source' | 'medium'>, vendors: ReadonlySet<string>): Ga4Attribution {
  if (vendors.has(row.source)) return { vendor: row.source, via: 'ga4-preset' };
  if (row.source === 'referral' && vendors.has(row.medium)) return { vendor: row.medium, via: 'seed-preset' };
  return null;
}
