import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { daysBetween, parseBusinessDay, type BusinessDay } from '../../core/business-day.ts';
import { parseGa4Csv } from '../../core/finance/ga4.ts';
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
import { parseFlags, UsageError, type Command } from '../command.ts';
import { problemLocation } from './payouts.ts';
import { stripControls, stripControlsKeepingLines } from '../../core/untrusted-text.ts';

const usage = `usage: reftrack reconcile ga4 --ga4 FILE --from YYYY-MM-DD --to YYYY-MM-DD [--exports DIR|s3://bucket/prefix] [--out FILE]

Compares qualified clicks with GA4 sessions per vendor per day.
  --ga4        a GA4 exploration/report CSV export with Date, Session source, Session medium,
               [Session campaign,] Sessions and optionally a ref_cid custom dimension
  --from, --to business days, both included (at most ${MAX_RANGE_DAYS} days)
  --exports    read clicks from the click export (needed to match ref_cid to click ids);
               without it the live rollups are used (counts only)
  --out        the per vendor-day CSV (default reconcile-ga4-<from>-to-<to>.csv)
Prints a readable summary. Exit 1 when a GA4 row or an export line could not be read
(reported with file and line; the rest is still compared) or no export exists for the range.`;

const Flags = z.object({ ga4: z.string().min(1), from: dayArg, to: dayArg, exports: z.string().min(1).optional(), out: z.string().min(1).optional() });

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'compare qualified clicks with GA4 sessions (reconcile ga4)',
  usage,
  async run(argv, ctx) {
    const { flags, positionals } = parseFlags(argv, { ga4: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, exports: { type: 'string' }, out: { type: 'string' } }, Flags, true);
    if (positionals.length !== 1 || positionals[0] !== 'ga4') throw new UsageError(positionals.length ? `unknown source "${positionals.join(' ')}" (only ga4)` : 'missing what to reconcile with (ga4)');
    const from = parseBusinessDay(flags.from);
    const to = parseBusinessDay(flags.to);
    if (from > to) throw new UsageError('--from must not be after --to');
    const days = daysBetween(from, to);
    if (days.length > MAX_RANGE_DAYS) throw new UsageError(`the range may span at most ${MAX_RANGE_DAYS} days`);
    let text: string;
    try {
      text = readFileSync(flags.ga4, 'utf8');
    } catch (error) {
      throw new UsageError(`--ga4: cannot read ${flags.ga4} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const exportSource = flags.exports ? parseExportSource(flags.exports) : null;
    const aws = ctx.aws();
    const dynamodb = ctx.dynamodb();
    const vendors = new Set<string>((await new DynamoVendorStore(dynamodb, aws.STATE_TABLE).list()).map((v) => v.code));
    const ga4 = parseGa4Csv(text, flags.ga4);
    let exit = 0;
    let clicks: ClickSide;
    let clicksFrom: string;
    if (exportSource) {
      const read = await new ExportReader(ctx.s3()).read(exportSource, from, to);
      for (const p of read.problems) console.error(stripControls(`${problemLocation(exportSource, p)}: ${p.message}`));
      if (read.problems.length > 0) exit = 1;
      if (read.objects.length === 0) {
        console.error(`no export objects from ${from} to ${to} under ${describeSource(exportSource)}`);
        exit = 1;
      }
      const analysed = analyseClicks(read.records, days);
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
    console.log(stripControlsKeepingLines(reconcileSummary(result, { from, to, timeZone: ctx.business().TIME_ZONE, clicksFrom })));
    console.log(`per vendor-day CSV: ${out}`);
    return exit;
  },
};
