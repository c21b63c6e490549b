import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { renderPayoutFiles, isComplete } from '../../core/finance/payout-files.ts';
import { parsePayoutRules } from '../../core/finance/payout-rules.ts';
import { computePayouts, parseCarryIn, parseMonth, rollupDifferences } from '../../core/finance/payouts.ts';
import { addDays } from '../../core/finance/commission.ts';
import type { BusinessDay } from '../../core/business-day.ts';
import { formatCents } from '../../core/finance/money.ts';
import { businessDay } from '../../core/business-day.ts';
import type { DailyRollup } from '../../core/rollup.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { describeSource, ExportReader, type ExportLineProblem, type ExportSource } from '../../adapters/export-reader.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { parseFlags, table, UsageError, type Command } from '../command.ts';
import { checkOutputFolder, writeOutputFolder } from '../output-folder.ts';
import { resolveSource } from './exports.ts';
import { stripControls } from '../../core/untrusted-text.ts';

const usage = `usage: reftrack payouts --month YYYY-MM --rules FILE --out DIR [--exports DIR|s3://bucket/prefix]
                       [--carry-in PREVIOUS/summary.json] [--check-rollups] [--replace]

Vendor payout statements for one month, computed only from the click export and the rules
file (no database: vendor names come from the export lines). A month that has not ended yet
in the business time zone gives a draft (files and banner say so).
  --month          the month (its business days, first to last)
  --rules          payout rules (JSON; e.g. config/payout-rules.json): rate per qualified click,
                   optional monthly cap and minimum payout per vendor, in integer cents
  --out            a new (or empty) folder for statements.csv, statements/<vendor>.html, audit/<vendor>.csv,
                   bookings/<vendor>.csv (vendors with a commission rule), summary.json; written to a
                   temporary folder and renamed into place; a symlink is refused
  --replace        replace --out if it already holds files (the old folder is removed, never written into)
  --exports        where the export is; default <REFTRACK_DATA_DIR>/s3/<EXPORT_BUCKET> (what npm start writes)
  --carry-in       the previous month's summary.json: balances below the minimum carried forward from it
  --bookings-lookback-days N  how far back conversions are read for clawbacks and held bookings (400)
  --check-rollups  compare with the live rollups; print every vendor/day that differs (exit 1)
Exit 1 when any export line could not be read, a vendor with clicks has no rule, no export exists
for the month, or --check-rollups finds a difference (the files are still written, marked incomplete).`;

const Flags = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month as YYYY-MM' }),
  rules: z.string().min(1),
  out: z.string().min(1),
  exports: z.string().min(1).optional(),
  'carry-in': z.string().min(1).optional(),
  'check-rollups': z.boolean().default(false),
  'bookings-lookback-days': z.string().regex(/^\d+$/, { message: 'must be a whole number of days' }).transform(Number).refine((n) => n <= 1100, { message: 'must be at most 1100 days' }).default(400),
  replace: z.boolean().default(false),
});

function readInput(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export function problemLocation(source: ExportSource, p: ExportLineProblem): string {
  const file = source.kind === 'dir' ? join(source.root, p.key) : `s3://${source.bucket}/${p.key}`;
  return p.line ? `${file}:${p.line}` : file;
}

export const payoutsCommand: Command = {
  name: 'payouts',
  summary: 'monthly vendor payout statements from the click export',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(
      argv,
      { month: { type: 'string' }, rules: { type: 'string' }, out: { type: 'string' }, exports: { type: 'string' }, 'carry-in': { type: 'string' }, 'check-rollups': { type: 'boolean' }, 'bookings-lookback-days': { type: 'string' }, replace: { type: 'boolean' } },
      Flags,
    );
    const month = parseMonth(flags.month);
    const rulesText = readInput(flags.rules, 'rules');
    const carryText = flags['carry-in'] ? readInput(flags['carry-in'], 'carry-in') : null;
    const source = resolveSource(flags.exports, ctx);
    await checkOutputFolder(flags.out, { replace: flags.replace, flag: 'out' });
    const aws = ctx.aws();
    const { TIME_ZONE } = ctx.business();
    const { rules, sha256: rulesSha256 } = parsePayoutRules(rulesText, flags.rules);
    const carryIn = carryText === null ? null : parseCarryIn(carryText, flags['carry-in']!, createHash('sha256').update(carryText, 'utf8').digest('hex'), month, rules.currency);

    const reader = new ExportReader(await ctx.s3());
    const read = await reader.read(source, month.from, month.to);
    // Bookings of earlier months can be reversed (clawed back) or become payable (holding) in this one.
    const history = await reader.read(source, addDays(month.from, -flags['bookings-lookback-days']) as BusinessDay, addDays(month.from, -1) as BusinessDay);
    if (read.objects.length === 0) {
      console.error(`reftrack payouts: no export objects for ${month.id} (${month.from} to ${month.to}) under ${describeSource(source)}; nothing written`);
      return 1;
    }
    const run = computePayouts({ month, rules, lines: read.records, carryIn, vendorNames: new Map([...rules.vendors].flatMap(([code, r]) => (r.name ? [[code, r.name] as const] : []))), conversions: [...history.conversions, ...read.conversions], qualification: ctx.qualification() });
    const meta = {
      timeZone: TIME_ZONE,
      monthEnded: month.to < businessDay(new Date(), TIME_ZONE),
      issuer: ctx.outreach().OUTREACH_BRAND_NAME,
      rules,
      rulesSha256,
      carryIn,
      source: describeSource(source),
      objects: read.objects.map((o) => ({ key: o.key, day: o.day, size: o.size, etag: o.etag, sha256: o.sha256, records: o.records })),
      problems: read.problems,
    };
    await writeOutputFolder(flags.out, renderPayoutFiles(run, meta), { replace: flags.replace, flag: 'out' });

    let exit = 0;
    for (const p of read.problems) console.error(stripControls(`${problemLocation(source, p)}: ${p.message}`));
    if (read.problems.length > 0) {
      console.error(`${read.problems.length} problem(s) in the export: the statements are marked incomplete; fix or re-deliver the objects and run again`);
      exit = 1;
    }
    for (const p of run.bookingProblems) console.error(p.message);
    if (run.bookingProblems.length > 0) exit = 1;
    if (run.unattributedBookings.length > 0) console.log(`${run.unattributedBookings.length} booking(s) of ${month.id} credited to no vendor (listed in summary.json): ${run.unattributedBookings.map((u) => `${u.bookingId} (${u.reason})`).join(', ')}`);
    for (const u of run.unpriced) console.error(`vendor ${u.code} has ${u.clicks} clicks (${u.qualifiedClicks} qualified) in ${month.id} but no rule in ${flags.rules}: not priced`);
    if (run.unpriced.length > 0) exit = 1;
    const withClicks = new Set(read.records.map((r) => r.vendorCode));
    for (const code of [...rules.vendors.keys()].filter((c) => !withClicks.has(c))) {
      console.error(`note: the rule for "${code}" matches no click in ${month.id}${run.unpriced.length > 0 ? ' (a mistyped code? vendors with clicks: ' + [...withClicks].sort().join(', ') + ')' : ''}`);
    }
    if (!meta.monthEnded) console.error(`${month.id} has not ended yet (today is ${businessDay(new Date(), TIME_ZONE)} in ${TIME_ZONE}): the statements are a draft, not for payment`);

    console.log(`payouts ${month.id} (${month.from} to ${month.to}, ${meta.timeZone}) from ${read.objects.length} export object(s) under ${meta.source}`);
    console.log(`${run.lines.read} lines, ${run.lines.unique} unique clicks (${run.lines.duplicateDeliveries} duplicate deliveries dropped)`);
    console.log(
      table(
        ['vendor', 'clicks', 'bots', 'subres', 'internal', 'suspicious', 'net-cap', 'repeat', 'qualified', 'rate', 'earned', 'bookings', 'commission', 'clawback', 'carried in', 'amount', 'carried fwd'],
        run.vendors.map((v) => [v.code, v.clicks, v.botClicks, v.subresourceClicks, v.internalClicks, v.suspiciousClicks, v.networkCapClicks, v.duplicateVisitorClicks, v.qualifiedClicks, formatCents(v.rateCents), formatCents(v.earnedCents) + (v.capApplied ? ' (cap)' : ''), v.bookings, formatCents(v.commissionCents), formatCents(v.clawbackCents), formatCents(v.carriedInCents), formatCents(v.amountCents), formatCents(v.carriedForwardCents)]),
      ),
    );
    console.log(`total ${formatCents(run.vendors.reduce((n, v) => n + v.amountCents, 0))} ${run.currency}; ${isComplete(run, meta) ? 'complete' : meta.monthEnded ? 'INCOMPLETE' : 'DRAFT (month not ended)'}; written to ${flags.out}`);

    if (flags['check-rollups']) {
      const dynamodb = ctx.dynamodb();
      const reader = new RollupReader(dynamodb, aws.STATE_TABLE, new RollupGenerations(dynamodb, aws.STATE_TABLE, 0));
      const codes = [...new Set<string>([...rules.vendors.keys(), ...run.vendors.map((v) => v.code), ...run.unpriced.map((u) => u.code)])].sort();
      const stored: DailyRollup[] = [];
      for (const code of codes) stored.push(...(await reader.daily(code as VendorCode, month.from, month.to)));
      const differences = rollupDifferences(run, stored);
      if (differences.length === 0) {
        console.log(`rollups agree with the export for every vendor and day of ${month.id}`);
      } else {
        console.log(`${differences.length} vendor-day(s) differ between the export and the live rollups:`);
        console.log(table(['vendor', 'day', 'field', 'export', 'rollups'], differences.flatMap((d) => d.fields.map((f) => [d.scope, d.period, f.field, String(f.expected ?? '-'), String(f.actual ?? '-')]))));
        exit = 1;
      }
    }
    return exit;
  },
};
