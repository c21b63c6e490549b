import * as z from 'zod';
import { FIGURE_KEYS, FIGURE_LABELS } from '../../core/rollup-figures.ts';
import { ALL_VENDORS, type DailyRollup, type RollupScope, type VendorTotals } from '../../core/rollup.ts';
import { rollupCsvLines, rollupReport } from '../../core/rollup-report.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { flagRange, parseFlags, requireKnownVendor, table, type Command } from '../command.ts';
import { dayArg, vendorCodeArg } from '../args.ts';

const usage = `usage: reftrack rollups [--vendor CODE] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json]

Daily rollups, every day of the range (zeros where nothing was counted) and a total row.
  --vendor CODE   one vendor (default: all vendors together); an unknown code is an error
  --from, --to    business days, both included (at most 400 days). No range: the last 30
                  business days; --from alone: from that day to today
  --format        table (default), csv, or json`;

const Flags = z.object({
  vendor: vendorCodeArg.optional(),
  from: z.optional(dayArg),
  to: z.optional(dayArg),
  format: z.enum(['table', 'csv', 'json']).default('table'),
});

function cells(r: DailyRollup | VendorTotals): Array<string | number> {
  return FIGURE_KEYS.map((c) => r[c] ?? '-');
}

export const rollupsCommand: Command = {
  name: 'rollups',
  summary: 'print daily rollups of a vendor (or all vendors) with a total row',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(argv, { vendor: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' } }, Flags);
    const { TIME_ZONE } = ctx.business();
    const { from, to } = flagRange(flags, TIME_ZONE);
    const scope: RollupScope = flags.vendor ?? ALL_VENDORS;
    const aws = ctx.aws();
    const dynamodb = ctx.dynamodb();
    if (flags.vendor) await requireKnownVendor(new DynamoVendorStore(dynamodb, aws.STATE_TABLE), flags.vendor);
    const reader = new RollupReader(dynamodb, aws.STATE_TABLE, new RollupGenerations(dynamodb, aws.STATE_TABLE, 0));
    const { days, total } = await reader.range(scope, from, to);

    // The same presenters as GET /api/v1/rollups, so the CLI and the API print the same numbers.
    if (flags.format === 'json') {
      console.log(JSON.stringify(rollupReport({ timeZone: TIME_ZONE, scope, from, to, days, total }), null, 2));
    } else if (flags.format === 'csv') {
      for (const line of rollupCsvLines(scope, days, total)) console.log(line);
    } else {
      console.log(`${scope === ALL_VENDORS ? 'all vendors' : scope}, ${from} to ${to} (business days, ${TIME_ZONE})`);
      console.log(table(['day', ...FIGURE_LABELS], [...days.map((d) => [d.day, ...cells(d)]), ['TOTAL', ...cells(total)]]));
    }
    return 0;
  },
};
