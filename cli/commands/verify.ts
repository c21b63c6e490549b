import * as z from 'zod';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { verifyRollups } from '../../adapters/rollup-maintenance.ts';
import { parseFlags, table, type Command } from '../command.ts';

const usage = `usage: reftrack verify [--json]

Recounts every projection from the event log and compares it with the live rollups.
Prints each vendor and day that differs (field, recount, stored); exits 1 if any does.
  --json   the report as JSON`;

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'recount rollups from the event log; exit 1 on any difference',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(argv, { json: { type: 'boolean' } }, z.object({ json: z.boolean().default(false) }));
    const aws = ctx.aws();
    const dynamodb = ctx.dynamodb();
    const generations = new RollupGenerations(dynamodb, aws.STATE_TABLE, 0);
    const report = await verifyRollups({ client: dynamodb, tables: { events: aws.EVENTS_TABLE, state: aws.STATE_TABLE }, reader: new RollupReader(dynamodb, aws.STATE_TABLE, generations), generations });
    const vendorLabel = (s: string) => (s === '*' ? 'all vendors' : s);
    if (flags.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(`recounted ${report.events} events against rollup generation ${report.generation}`);
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
