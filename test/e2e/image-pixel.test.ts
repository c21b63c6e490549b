/**
 * The hidden-pixel attack in real headless Chromium: someone else's page carries
 * `<img src=".../ref/smallgoods">` (and an iframe and a script for good measure); three browsers
 * open it. Each browser's request reaches the redirect and is recorded, but the browser says it
 * is a subresource (Sec-Fetch-Dest image/iframe/script), so the real aggregate consumer counts
 * no qualified click. One guest who clicks a real link on the same page is counted: the test
 * would see it if the rule let everything through, or nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { businessDay, type BusinessDay } from '../../core/business-day.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { freePort } from '../../local/free-port.ts';
import { startServer } from '../../local/server.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { launchChromium } from '../support/chromium.ts';
import { testRedirectApp } from '../support/redirect-app.ts';
import { insertRecord, streamEvent } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
];

describe('a hidden image pixel on someone else\'s page', () => {
  let tables: TableNames;
  let redirect: ServerType;
  let attacker: Server;
  let browser: Browser;
  let refBase: string;
  let pageUrl: string;

  beforeAll(async () => {
    tables = await freshTables();
    const port = await freePort();
    redirect = await startServer(testRedirectApp(tables), port);
    refBase = `http://127.0.0.1:${port}`;
    // A different site (localhost vs 127.0.0.1), as a stranger's page would be.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html><body><h1>Totally unrelated blog</h1>
<img src="${refBase}/ref/smallgoods" width="1" height="1" style="position:absolute;left:-9999px" alt="">
<iframe src="${refBase}/ref/smallgoods?utm_content=frame" width="1" height="1" style="display:none"></iframe>
<script src="${refBase}/ref/smallgoods?utm_content=script"></script>
<a id="real" href="${refBase}/ref/smallgoods">Small Goods</a>
</body></html>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    redirect?.close();
    attacker?.close();
  });

  async function visitor(userAgent: string): Promise<BrowserContext> {
    const context = await browser.newContext({ userAgent });
    return context;
  }

  it('3 browsers loading the page make 0 qualified clicks through the real consumer; a real click on a link makes 1', async () => {
    const log = new DynamoClickLog(dynamodb, tables.events);
    const day = businessDay(new Date(), 'America/Los_Angeles') as BusinessDay;
    const recorded = async () => log.forVendorDay('smallgoods' as VendorCode, day, 1_000);

    for (const ua of USER_AGENTS) {
      const context = await visitor(ua);
      const page = await context.newPage();
      await page.goto(pageUrl, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle');
      await context.close();
    }
    const pixelEvents = await recorded();
    // Every subresource request reached the redirect (img, iframe, script per browser) and was recorded...
    expect(pixelEvents.length).toBeGreaterThanOrEqual(USER_AGENTS.length);
    // ...and the browser said what each one was.
    for (const e of pixelEvents) {
      expect(e.bot, JSON.stringify(e.fetch)).toMatchObject({ isBot: true, reason: 'subresource', ruleVersion: 2 });
      expect(['image', 'iframe', 'script']).toContain(e.fetch?.dest);
    }
    expect(new Set(pixelEvents.map((e) => e.fetch?.dest))).toEqual(new Set(['image', 'iframe', 'script']));

    // One guest clicks the visible link: a top-level navigation started by the user.
    const guest = await visitor('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1');
    const page = await guest.newPage();
    await page.goto(pageUrl, { waitUntil: 'load' });
    // The destination is outside the sandbox (the browser follows the redirect itself, past any route): the 302 is what counts.
    await Promise.all([page.waitForResponse((r) => r.url() === `${refBase}/ref/smallgoods` && r.status() === 302), page.click('#real')]);
    await guest.close();
    const all = await recorded();
    const navigations = all.filter((e) => !e.bot.isBot);
    expect(navigations).toHaveLength(1);
    expect(navigations[0]!.fetch).toMatchObject({ mode: 'navigate', dest: 'document', user: true });

    // Through the real aggregate consumer, as the stream would deliver them.
    const handler = createAggregateHandler({ store: new DynamoRollupStore(dynamodb, { state: tables.state, events: tables.events }, { sleep: async () => {} }), generations: new RollupGenerations(dynamodb, tables.state, 0), telemetry });
    const result = await handler(streamEvent(all.map(insertRecord)));
    expect(result.batchItemFailures).toEqual([]);
    const [rollup] = await new RollupReader(dynamodb, tables.state, new RollupGenerations(dynamodb, tables.state, 0)).daily('smallgoods' as VendorCode, day, day);
    // The guest loaded the page too, so its pixel, iframe and script are bot clicks as well.
    expect(rollup).toMatchObject({ clicks: all.length, botClicks: all.length - 1, qualifiedClicks: 1 });
  }, 180_000);
});
