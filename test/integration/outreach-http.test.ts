import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import type { MiddlewareHandler } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoApprovalCardStore } from '../../adapters/dynamodb-outreach-store.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { loadSeedVendors } from '../../config/seed-vendors.ts';
import { UnauthorizedError } from '../../core/errors.ts';
import { addCard } from '../../core/outreach/cards.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { Vendor } from '../../core/vendor.ts';
import { createOutreachApp } from '../../http/outreach-app.ts';
import { systemClock } from '../../adapters/clock.ts';
import { freshTables } from '../support/tables.ts';
import { localAppOn } from '../support/local-app.ts';
import { telemetry } from '../support/telemetry.ts';

const jsQR = jsQRModule.default;
const settings = { publicBaseUrl: 'http://localhost:3105', qrBaseUrl: 'http://localhost:3105/outreach/qr', brandName: 'Queen of San Diego' };
const hostile = Vendor.parse({ code: 'evil', name: '<script>alert(1)</script>' });

describe('outreach HTTP routes against DynamoDB Local', () => {
  let tables: TableNames;
  let cards: DynamoApprovalCardStore;
  /** No authentication, for tests of the routes themselves (the local server and a deployment pass the analyst API's). */
  const openAccess: MiddlewareHandler = async (_c, next) => {
    await next();
  };
  const app = (apiAuth: MiddlewareHandler = openAccess) =>
    createOutreachApp({ vendors: new DynamoVendorStore(dynamodb, tables.state), cards, clock: systemClock, settings, apiAuth, telemetry });

  beforeAll(async () => {
    tables = await freshTables([...loadSeedVendors(), hostile]);
    cards = new DynamoApprovalCardStore(dynamodb, tables.state);
    await addCard(cards, { vendorCode: 'boardbrew' as VendorCode, cardType: 'vendor-approval', previewUrl: 'http://localhost:3105/outreach#boardbrew' }, systemClock);
  });

  it('GET /outreach shows every vendor in its own anchored iframe, names escaped', async () => {
    const res = await app().request('/outreach');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const v of [...loadSeedVendors(), hostile]) {
      expect(html).toContain(`<section id="${v.code}"`);
      expect(html).toContain(`<iframe src="/outreach/templates/${v.code}.html"`);
    }
    expect(html.match(/<iframe /g)).toHaveLength(8);
    expect(html).toContain('title="Outreach e-mail for Board &amp; Brew"');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<strong data-card-status="boardbrew">pending-send</strong>');
    expect(html).toContain('<strong data-card-status="solare">none</strong>');
  });

  it('GET /outreach/templates/<code>.html serves the rendered e-mail with a no-script CSP', async () => {
    const res = await app().request('/outreach/templates/boardbrew.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('content-security-policy')).not.toContain('script-src');
    const html = await res.text();
    expect(html).toContain('Hello Board &amp; Brew team,');
    expect(html).toContain('href="http://localhost:3105/ref/boardbrew?preview=vendor"');
    expect(html).toContain('src="http://localhost:3105/outreach/qr/boardbrew.png"');
    expect(await (await app().request('/outreach/templates/evil.html')).text()).not.toMatch(/<script/i);
  });

  it('unknown, malformed or wrongly suffixed template names are 404 / 400', async () => {
    expect((await app().request('/outreach/templates/nosuch.html')).status).toBe(404);
    expect((await app().request('/outreach/templates/boardbrew.txt')).status).toBe(404);
    expect((await app().request('/outreach/templates/..%2Fetc.html')).status).toBe(400);
  });

  it('GET /outreach/qr/<code>.png decodes to the link with utm_content=qr; .svg is a vector image', async () => {
    const png = await app().request('/outreach/qr/boardbrew.png');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe('http://localhost:3105/ref/boardbrew?utm_content=qr');

    const svg = await app().request('/outreach/qr/boardbrew.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('content-disposition')).toBe('inline; filename="boardbrew-qr.svg"');
    expect(await svg.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((await app().request('/outreach/qr/boardbrew.gif')).status).toBe(404);
  });

  it('GET /api/v1/outreach/cards lists the board with vendor names', async () => {
    const res = await app().request('/api/v1/outreach/cards');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { cards: Array<{ vendorCode: string; vendorName: string; status: string }> };
    expect(body.cards).toHaveLength(1);
    expect(body.cards[0]).toMatchObject({ vendorCode: 'boardbrew', vendorName: 'Board & Brew', status: 'pending-send', version: 1 });
  });

  it('POST .../status moves the card (persisted), refuses illegal moves with 409 and bad bodies with 400', async () => {
    const post = (vendor: string, body: unknown) =>
      app().request(`/api/v1/outreach/cards/${vendor}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    const ok = await post('boardbrew', { status: 'approved', note: 'ship it' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { card: { status: string } }).card.status).toBe('approved');
    expect((await cards.get('boardbrew' as VendorCode))!.history.at(-1)).toMatchObject({ from: 'pending-send', to: 'approved', note: 'ship it' });

    const illegal = await post('boardbrew', { status: 'pending-send' });
    expect(illegal.status).toBe(409);
    expect(await illegal.json()).toEqual({ error: { code: 'conflict', message: 'card boardbrew cannot go from approved to pending-send (from approved it can go to: sent, rejected)' } });

    const badStatus = await post('boardbrew', { status: 'done' });
    expect(badStatus.status).toBe(400);
    expect(await badStatus.json()).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('status') } });
    expect((await post('boardbrew', 'not json')).status).toBe(400);
    expect((await post('BAD%20CODE', { status: 'approved' })).status).toBe(400);
    expect((await post('solare', { status: 'approved' })).status).toBe(404);
    expect((await cards.get('boardbrew' as VendorCode))!.status).toBe('approved');
  });

  it('the API goes through the auth middleware it is given; the preview pages do not', async () => {
    const bearer: MiddlewareHandler = async (c, next) => {
      if (c.req.header('authorization') !== 'Bearer test-token') throw new UnauthorizedError('missing or wrong token');
      await next();
    };
    const guarded = app(bearer);
    expect((await guarded.request('/api/v1/outreach/cards')).status).toBe(401);
    expect((await guarded.request('/api/v1/outreach/cards/boardbrew/status', { method: 'POST', body: '{"status":"sent"}' })).status).toBe(401);
    expect((await cards.get('boardbrew' as VendorCode))!.status).toBe('approved');
    expect((await guarded.request('/api/v1/outreach/cards', { headers: { authorization: 'Bearer test-token' } })).status).toBe(200);
    expect((await guarded.request('/outreach')).status).toBe(200);
    expect((await guarded.request('/outreach/qr/solare.png')).status).toBe(200);
  });

  it('is mounted in the local server next to the redirect, each keeping its own error handling', async () => {
    // The local server guards the outreach JSON routes with the analyst API's bearer token.
    const { app: local, apiToken } = localAppOn(tables, mkdtempSync(join(tmpdir(), 'reftrack-outreach-')));
    expect((await local.request('/outreach')).status).toBe(200);
    expect((await local.request('/outreach/templates/solare.html')).status).toBe(200);
    expect((await local.request('/outreach/templates/nosuch.html')).status).toBe(404);
    expect((await local.request('/api/v1/outreach/cards')).status).toBe(401);
    expect((await local.request('/api/v1/outreach/cards', { headers: { authorization: `Bearer ${apiToken}` } })).status).toBe(200);
    // The redirect app still owns /ref (outside a real socket it sends the guest to the fallback, still a 302).
    const redirect = await local.request('/ref/solare');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
  });
});
