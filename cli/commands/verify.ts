import * as z from 'zod';
import { parseBusinessDay } from '../../core/business-day.ts';
import { ruleLabel } from '../../core/qualification.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { verifyRollups } from '../../adapters/rollup-maintenance.ts';
import { dayArg, vendorCodeArg } from '../args.ts';
import { parseFlags, table, UsageError, type Command } from '../command.ts';

const usage = `usage: reftrack verify [--vendor CODE] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

Recounts every vendor-day from the event log (one vendor-day at a time, so memory stays
small) under the current qualification rules and compares it with the live rollups.
Prints each vendor and day that differs (field, recount, stored); exits 1 if any does.
  --vendor CODE   only this vendor
  --from, --to    only these business days (both included)
  --json          the report as JSON`;

const Flags = z.object({ vendor: vendorCodeArg.optional(), from: z.optional(dayArg), to: z.optional(dayArg), json: z.boolean().default(false) });

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'recount rollups from the event log; exit 1 on any difference',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(argv, { vendor: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } }, Flags);
    const from = flags.from ? parseBusinessDay(flags.from) : undefined;
    const to = flags.to ? parseBusinessDay(flags.to) : undefined;
    if (from && to && from > to) throw new UsageError('--from must not be after --to');
    const aws = ctx.aws();
    const dynamodb = ctx.dynamodb();
    const rules = ctx.qualification();
    const generations = new RollupGenerations(dynamodb, aws.STATE_TABLE, 0);
    const report = await verifyRollups({
      client: dynamodb,
      tables: { events: aws.EVENTS_TABLE, state: aws.STATE_TABLE },
      reader: new RollupReader(dynamodb, aws.STATE_TABLE, generations),
      generations,
      rules,
      slice: { ...(flags.vendor ? { vendors: [flags.vendor] } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) },
      progress: flags.json ? () => {} : (m) => console.error(m),
    });
    const vendorLabel = (s: string) => (s === '*' ? 'all vendors' : s);
    if (flags.json) {
      console.log(JSON.stringify({ ...report, rules: ruleLabel(rules) }, null, 2));
    } else {
      console.log(`recounted ${report.events} events of ${report.vendorDays} vendor-days against rollup generation ${report.generation} (${ruleLabel(rules)})`);
      if (report.invalid.length > 0) console.log(`${report.invalid.length} stored items are not valid click events and were not counted: ${report.invalid.slice(0, 5).join(', ')}`);
      if (report.differences.length === 0) {
        console.log('rollups match the event log');
      } else {
        console.log(`${report.differences.length} rollups differ from the event log:`);
        console.log(
          table(
            ['vendor', 'day', 'field', 'recount', 'stored'],
            report.differences.flatMap((d) => d.fields.map((f) => [vendorLabel(d.scope), d.period, f.field, String(f.expected ?? '-'), String(f.actual ?? '-')])),
          ),
        );
      }
    }
    return report.differences.length === 0 ? 0 : 1;
  },
};
