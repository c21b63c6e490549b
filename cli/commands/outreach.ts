import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { outreachSettings } from '../../config/config.ts';
import { NotFoundError } from '../../core/errors.ts';
import { CardStatus, CardType } from '../../core/outreach/approval-card.ts';
import { addCard, moveCard } from '../../core/outreach/cards.ts';
import { buildOutreachKit, publishOutreachKit } from '../../core/outreach/outreach-kit.ts';
import type { Vendor } from '../../core/vendor.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { DynamoApprovalCardStore } from '../../adapters/dynamodb-outreach-store.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { assetsSink } from '../../adapters/object-sink.ts';
import { systemClock } from '../../adapters/clock.ts';
import { parseFlags, table, UsageError, type Command } from '../command.ts';
import { vendorCodeArg } from '../args.ts';
import { stripControls, terminalJson } from '../../core/untrusted-text.ts';
import { issuePortalLink } from './portal.ts';

const usage = `usage: reftrack outreach <render|publish|add-task|set-status|list> [flags]

  render [--vendor CODE] [--portal-link]
                                    write each vendor's e-mail to <data dir>/outreach/<code>.html (+ .txt plain part;
                                    --portal-link puts the vendor's private page link in, for the copy you send),
                                    with <code>-qr.png and <code>-qr.svg next to it
  publish [--vendor CODE]           upload e-mails to the assets bucket as
                                    vendor-referral/templates/<code>-preview.html (and the QR files)
  add-task --card-type vendor-approval --vendor CODE [--preview-url URL] [--status pending-send] [--note TEXT]
                                    create the vendor's approval card (preview URL defaults to
                                    <PUBLIC_BASE_URL>/outreach#<code>)
  set-status --vendor CODE --status approved|sent|rejected|pending-send [--note TEXT]
                                    move a card: pending-send -> approved -> sent, pending-send|approved
                                    -> rejected, rejected -> pending-send; sent is final
  list [--json]                     the approval board

Without --vendor, render and publish cover every active vendor.`;

const previewUrlArg = z.string().url().refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), { message: 'must be an http(s):// URL' });
const noteArg = z.string().trim().max(1000).optional();

export const outreachCommand: Command = {
  name: 'outreach',
  summary: 'render and publish vendor e-mails; approval cards',
  usage,
  async run(argv, ctx) {
    const [action, ...rest] = argv;
    const { STATE_TABLE } = ctx.aws();
    const vendors = new DynamoVendorStore(ctx.dynamodb(), STATE_TABLE);
    const cards = new DynamoApprovalCardStore(ctx.dynamodb(), STATE_TABLE);
    switch (action) {
      case 'render':
      case 'publish': {
        const { flags } = parseFlags(
          rest,
          { vendor: { type: 'string' }, 'portal-link': { type: 'boolean' } },
          z.object({ vendor: vendorCodeArg.optional(), 'portal-link': z.boolean().default(false) }),
        );
        if (flags['portal-link'] && action === 'publish') throw new UsageError('--portal-link: only with render (a published template is shared; the private link must not be in it)');
        const chosen = await chooseVendors(vendors, flags.vendor);
        const settings = outreachSettings(ctx.outreach());
        if (action === 'render') {
          const dir = join(ctx.local().REFTRACK_DATA_DIR, 'outreach');
          await mkdir(dir, { recursive: true });
          for (const vendor of chosen) {
            const portal = flags['portal-link'] ? await issuePortalLink(ctx, vendor.code) : null;
            const kit = await buildOutreachKit(vendor, settings, undefined, portal);
            const html = join(dir, `${vendor.code}.html`);
            await writeFile(html, kit.email.html, { mode: portal ? 0o600 : 0o644 });
            await writeFile(join(dir, `${vendor.code}.txt`), kit.email.text, { mode: portal ? 0o600 : 0o644 });
            await writeFile(join(dir, `${vendor.code}-qr.png`), kit.qrPng);
            await writeFile(join(dir, `${vendor.code}-qr.svg`), kit.qrSvg);
            console.log(`${vendor.code.padEnd(12)} ${html}  (+ .txt, -qr.png, -qr.svg; QR -> ${kit.links.qrTarget}${portal ? '; with the private page link' : ''})`);
          }
        } else {
          const sink = await assetsSink({ aws: ctx.aws(), local: ctx.local(), outreach: ctx.outreach() }, ctx.s3);
          for (const vendor of chosen) {
            const written = await publishOutreachKit(await buildOutreachKit(vendor, settings), sink);
            console.log(`${vendor.code.padEnd(12)} ${written.join('\n' + ' '.repeat(13))}`);
          }
        }
        return 0;
      }
      case 'add-task': {
        const { flags } = parseFlags(
          rest,
          { 'card-type': { type: 'string' }, vendor: { type: 'string' }, 'preview-url': { type: 'string' }, status: { type: 'string' }, note: { type: 'string' } },
          z.object({
            'card-type': CardType,
            vendor: vendorCodeArg,
            'preview-url': previewUrlArg.optional(),
            // The original tooling passed --status pending-send; a new card can only start there.
            status: z.literal('pending-send', { message: 'a new card starts as pending-send' }).default('pending-send'),
            note: noteArg,
          }),
        );
        await requireVendor(vendors, flags.vendor);
        const card = await addCard(
          cards,
          {
            vendorCode: flags.vendor,
            cardType: flags['card-type'],
            previewUrl: flags['preview-url'] ?? `${ctx.outreach().PUBLIC_BASE_URL}/outreach#${flags.vendor}`,
            note: flags.note ?? null,
          },
          systemClock,
        );
        console.log(`added ${card.cardType} card for ${card.vendorCode}: ${card.status} (preview ${card.previewUrl})`);
        return 0;
      }
      case 'set-status': {
        const { flags } = parseFlags(
          rest,
          { vendor: { type: 'string' }, status: { type: 'string' }, note: { type: 'string' } },
          z.object({ vendor: vendorCodeArg, status: CardStatus, note: noteArg }),
        );
        const card = await moveCard(cards, flags.vendor, flags.status, flags.note || null, systemClock);
        const move = card.history.at(-1)!;
        console.log(`${card.vendorCode}: ${move.from} -> ${move.to}${move.note ? ` (${stripControls(move.note)})` : ''}`);
        return 0;
      }
      case 'list': {
        const { flags } = parseFlags(rest, { json: { type: 'boolean' } }, z.object({ json: z.boolean().default(false) }));
        const board = (await cards.list()).sort((a, b) => a.vendorCode.localeCompare(b.vendorCode));
        if (flags.json) for (const card of board) console.log(terminalJson(card));
        else if (board.length === 0) console.log('no approval cards yet (create one with outreach add-task)');
        else
          console.log(
            table(
              ['vendor', 'type', 'status', 'updated (UTC)', 'moves', 'last note', 'preview'],
              board.map((c) => [c.vendorCode, c.cardType, c.status, c.updatedAt, c.history.length - 1, c.history.at(-1)?.note ?? '-', c.previewUrl]),
            ),
          );
        return 0;
      }
      default:
        throw new UsageError(action ? `unknown action "${action}"` : 'an action is required');
    }
  },
};

async function requireVendor(store: DynamoVendorStore, code: VendorCode): Promise<Vendor> {
  const vendor = await store.get(code);
  if (!vendor) throw new NotFoundError(`no vendor with code "${code}" (see reftrack vendors list)`);
  return vendor;
}

/** One named vendor (even if paused: asked for by name), or every active one. */
async function chooseVendors(store: DynamoVendorStore, code: VendorCode | undefined): Promise<Vendor[]> {
  if (code) return [await requireVendor(store, code)];
  return (await store.list()).filter((v) => v.status === 'active').sort((a, b) => a.code.localeCompare(b.code));
}
