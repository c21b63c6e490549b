import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { DEFAULT_PORTAL_DAYS, issuePortalToken, MAX_PORTAL_DAYS, portalLink } from '../../core/portal-credential.ts';
import { DynamoPortalEpochs } from '../../adapters/dynamodb-portal-epochs.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { assetsSink } from '../../adapters/object-sink.ts';
import { statementKey } from '../../adapters/statement-shelf.ts';
import { portalSigningKey } from '../../local/secrets.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { vendorCodeArg, positiveIntArg } from '../args.ts';
import { parseFlags, UsageError, type Command } from '../command.ts';
import type { CliContext } from '../context.ts';

const usage = `usage: reftrack portal <link|revoke|publish> [flags]

  link --vendor CODE [--days N]   print the vendor's private, read-only page link (default ${DEFAULT_PORTAL_DAYS} days, at most ${MAX_PORTAL_DAYS})
  revoke --vendor CODE            every earlier link of that vendor stops working at once
  publish --payouts DIR           put a finished payout run's statements on the vendors' pages
                                  (DIR is a \`reftrack payouts --out\` directory; a draft run is refused)`;

const Summary = z.object({
  schema: z.literal('reftrack.payouts/1'),
  month: z.string().regex(/^\d{4}-\d{2}$/),
  complete: z.boolean(),
  vendors: z.array(z.object({ code: z.string() }).passthrough()),
}).passthrough();

/** A fresh private page link for a vendor (current revocation epoch, `days` of life). */
export async function issuePortalLink(ctx: CliContext, vendor: VendorCode, days = DEFAULT_PORTAL_DAYS): Promise<string> {
  const epochs = new DynamoPortalEpochs(ctx.dynamodb(), ctx.aws().STATE_TABLE);
  const expiresAt = Math.floor(Date.now() / 1000) + days * 86_400;
  const token = issuePortalToken({ vendor, epoch: await epochs.current(vendor), expiresAt }, portalSigningKey(ctx.portal(), ctx.local().REFTRACK_DATA_DIR));
  return portalLink(ctx.outreach().PUBLIC_BASE_URL, token);
}

export const portalCommand: Command = {
  name: 'portal',
  summary: "vendors' private pages: make a link, revoke links, publish statements",
  usage,
  async run(argv, ctx) {
    const [action, ...rest] = argv;
    const { STATE_TABLE } = ctx.aws();
    const vendors = new DynamoVendorStore(ctx.dynamodb(), STATE_TABLE);
    const epochs = new DynamoPortalEpochs(ctx.dynamodb(), STATE_TABLE);
    switch (action) {
      case 'link': {
        const { flags } = parseFlags(rest, { vendor: { type: 'string' }, days: { type: 'string' } }, z.object({ vendor: vendorCodeArg, days: positiveIntArg(MAX_PORTAL_DAYS).optional() }));
        const vendor = await vendors.get(flags.vendor);
        if (!vendor) throw new UsageError(`--vendor: no vendor with code "${flags.vendor}"`);
        const days = flags.days ?? DEFAULT_PORTAL_DAYS;
        console.log(await issuePortalLink(ctx, vendor.code, days));
        console.error(`private link for ${vendor.name} (${vendor.code}), read-only, valid for ${days} days; \`reftrack portal revoke --vendor ${vendor.code}\` ends it`);
        return 0;
      }
      case 'revoke': {
        const { flags } = parseFlags(rest, { vendor: { type: 'string' } }, z.object({ vendor: vendorCodeArg }));
        if (!(await vendors.get(flags.vendor))) throw new UsageError(`--vendor: no vendor with code "${flags.vendor}"`);
        const epoch = await epochs.revoke(flags.vendor);
        console.log(`every earlier portal link of ${flags.vendor} is revoked (epoch ${epoch}); make a new one with \`reftrack portal link --vendor ${flags.vendor}\``);
        return 0;
      }
      case 'publish': {
        const { flags } = parseFlags(rest, { payouts: { type: 'string' } }, z.object({ payouts: z.string().min(1) }));
        let summary: z.infer<typeof Summary>;
        try {
          summary = Summary.parse(JSON.parse(await readFile(join(flags.payouts, 'summary.json'), 'utf8')));
        } catch (cause) {
          throw new ValidationError(`--payouts: ${join(flags.payouts, 'summary.json')} is not a payouts summary (${(cause as Error).message.slice(0, 200)})`, { cause });
        }
        if (!summary.complete) {
          console.error(`reftrack portal: the ${summary.month} run is incomplete (a draft); fix its input and run payouts again before publishing`);
          return 1;
        }
        const sink = await assetsSink({ aws: ctx.aws(), local: ctx.local(), outreach: ctx.outreach() }, ctx.s3);
        for (const v of summary.vendors) {
          if (!vendorCodeArg.safeParse(v.code).success) throw new ValidationError(`--payouts: summary.json names a bad vendor code`);
          const html = await readFile(join(flags.payouts, 'statements', `${v.code}.html`));
          const key = statementKey(v.code, summary.month);
          await sink.put(key, html, 'text/html; charset=utf-8');
          console.log(`${v.code}  ${summary.month}  ${sink.describe(key)}`);
        }
        return 0;
      }
      default:
        throw new UsageError(action ? `unknown action "${action}"` : 'an action is required');
    }
  },
};
