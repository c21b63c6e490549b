import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { CONVERSION_STATUSES, type ConversionReport } from '../../core/conversion-event.ts';
import { parseCsv } from '../../core/finance/csv.ts';
import { parseConversionReport, recordConversion } from '../../core/record-conversion.ts';
import { ConflictError, ValidationError } from '../../core/errors.ts';
import { wireConversionDeps } from '../../adapters/conversion-deps.ts';
import { parseFlags, table, UsageError, type Command } from '../command.ts';

const usage = `usage: reftrack conversions <add|import> [flags]

Report bookings without a booking API: each becomes one conversion event, attributed to the
click of its ref_cid, exactly like a signed POST /api/v1/conversions. Safe to run twice: a
(booking id, status) is stored once.
  add --booking-id ID --ref-cid CID|none --value-cents N --currency USD --booked-at ISO
      --trip-date YYYY-MM-DD [--status booked|cancelled|refunded]
  import FILE.csv    header: bookingId,refCid,valueCents,currency,bookedAt,tripDate,status
                     (snake_case names too); every row is checked, bad rows are reported by line
                     and skipped, the good ones stored (exit 1 when any row was bad)`;

const HEADER: Readonly<Record<string, keyof ConversionReport>> = {
  bookingid: 'bookingId', refcid: 'refCid', valuecents: 'valueCents', currency: 'currency', bookedat: 'bookedAt', tripdate: 'tripDate', status: 'status',
};

/** CSV rows -> reports; a bad row is a problem with its line, never a reason to drop the file. */
export function reportsFromCsv(text: string): { reports: Array<{ line: number; report: ConversionReport }>; problems: Array<{ line: number; message: string }> } {
  const records = parseCsv(text).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const [head, ...rows] = records;
  if (!head) throw new ValidationError('the file is empty (expected a header: bookingId,refCid,valueCents,currency,bookedAt,tripDate,status)');
  const columns = head.fields.map((f) => HEADER[f.toLowerCase().replace(/[^a-z]/g, '')]);
  const missing = Object.values(HEADER).filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new ValidationError(`the header lacks ${missing.join(', ')} (expected bookingId,refCid,valueCents,currency,bookedAt,tripDate,status)`);
  const reports: Array<{ line: number; report: ConversionReport }> = [];
  const problems: Array<{ line: number; message: string }> = [];
  for (const row of rows) {
    const body: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      if (!c) return;
      const cell = (row.fields[i] ?? '').trim();
      body[c] = c === 'valueCents' ? (/^-?\d+$/.test(cell) ? Number(cell) : cell) : c === 'refCid' ? (cell === '' || cell.toLowerCase() === 'none' ? null : cell) : cell;
    });
    try {
      reports.push({ line: row.line, report: parseConversionReport(body) });
    } catch (error) {
      problems.push({ line: row.line, message: (error as Error).message });
    }
  }
  return { reports, problems };
}

export const conversionsCommand: Command = {
  name: 'conversions',
  summary: 'report bookings (add one, or import a CSV)',
  usage,
  async run(argv, ctx) {
    const [action, ...rest] = argv;
    if (action !== 'add' && action !== 'import') throw new UsageError(action ? `unknown action "${action}"` : 'an action is required (add or import)');
    let reports: Array<{ line: number | null; report: ConversionReport }>;
    let problems: Array<{ line: number; message: string }> = [];
    let file = '';
    if (action === 'add') {
      const { flags } = parseFlags(
        rest,
        { 'booking-id': { type: 'string' }, 'ref-cid': { type: 'string' }, 'value-cents': { type: 'string' }, currency: { type: 'string' }, 'booked-at': { type: 'string' }, 'trip-date': { type: 'string' }, status: { type: 'string' } },
        z.object({
          'booking-id': z.string(),
          'ref-cid': z.string(),
          'value-cents': z.string().regex(/^\d+$/, { message: 'must be a whole number of cents' }).transform(Number),
          currency: z.string().default('USD'),
          'booked-at': z.string(),
          'trip-date': z.string(),
          status: z.enum(CONVERSION_STATUSES).default('booked'),
        }),
      );
      try {
        reports = [{ line: null, report: parseConversionReport({ bookingId: flags['booking-id'], refCid: flags['ref-cid'].toLowerCase() === 'none' ? null : flags['ref-cid'], valueCents: flags['value-cents'], currency: flags.currency, bookedAt: flags['booked-at'], tripDate: flags['trip-date'], status: flags.status }) }];
      } catch (error) {
        throw new UsageError((error as Error).message.replace(/(^|; )(\w+):/g, (_, sep: string, field: string) => `${sep}--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:`));
      }
    } else {
      const { positionals } = parseFlags(rest, {}, z.object({}), true);
      if (positionals.length !== 1) throw new UsageError('give exactly one CSV file');
      file = positionals[0]!;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      ({ reports, problems } = reportsFromCsv(text));
    }
    const deps = wireConversionDeps({ aws: ctx.aws(), business: ctx.business(), conversion: ctx.conversion(), dynamodb: ctx.dynamodb() });
    const rows: Array<[string, string, string, string, string]> = [];
    for (const { line, report } of reports) {
      let out;
      try {
        out = await recordConversion(report, 'cli', deps);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        problems.push({ line: line ?? 0, message: error.message });
        continue;
      }
      const a = out.event.attribution;
      rows.push([report.bookingId, report.status, out.kind, a.kind === 'attributed' ? a.vendorCode : '-', a.kind === 'attributed' ? a.clickId : a.reason]);
    }
    for (const p of problems) console.error(file ? `${file}:${p.line}: ${p.message}` : p.message);
    if (rows.length > 0) console.log(table(['booking', 'status', 'result', 'vendor', 'click / why unattributed'], rows));
    console.log(`${rows.filter((r) => r[2] === 'stored').length} stored, ${rows.filter((r) => r[2] === 'already-stored').length} already stored${problems.length ? `, ${problems.length} bad row(s) skipped` : ''}`);
    return problems.length > 0 ? 1 : 0;
  },
};
