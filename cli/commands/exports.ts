import { join } from 'node:path';
import * as z from 'zod';
import type { BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { dedupeByClickId, toExportLine } from '../../core/export-record.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { describeSource, ExportReader, parseExportSource, type ExportSource } from '../../adapters/export-reader.ts';
import { FailedBatchReader, parseFailedBatchSource, type FailedBatchSource } from '../../adapters/failed-batches.ts';
import { clickEventFromRecord, PoisonRecordError } from '../../adapters/stream-image.ts';
import { dayArg } from '../args.ts';
import { flagRange, parseFlags, table, UsageError, type Command } from '../command.ts';
import type { CliContext } from '../context.ts';
import { stripControls, terminalJson } from '../../core/untrusted-text.ts';

const usage = `usage: reftrack exports ls [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--source DIR|s3://bucket/prefix]
       reftrack exports cat --day YYYY-MM-DD [--dedupe] [--source DIR|s3://bucket/prefix]
       reftrack exports redrive [--from DIR|s3://bucket/prefix] [--dry-run]
       reftrack exports rebuild --day YYYY-MM-DD [--dry-run]

Reads the click export (gzip NDJSON, schema reftrack.click/1, partitioned events/dt=<business day>/).
  ls      lists the export objects of each business day from --from to --to; no range: the
          last 30 business days; --from alone: from that day to today
  cat     prints every record of one business day, one JSON object per line; damaged
          lines/objects are reported on stderr with file and line, and the rest is still printed
  --dedupe    one line per clickId (delivery is at least once, so copies can exist)
  --source    where to read; default <REFTRACK_DATA_DIR>/s3/<EXPORT_BUCKET> (what npm start writes)
  redrive     sends every click of the batches the stream consumers gave up on (the failed-batches
              bucket; --from defaults to s3://$FAILED_BATCHES_BUCKET in AWS, <REFTRACK_DATA_DIR>/dlq
              locally) to the export's delivery stream again
  rebuild     sends every click of one business day from the Events table to the delivery stream
              again (after DroppedEventCount, or an export object lost by hand)
  Both are safe to run twice: a click may then be exported more than once, and every reader
  counts distinct clickIds (exports cat --dedupe, payouts, Athena's count(DISTINCT clickid)).`;

const day = z.string().pipe(dayArg).transform((s) => s as BusinessDay);
const source = z.string().min(1).refine((s) => !s.startsWith('s3://') || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(s), { message: 'must be a directory or s3://bucket[/prefix]' }).optional();

const LsFlags = z.object({ from: day.optional(), to: day.optional(), source });
const CatFlags = z.object({ day, dedupe: z.boolean().default(false), source });

export function resolveSource(raw: string | undefined, ctx: CliContext): ExportSource {
  if (raw) return parseExportSource(raw);
  return { kind: 'dir', root: join(ctx.local().REFTRACK_DATA_DIR, 's3', ctx.exports().EXPORT_BUCKET) };
}

async function ls(argv: string[], ctx: CliContext): Promise<number> {
  const { flags } = parseFlags(argv, { from: { type: 'string' }, to: { type: 'string' }, source: { type: 'string' } }, LsFlags);
  const { from, to } = flagRange(flags, ctx.business().TIME_ZONE);
  const src = resolveSource(flags.source, ctx);
  const objects = await new ExportReader(await ctx.s3()).list(src, from, to);
  if (objects.length === 0) {
    console.log(`no export objects from ${from} to ${to} under ${describeSource(src)}`);
    return 0;
  }
  console.log(table(['day', 'bytes', 'modified (UTC)', 'key'], objects.map((o) => [o.day, o.size, o.lastModified?.toISOString() ?? '-', o.key])));
  const days = new Set(objects.map((o) => o.day)).size;
  console.log(`\n${objects.length} object(s), ${objects.reduce((n, o) => n + o.size, 0)} bytes, ${days} day(s) with data, ${from} to ${to}`);
  return 0;
}

async function cat(argv: string[], ctx: CliContext): Promise<number> {
  const { flags } = parseFlags(argv, { day: { type: 'string' }, dedupe: { type: 'boolean' }, source: { type: 'string' } }, CatFlags);
  const src = resolveSource(flags.source, ctx);
  const read = await new ExportReader(await ctx.s3()).read(src, flags.day, flags.day);
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

function failedBatchSource(raw: string | undefined, ctx: CliContext): FailedBatchSource {
  if (raw) return parseFailedBatchSource(raw);
  if (ctx.aws().REFTRACK_TARGET === 'aws') {
    const bucket = ctx.exports().FAILED_BATCHES_BUCKET;
    if (!bucket) throw new UsageError('--from is required, or FAILED_BATCHES_BUCKET (the Reftrack-Data output FailedBatchesBucketName)');
    return { kind: 's3', bucket, prefix: '' };
  }
  return { kind: 'dir', root: join(ctx.local().REFTRACK_DATA_DIR, 'dlq') };
}

/** The export's delivery stream, the same sender (and retry budget) as the export consumer. */
async function resend(events: readonly ClickEvent[], ctx: CliContext): Promise<{ sent: number; failed: number }> {
  // Loaded here: the Firehose SDK is only needed by the two commands that send.
  const { FirehoseSender, retryBudget } = await import('../../adapters/firehose-sender.ts');
  const cfg = ctx.exports();
  const encoder = new TextEncoder();
  const sender = new FirehoseSender(await ctx.firehose(), cfg.DELIVERY_STREAM_NAME, retryBudget(cfg), ctx.telemetry());
  const { sent, failed } = await sender.send(events.map((e) => ({ id: e.clickId, data: encoder.encode(toExportLine(e)) })));
  for (const f of failed) console.error(`${f.id}: not delivered (${f.errorCode}: ${f.errorMessage})`);
  return { sent, failed: failed.length };
}

async function redrive(argv: string[], ctx: CliContext): Promise<number> {
  const { flags } = parseFlags(argv, { from: { type: 'string' }, 'dry-run': { type: 'boolean' } }, z.object({ from: source, 'dry-run': z.boolean().default(false) }));
  const src = failedBatchSource(flags.from, ctx);
  const { batches, problems } = await new FailedBatchReader(await ctx.s3()).read(src);
  const events = new Map<string, ClickEvent>();
  let skipped = 0;
  for (const batch of batches) {
    for (const record of batch.records) {
      if (record.eventName !== 'INSERT') continue;
      try {
        const event = clickEventFromRecord(record);
        events.set(event.clickId, event);
      } catch (error) {
        if (!(error instanceof PoisonRecordError)) throw error;
        skipped++;
        console.error(`${batch.key}: record ${record.dynamodb?.SequenceNumber ?? record.eventID ?? '?'} is not a click event (${error.message}); left in place`);
      }
    }
  }
  for (const p of problems) console.error(`${p.key}: ${p.message}`);
  const where = src.kind === 'dir' ? src.root : `s3://${src.bucket}/${src.prefix}`;
  if (flags['dry-run']) {
    console.log(`${events.size} click(s) in ${batches.length} failed batch(es) under ${where} would be sent again; ${skipped} poison record(s), ${problems.length} unreadable object(s)`);
    return problems.length + skipped > 0 ? 1 : 0;
  }
  const { sent, failed } = events.size > 0 ? await resend([...events.values()], ctx) : { sent: 0, failed: 0 };
  console.log(`sent ${sent} click(s) from ${batches.length} failed batch(es) under ${where} to ${ctx.exports().DELIVERY_STREAM_NAME}; ${failed} not delivered, ${skipped} poison record(s), ${problems.length} unreadable object(s)`);
  return failed + skipped + problems.length > 0 ? 1 : 0;
}

async function rebuild(argv: string[], ctx: CliContext): Promise<number> {
  const { flags } = parseFlags(argv, { day: { type: 'string' }, 'dry-run': { type: 'boolean' } }, z.object({ day, 'dry-run': z.boolean().default(false) }));
  const { EVENTS_TABLE, STATE_TABLE } = ctx.aws();
  const dynamodb = ctx.dynamodb();
  const events: ClickEvent[] = [];
  // Vendors are never deleted (only paused), so the vendor list names every partition of the day.
  const log = new DynamoClickLog(dynamodb, EVENTS_TABLE);
  for (const vendor of await new DynamoVendorStore(dynamodb, STATE_TABLE).list()) events.push(...(await log.forVendorDay(vendor.code as VendorCode, flags.day)));
  if (flags['dry-run']) {
    console.log(`${events.length} click(s) of ${flags.day} would be sent again`);
    return 0;
  }
  const { sent, failed } = events.length > 0 ? await resend(events, ctx) : { sent: 0, failed: 0 };
  console.log(`sent ${sent} click(s) of ${flags.day} from ${EVENTS_TABLE} to ${ctx.exports().DELIVERY_STREAM_NAME}; ${failed} not delivered`);
  return failed > 0 ? 1 : 0;
}

export const exportsCommand: Command = {
  name: 'exports',
  summary: 'list and print the click export (ls, cat); send clicks again (redrive, rebuild)',
  usage,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    if (sub === 'ls') return ls(rest, ctx);
    if (sub === 'cat') return cat(rest, ctx);
    if (sub === 'redrive') return redrive(rest, ctx);
    if (sub === 'rebuild') return rebuild(rest, ctx);
    throw new UsageError(sub ? `unknown subcommand "${sub}" (ls, cat, redrive or rebuild)` : 'missing subcommand (ls, cat, redrive or rebuild)');
  },
};
