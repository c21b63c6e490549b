import * as z from 'zod';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { replayRollups } from '../../adapters/rollup-maintenance.ts';
import { parseFlags, type Command } from '../command.ts';

const usage = `usage: reftrack replay [--settle-seconds N]

Rebuilds every rollup from the event log under the current qualification rules
(NETWORK_CAP, VELOCITY_PER_MINUTE) into a fresh projection generation. While it runs the
stream consumer writes every click to both generations, so nothing that arrives meanwhile is
missed; then readers switch and the old generation's rollups are deleted. Safe while clicks
keep coming; after a crash, run it again: it resumes the generation it was building.
  --settle-seconds N   wait after marking and after switching (default 15; must exceed the
                       consumer's generation cache (5 s) plus its longest batch)`;

const Flags = z.object({
  'settle-seconds': z.string().regex(/^\d+$/, { message: 'must be a whole number of seconds' }).transform(Number).refine((n) => n <= 900, { message: 'must be at most 900' }).default(15),
});

export const replayCommand: Command = {
  name: 'replay',
  summary: 'rebuild every rollup from the event log under the current rules',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(argv, { 'settle-seconds': { type: 'string' } }, Flags);
    const aws = ctx.aws();
    const dynamodb = ctx.dynamodb();
    const generations = new RollupGenerations(dynamodb, aws.STATE_TABLE, 0);
    const report = await replayRollups({
      client: dynamodb,
      tables: { events: aws.EVENTS_TABLE, state: aws.STATE_TABLE },
      store: new DynamoRollupStore(dynamodb, { state: aws.STATE_TABLE, events: aws.EVENTS_TABLE }, { rules: ctx.qualification() }),
      reader: new RollupReader(dynamodb, aws.STATE_TABLE, generations),
      generations,
      settleMs: flags['settle-seconds'] * 1000,
      progress: (m) => console.log(m),
    });
    console.log(`replayed ${report.events} events into generation ${report.to} (was ${report.from}${report.resumed ? ', resumed' : ''}); removed ${report.removedOldItems} old rollup items`);
    return 0;
  },
};
