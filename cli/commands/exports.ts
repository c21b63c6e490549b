import { join } from 'node:path';
import { z } from 'zod';
import { daysBetween, type BusinessDay } from '../../core/business-day.ts';
import { dedupeByClickId } from '../../core/export-record.ts';
import { describeSource, ExportReader, parseExportSource, type ExportSource } from '../../adapters/export-reader.ts';
import { dayArg } from '../args.ts';
import { parseFlags, table, UsageError, type Command } from '../command.ts';
import type { CliContext } from '../context.ts';
import { stripControls, terminalJson } from '../../core/untrusted-text.ts';

const usage = `usage: reftrack exports ls --from YYYY-MM-DD [--to YYYY-MM-DD] [--source DIR|s3://bucket/prefix]
       reftrack exports cat --day YYYY-MM-DD [--dedupe] [--source DIR|s3://bucket/prefix]

Reads the click export (gzip NDJSON, schema reftrack.click/1, partitioned events/dt=<business day>/).
  ls      lists the export objects of each day from --from to --to (default: --from only)
  cat     prints every record of one business day, one JSON object per line; damaged
          lines/objects are reported on stderr with file and line, and the rest is still printed
  --dedupe    one line per clickId (delivery is at least once, so copies can exist)
  --source    where to read; default <REFTRACK_DATA_DIR>/s3/<EXPORT_BUCKET> (what npm start writes)`;

const MAX_DAYS = 400;
const day = dayArg.transform((s) => s as BusinessDay);
const source = z.string().min(1).refine((s) => !s.startsWith('s3://') || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(s), { message: 'must be a directory or s3://bucket[/prefix]' }).optional();

const LsFlags = z
  .object({ from: day, to: day.optional(), source })
  .refine((f) => !f.to || f.to >= f.from, { message: 'must not be before --from', path: ['to'] })
  .refine((f) => daysBetween(f.from, f.to ?? f.from).length <= MAX_DAYS, { message: `the range may span at most ${MAX_DAYS} days`, path: ['to'] });
const CatFlags = z.object({ day, dedupe: z.boolean().default(false), source });

export function resolveSource(raw: string | undefined, ctx: CliContext): ExportSource {
  if (raw) return parseExportSource(raw);
  return { kind: 'dir', root: join(ctx.local().REFTRACK_DATA_DIR, 's3', ctx.exports().EXPORT_BUCKET) };
}

async function ls(argv: string[], ctx: CliContext): Promise<number> {
  const { flags } = parseFlags(argv, { from: { type: 'string' }, to: { type: 'string' }, source: { type: 'string' } }, LsFlags);
  const src = resolveSource(flags.source, ctx);
  const objects = await new ExportReader(ctx.s3()).list(src, flags.from, flags.to ?? flags.from);
  if (objects.length === 0) {
    console.log(`no export objects from ${flags.from} to ${flags.to ?? flags.from} under ${describeSource(src)}`);
    return 0;
  }
  console.log(table(['day', 'bytes', 'modified (UTC)', 'key'], objects.map((o) => [o.day, o.size, o.lastModified?.toISOString() ?? '-', o.key])));
  const days = new Set(objects.map((o) => o.day)).size;
  console.log(`\n${objects.length} object(s), ${objects.reduce((n, o) => n + o.size, 0)} bytes, ${days} day(s) with data`);
  return 0;
}

async function cat(argv: string[], ctx: CliContext): Promise<number> {
  const { flags } = parseFlags(argv, { day: { type: 'string' }, dedupe: { type: 'boolean' }, source: { type: 'string' } }, CatFlags);
  const src = resolveSource(flags.source, ctx);
  const read = await new ExportReader(ctx.s3()).read(src, flags.day, flags.day);
  const records = flags.dedupe ? dedupeByClickId(read.records) : read.records;
  // One write: thousands of console.log calls on a pipe are slow.
  if (records.length > 0) process.stdout.write(records.map((r) => `${terminalJson(r)}\n`).join(''));
  for (const p of read.problems) console.error(stripControls(`${p.key}${p.line ? `:${p.line}` : ''}: ${p.message}`));
  if (read.objects.length === 0) console.error(`no export objects for ${flags.day} under ${describeSource(src)}`);
  if (read.problems.length > 0) {
    console.error(`${read.problems.length} problem(s) in ${read.objects.length} object(s); ${records.length} record(s) printed`);
    return 1;
  }
  return 0;
}

export const exportsCommand: Command = {
  name: 'exports',
  summary: 'list and print the click export (ls, cat)',
  usage,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    if (sub === 'ls') return ls(rest, ctx);
    if (sub === 'cat') return cat(rest, ctx);
    throw new UsageError(sub ? `unknown subcommand "${sub}" (ls or cat)` : 'missing subcommand (ls or cat)');
  },
};
