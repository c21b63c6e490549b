import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { parseUnrecordedLine } from '../../core/recovery.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { parseFlags, UsageError, type Command } from '../command.ts';

const usage = `usage: reftrack recover --from-log FILE [--dry-run]

Re-appends clicks that the redirect could neither store nor spill: it logged each one as a
"click-unrecorded" JSON line. Appends are idempotent (by clickId), so running it twice is safe.
  --from-log FILE   a log file (Powertools JSON lines, or a CloudWatch Logs export)
  --dry-run         only count what would be recovered`;

export const recoverCommand: Command = {
  name: 'recover',
  summary: 're-ingest unrecorded clicks from a log file',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(argv, { 'from-log': { type: 'string' }, 'dry-run': { type: 'boolean' } }, z.object({ 'from-log': z.string().min(1), 'dry-run': z.boolean().default(false) }));
    const file = flags['from-log'];
    if (!existsSync(file)) throw new UsageError(`--from-log: no such file "${file}"`);
    const log = new DynamoClickLog(ctx.dynamodb(), ctx.aws().EVENTS_TABLE);
    const tally = { appended: 0, 'already-present': 0, 'would-append': 0, invalid: 0 };
    let lineNo = 0;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      lineNo++;
      const parsed = parseUnrecordedLine(line);
      if (parsed.kind === 'other') continue;
      if (parsed.kind === 'invalid') {
        tally.invalid++;
        console.error(`${file}:${lineNo}: ${parsed.reason}`);
        continue;
      }
      if (flags['dry-run']) tally['would-append']++;
      else tally[await log.append(parsed.event)]++;
    }
    console.log(
      flags['dry-run']
        ? `${tally['would-append']} click(s) to recover, ${tally.invalid} invalid line(s)`
        : `recovered ${tally.appended} click(s), ${tally['already-present']} already present, ${tally.invalid} invalid line(s)`,
    );
    return tally.invalid > 0 ? 1 : 0;
  },
};
