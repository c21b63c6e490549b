import { z } from 'zod';
import { daysBetween, parseBusinessDay } from '../../core/business-day.ts';
import { ALL_VENDORS, type DailyRollup, type RollupScope, type VendorTotals } from '../../core/rollup.ts';
import { MAX_RANGE_DAYS, rollupCsvLines, rollupReport } from '../../core/rollup-report.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { parseFlags, table, UsageError, type Command } from '../command.ts';
import { dayArg, vendorCodeArg } from '../args.ts';

const usage = `usage: reftrack rollups --from YYYY-MM-DD --to YYYY-MM-DD [--vendor CODE] [--format table|csv|json]

Daily rollups, every day of the range (zeros where nothing was counted) and a total row.
  --vendor CODE   one vendor (default: all vendors together)
  --from, --to    business days, both included (at most 400 days)
  --format        table (default), csv, or json`;

const Flags = z.object({
  vendor: vendorCodeArg.optional(),
  from: dayArg,
  to: dayArg,
  format: z.enum(['table', 'csv', 'json']).default('table'),
});

const COLUMNS = ['clicks', 'botClicks', 'humanClicks', 'uniqueVisitors', 'qualifiedClicks', 'firstClickAt', 'lastClickAt'] as const;

function cells(r: DailyRollup | VendorTotals): Array<string | number> {
  return COLUMNS.map((c) => r[c] ?? '-');
}

export const rollupsCommand: Command = {
  name: 'rollups',
  summary: 'print daily rollups of a vendor (or all vendors) with a total row',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(argv, { vendor: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' } }, Flags);
    const from = parseBusinessDay(flags.from);
    const to = parseBusinessDay(flags.to);
    if (from > to) throw new UsageError('--from must not be after --to');
    if (daysBetween(from, to).length > MAX_RANGE_DAYS) throw new UsageError(`the range may span at most ${MAX_RANGE_DAYS} days`);
    const scope: RollupScope = flags.vendor ?? ALL_VENDORS;
    const aws = ctx.aws();
    const dynamodb = ctx.dynamodb();
    const reader = new RollupReader(dynamodb, aws.STATE_TABLE, new RollupGenerations(dynamodb, aws.STATE_TABLE, 0));
    const { days, total } = await reader.range(scope, from, to);

    // The same presenters as GET /api/v1/rollups, so the CLI and the API print the same numbers.
    if (flags.format === 'json') {
      console.log(JSON.stringify(rollupReport({ timeZone: ctx.business().TIME_ZONE, scope, from, to, days, total }), null, 2));
    } else if (flags.format === 'csv') {
      for (const line of rollupCsvLines(scope, days, total)) console.log(line);
    } else {
      console.log(`${scope === ALL_VENDORS ? 'all vendors' : scope}, ${from} to ${to}`);
      console.log(table(['day', 'clicks', 'bots', 'humans', 'unique', 'qualified', 'first click (UTC)', 'last click (UTC)'], [...days.map((d) => [d.day, ...cells(d)]), ['TOTAL', ...cells(total)]]));
    }
    return 0;
  },
};
