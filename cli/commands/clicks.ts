import * as z from 'zod';
import { subDays } from 'date-fns';
import { businessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { toExportRecord } from '../../core/export-record.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { parseFlags, requireKnownVendor, table, type Command } from '../command.ts';
import { positiveIntArg, vendorCodeArg } from '../args.ts';
import { terminalJson } from '../../core/untrusted-text.ts';

const usage = `usage: reftrack clicks [--vendor CODE] [--limit N] [--days N] [--json]

Prints the latest click events, newest first.
  --vendor CODE   only this vendor (default: every vendor); an unknown code is an error
  --limit N       how many events (default 20, at most 10000)
  --days N        how many business days back to look (default 30, at most 400)
  --json          one JSON object per line, in the export's shape (schema reftrack.click/1)`;

const Flags = z.object({
  vendor: vendorCodeArg.optional(),
  limit: positiveIntArg(10_000).default(20),
  days: positiveIntArg(400).default(30),
  json: z.boolean().default(false),
});

export const clicksCommand: Command = {
  name: 'clicks',
  summary: 'print the latest click events',
  usage,
  async run(argv, ctx) {
    const { flags } = parseFlags(argv, { vendor: { type: 'string' }, limit: { type: 'string' }, days: { type: 'string' }, json: { type: 'boolean' } }, Flags);
    const aws = ctx.aws();
    const { TIME_ZONE } = ctx.business();
    const dynamodb = ctx.dynamodb();
    const log = new DynamoClickLog(dynamodb, aws.EVENTS_TABLE);
    const vendorStore = new DynamoVendorStore(dynamodb, aws.STATE_TABLE);
    if (flags.vendor) await requireKnownVendor(vendorStore, flags.vendor);
    const codes = flags.vendor ? [flags.vendor] : (await vendorStore.list()).map((v) => v.code);

    // Walk back day by day (one Query per vendor-day partition) until enough events are found.
    const events: ClickEvent[] = [];
    const today = new Date();
    for (let back = 0; back < flags.days && events.length < flags.limit; back++) {
      const day = businessDay(subDays(today, back), TIME_ZONE);
      const perVendor = await Promise.all(codes.map((code) => log.forVendorDay(code, day, flags.limit)));
      events.push(...perVendor.flat().sort((a, b) => b.clickId.localeCompare(a.clickId)));
    }
    const latest = events.slice(0, flags.limit);

    if (flags.json) {
      // One shape for a click wherever it is printed or exported (core/export-record.ts), escaped for the terminal.
      for (const e of latest) console.log(terminalJson(toExportRecord(e)));
    } else if (latest.length === 0) {
      console.log(`no clicks${flags.vendor ? ` for ${flags.vendor}` : ''} in the last ${flags.days} days`);
    } else {
      console.log(
        table(
          ['time (UTC)', 'day', 'vendor', 'click id', 'bot', 'internal', 'country', 'placement'],
          latest.map((e) => [e.ts, e.day, e.vendorCode, e.clickId, e.bot.isBot ? e.bot.reason : '-', e.internal ? 'yes' : '-', e.country ?? '-', e.placement ?? '-']),
        ),
      );
    }
    return 0;
  },
};
