/**
 * The dashboard in real headless Chromium against `npm start`, as a user runs it: clicks go
 * through the redirect into DynamoDB Local, the aggregate consumer (fed by the local stream
 * poller) turns them into rollups, the analyst API serves them, and the page must show them
 * without a reload.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-runtime.ts';

const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SEVEN = ['solare', 'smallgoods', 'puesto', 'boardbrew', 'wholefoods', 'totalwine', 'gbvintners'];

/** The machine is shared: a refresh can take seconds, so every wait is generous. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 200 });

let stack: DashboardStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** A guest's click, as a browser's request to the link (the redirect is not followed). */
async function guestClick(code: string): Promise<void> {
  // node:http sends exactly these headers: a top-level navigation's fetch metadata, as a browser would.
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${stack.baseUrl}/ref/${code}`, { headers: { 'user-agent': CHROME_UA, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(302);
}

function clicksCell(p: Page, code: string) {
  return p.locator(`#vendors-table tr[data-key="${code}"] td[data-field="clicks"]`);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([startDashboardStack(), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    pageErrors.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  expect(await stack?.stop()).toBe(0);
});

describe('dashboard in headless Chromium', () => {
  it('without the token it says to open the link npm start prints; with a wrong one it says the token was refused', async () => {
    const bare = await context.newPage();
    await bare.goto(`${stack.baseUrl}/`);
    await poll(() => bare.getByRole('heading', { level: 1 }).textContent()).toBe('Open the link printed by npm start');
    await bare.goto(`${stack.baseUrl}/#token=not-the-token`);
    await bare.reload();
    await poll(() => bare.getByRole('heading', { level: 1 }).textContent()).toBe('The dashboard’s access token was not accepted');
    await shot(bare, 'no-token');
    await bare.close();
  });

  it('opens from the link npm start prints, forgets the token in the address bar and lists the seven vendors', async () => {
    const printed = stack.output().match(/dashboard\s+(http:\/\/\S+)/)?.[1];
    expect(printed).toBe(`${stack.baseUrl}/#token=${stack.token}`);
    await page.goto(printed!);
    await poll(() => page.locator('#vendors-table tbody tr').count()).toBe(7);
    expect(page.url()).toBe(`${stack.baseUrl}/#/`);
    expect(await page.evaluate(() => localStorage.getItem("reftrack.apiToken"))).toBe(stack.token);
    const codes = await page.locator('#vendors-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")));
    expect(codes.sort()).toEqual([...SEVEN].sort());
    // Data is text: the ampersand arrives as written, not as markup.
    expect(await page.locator('#vendors-table tr[data-key="boardbrew"] th a').textContent()).toBe('Board & Brew');
    // The chart is uPlot on a canvas, with a text alternative; it is drawn when it comes near the viewport.
    await page.locator('#overview-chart').scrollIntoViewIfNeeded();
    await poll(() => page.locator('#overview-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#overview-chart figcaption').textContent()).toMatch(/no clicks yet|clicks/);
    expect(await page.locator('#overview-chart [role="img"]').getAttribute('aria-labelledby')).toBe('overview-chart-title');
    // Header times are in the business zone, and say so.
    await poll(() => page.locator('#updated').textContent()).toMatch(/^updated \d\d:\d\d:\d\d America\/Los Angeles time$/);
    await shot(page, 'overview-empty');
  });

  it('says "stale since" once, however many polls fail, and recovers', async () => {
    const before = (await page.locator('#updated').textContent())!.replace(/^updated /, '');
    await page.route('**/api/v1/**', (route) => route.abort());
    await expect.poll(() => page.locator('#updated').textContent(), { timeout: 10_000 }).toMatch(/^stale since /);
    await page.waitForTimeout(4_500); // two more failed polls
    const stale = await page.locator('#updated').textContent();
    expect(stale).toMatch(/^stale since \d\d:\d\d:\d\d America\/Los Angeles time$/);
    expect(stale!.slice('stale since '.length) >= before).toBe(true);
    await page.unroute('**/api/v1/**');
    await expect.poll(() => page.locator('#updated').textContent(), { timeout: 10_000 }).toMatch(/^updated /);
  });

  it("shows solare's new click without a reload, keeping focus, and announces it", async () => {
    const before = Number(await clicksCell(page, 'solare').textContent());
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const link = page.locator('#vendors-table tr[data-key="boardbrew"] th a');
    await link.focus();

    await guestClick('solare');

    await poll(() => clicksCell(page, 'solare').textContent()).toBe(String(before + 1));
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Board & Brew');
    await poll(() => page.locator('#announcer').textContent()).toContain('Solare: 1 click');
    await poll(() => page.locator('.tile-clicks .tile-value').textContent()).toBe('1');
    await poll(() => page.locator('#overview-chart figcaption').textContent()).toContain('1 click, 1 qualified');
    await shot(page, 'overview-after-click');
  });

  it('shows vendor names as text, never as markup, and picks up a new vendor without a reload', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script> & Co';
    await stack.addVendor('hostile', hostile);
    const cell = page.locator('#vendors-table tr[data-key="hostile"] th a');
    await poll(() => cell.count()).toBe(1);
    expect(await cell.textContent()).toBe(hostile);
    expect(await page.locator('#vendors-table img, #vendors-table script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('vendor page: daily table, the link with a working copy button, QR downloads as PNG and SVG', async () => {
    await page.locator('#vendors-table tr[data-key="solare"] th a').click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Solare');
    expect(page.url()).toBe(`${stack.baseUrl}/#/vendor/solare`);
    // Keyboard users land on the new page's heading.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    const link = `${stack.baseUrl}/ref/solare`;
    await poll(() => page.locator('#vendor-link').inputValue()).toBe(link);
    await poll(() => page.locator('#vendor-daily tbody tr').count()).toBe(30);
    // Newest day first: today has solare's click.
    expect(await page.locator('#vendor-daily tbody tr').first().locator('td').first().textContent()).toBe('1');
    expect(await page.locator('#vendor-daily tfoot td').first().textContent()).toBe('1');

    await page.getByRole('button', { name: 'Copy link' }).click();
    await poll(() => page.locator('#copy-status').textContent()).toBe('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

    for (const [kind, magic] of [
      ['PNG', (b: Buffer) => b.subarray(1, 4).toString() === 'PNG'],
      ['SVG', (b: Buffer) => b.toString('utf8').includes('<svg')],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Download QR (${kind})` }).click()]);
      expect(download.suggestedFilename()).toBe(`solare-qr.${kind.toLowerCase()}`);
      expect(magic(readFileSync((await download.path())!))).toBe(true);
    }
    await shot(page, 'vendor-solare');

    await page.setViewportSize({ width: 375, height: 800 });
    await shot(page, 'vendor-solare-375');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('outreach board: approve boardbrew, the status persists after a reload; a refused move is shown on the card', async () => {
    await Promise.all([stack.addCard('boardbrew'), stack.addCard('puesto')]);
    await page.goto(`${stack.baseUrl}/#/outreach/boardbrew`);
    const card = page.locator('article.card[data-vendor="boardbrew"]');
    await poll(() => card.locator('.badge').textContent()).toBe('pending send');
    expect(await page.locator('#preview-iframe').getAttribute('title')).toBe('Outreach e-mail for Board & Brew');
    await poll(() => page.frameLocator('#preview-iframe').locator('body').textContent()).toContain('Board & Brew');

    await card.getByLabel('Note').fill('looks good');
    await page.getByRole('button', { name: 'Approve: Board & Brew' }).click();
    await poll(() => card.locator('.badge').textContent()).toBe('approved');
    expect(await card.locator('.card-meta').textContent()).toContain('“looks good”');
    expect(await page.getByRole('button', { name: 'Mark sent: Board & Brew' }).count()).toBe(1);

    await page.reload();
    await poll(() => page.locator('article.card[data-vendor="boardbrew"] .badge').textContent()).toBe('approved');
    await shot(page, 'outreach-board');

    // Someone else approves puesto first; our click on the stale button is refused and said so.
    const shown = await page.evaluate(async () => {
      const button = document.querySelector<HTMLButtonElement>('article.card[data-vendor="puesto"] button[data-to="approved"]')!;
      const res = await fetch('/api/v1/outreach/cards/puesto/status', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem("reftrack.apiToken")}` },
        body: JSON.stringify({ status: 'approved', note: null }),
      });
      button.click();
      return res.status;
    });
    expect(shown).toBe(200);
    const error = page.locator('article.card[data-vendor="puesto"] .card-error');
    await poll(() => error.textContent()).toContain('cannot go from approved to approved');
    expect(await error.getAttribute('role')).toBe('alert');
    // ...and the card then shows where it really is.
    await poll(() => page.locator('article.card[data-vendor="puesto"] .badge').textContent()).toBe('approved');
    await shot(page, 'outreach-board-error');

    await page.setViewportSize({ width: 375, height: 800 });
    await shot(page, 'outreach-board-375');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('/outreach#boardbrew renders the e-mail iframe at 375 px and 1280 px', async () => {
    for (const width of [375, 1280]) {
      const p = await context.newPage();
      await p.setViewportSize({ width, height: 900 });
      await p.goto(`${stack.baseUrl}/outreach#boardbrew`);
      const iframe = p.locator('#boardbrew iframe');
      const box = (await iframe.boundingBox())!;
      expect(box.width).toBeGreaterThan(width === 375 ? 300 : 600);
      expect(box.width).toBeLessThanOrEqual(width);
      const frame = p.frameLocator('#boardbrew iframe');
      await poll(() => frame.locator('body').textContent()).toContain('Board & Brew');
      expect(await frame.locator(`a[href^="${stack.baseUrl}/ref/boardbrew"]`).count()).toBeGreaterThan(0);
      // The e-mail fits the frame: no sideways scrolling on a phone.
      const overflow = await frame.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await iframe.scrollIntoViewIfNeeded();
      await p.screenshot({ path: join(ARTIFACTS, `outreach-boardbrew-${width}.png`) });
      await p.close();
    }
  });

  it('raised no script error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
