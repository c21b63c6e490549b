import { Hono, type Context, type MiddlewareHandler } from 'hono';
import * as z from 'zod';
import type { VendorSource } from '../core/cached-vendor-directory.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { CardStatus, type ApprovalCard } from '../core/outreach/approval-card.ts';
import { moveCard } from '../core/outreach/cards.ts';
import { escapeHtml } from '../core/outreach/html.ts';
import { buildOutreachKit, type OutreachSettings } from '../core/outreach/outreach-kit.ts';
import { cachedQrImages } from '../core/outreach/qr-code.ts';
import type { ApprovalCardStore } from '../core/outreach/ports.ts';
import type { Clock } from '../core/ports.ts';
import type { Vendor } from '../core/vendor.ts';
import { parseVendorCode } from '../core/vendor-code.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { jsonErrorHandler } from './errors.ts';

export interface OutreachAppDeps {
  readonly vendors: VendorSource;
  readonly cards: ApprovalCardStore;
  readonly clock: Clock;
  readonly settings: OutreachSettings;
  /**
   * Guards the JSON API (`/api/v1/outreach/*`). The analyst API's Bearer-token middleware
   * plugs in here, so outreach gets no auth scheme of its own. The preview pages and QR
   * images stay public: they are what vendors and e-mail clients load.
   */
  readonly apiAuth: MiddlewareHandler;
  readonly telemetry: Telemetry;
}

const StatusChange = z.object({
  status: CardStatus,
  note: z.string().trim().max(1000).nullish().transform((n) => (n ? n : null)),
});

// The e-mail may load images and inline styles, nothing else: even if a template ever let
// markup through, a browser would run no script in the preview.
const TEMPLATE_CSP = "default-src 'none'; img-src http: https:; style-src 'unsafe-inline'; frame-ancestors 'self'";
const PAGE_CSP = "default-src 'none'; frame-src 'self'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";

/**
 * Vendor outreach over HTTP:
 *   GET  /outreach                          every vendor's e-mail in its own iframe (`#<code>` anchors)
 *   GET  /outreach/templates/<code>.html    one e-mail, rendered by the same code as `outreach render`
 *   GET  /outreach/qr/<code>.png|.svg       the counter-card QR code (link + utm_content=qr)
 *   GET  /api/v1/outreach/cards             the approval board
 *   POST /api/v1/outreach/cards/<code>/status  {status, note?} moves a card
 */
export function createOutreachApp(deps: OutreachAppDeps): Hono {
  const app = new Hono();
  // One per app: every e-mail open and QR download reuses the rendered images.
  const qrImages = cachedQrImages();
  // Every answer says what it is; a browser must not guess HTML out of a QR or a JSON body.
  const nosniff: MiddlewareHandler = async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
  };
  for (const path of ['/outreach', '/outreach/*', '/api/v1/outreach/*']) app.use(path, nosniff);

  const vendorFor = async (raw: string): Promise<Vendor> => {
    const code = parseVendorCode(raw);
    const vendor = (await deps.vendors.list()).find((v) => v.code === code);
    if (!vendor) throw new NotFoundError(`no vendor with code "${code}"`);
    return vendor;
  };

  app.get('/outreach', async (c) => {
    const [vendors, cards] = await Promise.all([deps.vendors.list(), deps.cards.list()]);
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(previewPage(vendors.sort((a, b) => a.code.localeCompare(b.code)), new Map(cards.map((card) => [card.vendorCode, card]))));
  });

  app.get('/outreach/templates/:file', async (c) => {
    const vendor = await vendorFor(fileStem(c.req.param('file'), '.html'));
    const kit = await buildOutreachKit(vendor, deps.settings, qrImages);
    c.header('Content-Security-Policy', TEMPLATE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(kit.email.html);
  });

  app.get('/outreach/qr/:file', async (c) => {
    const file = c.req.param('file');
    const png = file.endsWith('.png');
    const vendor = await vendorFor(fileStem(file, png ? '.png' : '.svg'));
    const kit = await buildOutreachKit(vendor, deps.settings, qrImages);
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Content-Disposition', `inline; filename="${vendor.code}-qr.${png ? 'png' : 'svg'}"`);
    c.header('X-Content-Type-Options', 'nosniff');
    if (png) return c.body(new Uint8Array(kit.qrPng), 200, { 'Content-Type': 'image/png' });
    return c.body(kit.qrSvg, 200, { 'Content-Type': 'image/svg+xml', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" });
  });

  app.use('/api/v1/outreach/*', deps.apiAuth);

  app.get('/api/v1/outreach/cards', async (c) => {
    const [cards, vendors] = await Promise.all([deps.cards.list(), deps.vendors.list()]);
    const names = new Map(vendors.map((v) => [v.code, v.name]));
    c.header('Cache-Control', 'no-store');
    return c.json({ cards: cards.sort((a, b) => a.vendorCode.localeCompare(b.vendorCode)).map((card) => ({ ...card, vendorName: names.get(card.vendorCode) ?? null })) });
  });

  app.post('/api/v1/outreach/cards/:vendor/status', async (c) => {
    const vendor = parseVendorCode(c.req.param('vendor'));
    const body = StatusChange.safeParse(await jsonBody(c));
    if (!body.success) throw new ValidationError(body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const card = await moveCard(deps.cards, vendor, body.data.status, body.data.note, deps.clock);
    return c.json({ card });
  });

  app.onError(jsonErrorHandler(deps.telemetry));
  return app;
}

function fileStem(file: string, ext: '.html' | '.png' | '.svg'): string {
  if (!file.endsWith(ext)) throw new NotFoundError(`expected a ${ext} file`);
  return file.slice(0, -ext.length);
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch (cause) {
    throw new ValidationError('body must be JSON: {"status": "...", "note": "..."}', { cause });
  }
}

function previewPage(vendors: readonly Vendor[], cards: ReadonlyMap<string, ApprovalCard>): string {
  const sections = vendors
    .map((v) => {
      const code = escapeHtml(v.code);
      const name = escapeHtml(v.name);
      const card = cards.get(v.code);
      return `<section id="${code}" aria-labelledby="h-${code}">
<h2 id="h-${code}"><a href="#${code}">${name}</a> <small>(${code}${v.status === 'paused' ? ', paused' : ''})</small></h2>
<p>Approval card: <strong data-card-status="${code}">${card ? escapeHtml(card.status) : 'none'}</strong> &middot; QR code: <a href="/outreach/qr/${code}.png" download="${code}-qr.png">PNG</a>, <a href="/outreach/qr/${code}.svg" download="${code}-qr.svg">SVG</a> &middot; <a href="/outreach/templates/${code}.html" target="_blank" rel="noopener">open alone</a></p>
<iframe src="/outreach/templates/${code}.html" title="Outreach e-mail for ${name}" sandbox="allow-popups allow-popups-to-escape-sandbox" style="width:100%;height:1100px;border:1px solid #cbd2d9;border-radius:6px;background:#fff;"></iframe>
</section>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vendor outreach preview</title>
</head>
<body style="margin:0;padding:16px;font-family:system-ui,Helvetica,Arial,sans-serif;background:#f5f7fa;color:#1f2933;">
<main style="max-width:760px;margin:0 auto;">
<h1>Vendor outreach preview</h1>
<p>Every vendor's e-mail as it will be sent. Link to one with <code>/outreach#&lt;code&gt;</code>.</p>
<nav aria-label="Vendors"><ul>${vendors.map((v) => `<li><a href="#${escapeHtml(v.code)}">${escapeHtml(v.name)}</a></li>`).join('')}</ul></nav>
${sections}
</main>
</body>
</html>
`;
}
