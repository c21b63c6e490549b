import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { daysBetween, type BusinessDay } from '../../core/business-day.ts';
import { parseGa4Csv } from '../../core/finance/ga4.ts';
import { bookingReconcileCsv, parseGa4Purchases, reconcileBookings } from '../../core/finance/ga4-purchases.ts';
import type { ConversionEvent } from '../../core/conversion-event.ts';
import { analyseClicks } from '../../core/finance/payouts.ts';
import { reconcile, reconcileCsv, reconcileSummary, type ClickSide } from '../../core/finance/reconcile.ts';
import { projectionId, type RollupFigures } from '../../core/rollup.ts';
import { MAX_RANGE_DAYS } from '../../core/rollup-report.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { describeSource, ExportReader, parseExportSource } from '../../adapters/export-reader.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { dayArg } from '../args.ts';
import { flagRange, parseFlags, UsageError, type Command } from '../command.ts';
import { problemLocation } from './payouts.ts';
import { stripControls, stripControlsKeepingLines } from '../../core/untrusted-text.ts';

const usage = `usage: reftrack reconcile ga4 --ga4 FILE [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--exports DIR|s3://bucket/prefix] [--out FILE]

Compares qualified clicks with GA4 sessions per vendor per day, and (with --exports, when the GA4
export has a purchases table with Transaction ID) bookings with GA4 purchases.
  --ga4        a GA4 exploration/report CSV export with Date, Session source, Session medium,
               [Session campaign,] Sessions and optionally a ref_cid custom dimension
  --from, --to business days, both included (at most ${MAX_RANGE_DAYS} days); no range: the
               last 30 business days; --from alone: from that day to today
  --exports    read clicks from the click export alone (no database; needed to match ref_cid
               to click ids); without it the live rollups are used (counts only)
  --out        the per vendor-day CSV (default reconcile-ga4-<from>-to-<to>.csv)
Prints a readable summary. Exit 1 when a GA4 row or an export line could not be read
(reported with file and line; the rest is still compared) or no export exists for the range.`;

const Flags = z.object({ ga4: z.string().min(1), from: z.optional(dayArg), to: z.optional(dayArg), exports: z.string().min(1).optional(), out: z.string().min(1).optional() });

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'compare qualified clicks with GA4 sessions (reconcile ga4)',
  usage,
  async run(argv, ctx) {
    const { flags, positionals } = parseFlags(argv, { ga4: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, exports: { type: 'string' }, out: { type: 'string' } }, Flags, true);
    if (positionals.length !== 1 || positionals[0] !== 'ga4') throw new UsageError(positionals.length ? `unknown source "${positionals.join(' ')}" (only ga4)` : 'missing what to reconcile with (ga4)');
    const { TIME_ZONE } = ctx.business();
    const { from, to } = flagRange(flags, TIME_ZONE);
    const days = daysBetween(from, to);
    let text: string;
    try {
      text = readFileSync(flags.ga4, 'utf8');
    } catch (error) {
      throw new UsageError(`--ga4: cannot read ${flags.ga4} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const exportSource = flags.exports ? parseExportSource(flags.exports) : null;
    const aws = ctx.aws();
    const dynamodb = ctx.dynamodb();
    // From the export alone, the vendors are the ones with clicks in it; the live rollups need the vendor list.
    const vendors = new Set<string>(exportSource ? [] : (await new DynamoVendorStore(dynamodb, aws.STATE_TABLE).list()).map((v) => v.code));
    const purchases = parseGa4Purchases(text, flags.ga4);
    const parsed = parseGa4Csv(text, flags.ga4);
    // An export of purchases alone has no sessions table: that is not a problem then.
    const ga4 = purchases.hasPurchases && parsed.rows.length === 0 ? { ...parsed, problems: parsed.problems.filter((p) => !p.message.startsWith('no table with')) } : parsed;
    ga4.problems.push(...purchases.problems);
    let conversions: ConversionEvent[] = [];
    let exit = 0;
    let clicks: ClickSide;
    let clicksFrom: string;
    if (exportSource) {
      const read = await new ExportReader(await ctx.s3()).read(exportSource, from, to);
      for (const p of read.problems) console.error(stripControls(`${problemLocation(exportSource, p)}: ${p.message}`));
      if (read.problems.length > 0) exit = 1;
      if (read.objects.length === 0) {
        console.error(`no export objects from ${from} to ${to} under ${describeSource(exportSource)}`);
        exit = 1;
      }
      conversions = read.conversions.map((c) => c.event).filter((e) => e.day >= from && e.day <= to);
      const analysed = analyseClicks(read.records, days, ctx.qualification());
      const qualifiedIds = new Map<string, string[]>();
      for (const [vendor, list] of analysed.qualified) {
        for (const q of list) {
          const key = projectionId(vendor as VendorCode, q.day);
          qualifiedIds.set(key, [...(qualifiedIds.get(key) ?? []), q.clickId]);
        }
      }
      for (const code of analysed.qualified.keys()) vendors.add(code);
      for (const e of analysed.events) vendors.add(e.vendorCode);
      clicks = { vendorDays: analysed.vendorDays, qualifiedIds };
      clicksFrom = `the click export, ${describeSource(exportSource)} (${read.objects.length} objects, ${analysed.lines.unique} unique clicks)`;
    } else {
      const reader = new RollupReader(dynamodb, aws.STATE_TABLE, new RollupGenerations(dynamodb, aws.STATE_TABLE, 0));
      const vendorDays = new Map<string, RollupFigures>();
      for (const code of [...vendors].sort()) for (const d of await reader.daily(code as VendorCode, from, to)) vendorDays.set(projectionId(d.scope, d.day), d);
      clicks = { vendorDays };
      clicksFrom = 'the live rollups (no --exports: ref_cid cannot be matched to click ids)';
    }

    const result = reconcile({ days: days as BusinessDay[], vendors, clicks, ga4: ga4.rows, hasRefCid: ga4.hasRefCid });
    const out = flags.out ?? `reconcile-ga4-${from}-to-${to}.csv`;
    await writeFile(out, reconcileCsv(result));
    for (const p of ga4.problems) console.error(stripControls(`${p.file}:${p.line}: ${p.message}`));
    if (ga4.problems.length > 0) {
      console.error(`${ga4.problems.length} GA4 row(s) could not be read and were left out`);
      exit = 1;
    }
    console.log(stripControlsKeepingLines(reconcileSummary(result, { from, to, timeZone: TIME_ZONE, clicksFrom })));
    console.log(`per vendor-day CSV: ${out}`);
    if (purchases.hasPurchases) {
      if (!exportSource) console.log('GA4 purchases found: pass --exports to compare them with the bookings reported to reftrack');
      else {
        const rows = reconcileBookings(conversions, purchases.purchases);
        const bookingsOut = out.replace(/(\.csv)?$/, '-bookings.csv');
        await writeFile(bookingsOut, bookingReconcileCsv(rows));
        const flagged = rows.filter((r) => r.flag !== 'ok');
        console.log(`bookings ${rows.filter((r) => r.flag !== 'ga4-only').length}, GA4 purchases ${purchases.purchases.length}, ${flagged.length} flagged${flagged.length ? ':' : ''}`);
        for (const r of flagged) console.log(`  ${r.bookingId.padEnd(16)} ${r.flag}: ${r.reason}`);
        console.log(`per booking CSV: ${bookingsOut}`);
      }
    }
    return exit;
  },
};
