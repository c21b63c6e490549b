import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as z from 'zod';
import { parseUnrecordedLine } from '../../core/recovery.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { parseFlags, UsageError, type Command } from '../command.ts';

const usage = `usage: reftrack recover --from-log FILE [--dry-run]
       reftrack recover --from-cloudwatch [--log-group NAME] [--since TIME] [--until TIME] [--dry-run]

Re-appends clicks that the redirect could neither store nor spill: it logged each one as a
"click-unrecorded" JSON line. Appends are idempotent (by clickId), so running it twice is safe.
  --from-log FILE     a log file (Powertools JSON lines, or a CloudWatch Logs export)
  --from-cloudwatch   read the redirect's log group itself (FilterLogEvents)
  --log-group NAME    default $REDIRECT_LOG_GROUP (the Reftrack-App output RedirectLogGroup)
  --since, --until    ISO 8601 times or YYYY-MM-DD (UTC); default the last 7 days until now
  --dry-run           only count what would be recovered`;

const time = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO 8601 time or YYYY-MM-DD' })
  .transform((s) => new Date(s))
  .optional();
const Flags = z
  .object({
    'from-log': z.string().min(1).optional(),
    'from-cloudwatch': z.boolean().default(false),
    'log-group': z.string().min(1).optional(),
    since: time,
    until: time,
    'dry-run': z.boolean().default(false),
  })
  .refine((f) => (f['from-log'] !== undefined) !== f['from-cloudwatch'], { message: 'give exactly one of --from-log FILE and --from-cloudwatch', path: ['from-log'] })
  .refine((f) => !f.since || !f.until || f.since <= f.until, { message: 'must not be before --since', path: ['until'] });

type Lines = AsyncIterable<{ origin: string; text: string }>;

async function* fileLines(file: string): Lines {
  let lineNo = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) yield { origin: `${file}:${++lineNo}`, text };
}

export const recoverCommand: Command = {
  name: 'recover',
  summary: 're-ingest unrecorded clicks from a log file or the redirect log group',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(
      argv,
      { 'from-log': { type: 'string' }, 'from-cloudwatch': { type: 'boolean' }, 'log-group': { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      Flags,
    );
    let lines: Lines;
    if (flags['from-log']) {
      if (!existsSync(flags['from-log'])) throw new UsageError(`--from-log: no such file "${flags['from-log']}"`);
      lines = fileLines(flags['from-log']);
    } else {
      const group = flags['log-group'] ?? ctx.logs().REDIRECT_LOG_GROUP;
      if (!group) throw new UsageError('--log-group: required, or REDIRECT_LOG_GROUP (the Reftrack-App output RedirectLogGroup)');
      // Loaded here: only this source needs the CloudWatch Logs SDK.
      const { unrecordedLogLines } = await import('../../adapters/unrecorded-log-reader.ts');
      const end = flags.until ?? new Date();
      lines = unrecordedLogLines(await ctx.cloudWatchLogs(), group, { start: flags.since ?? new Date(end.getTime() - 7 * 86_400_000), end });
    }
    const log = new DynamoClickLog(ctx.dynamodb(), ctx.aws().EVENTS_TABLE);
    const tally = { appended: 0, 'already-present': 0, 'would-append': 0, invalid: 0 };
    for await (const { origin, text } of lines) {
      const parsed = parseUnrecordedLine(text);
      if (parsed.kind === 'other') continue;
      if (parsed.kind === 'invalid') {
        tally.invalid++;
        console.error(`${origin}: ${parsed.reason}`);
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
