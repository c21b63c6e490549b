/**
 * Analytics and the vendor portal in real headless Chromium against `npm start`: clicks made
 * by this test (a QR scan from a phone via Instagram, a shared-link click from a
 * desktop) show up in the breakdowns; the period picker and its comparison; CSV downloads;
 * a deep link surviving sign-in; the vendor's private page showing only its vendor, and
 * tampered, revoked and expired links refused. axe-core checks every page (WCAG 2.1 AA).
 * Screenshots at 375 and 1280 px go to test/artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuePortalToken } from '../../core/portal-credential.ts';
import { axeViolations } from '../support/a11y.ts';
import { launchChromium } from '../support/chromium.ts';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-runtime.ts';

const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const OTHER_VENDORS = ['smallgoods', 'puesto', 'boardbrew', 'wholefoods', 'totalwine', 'gbvintners', 'Small Goods', 'Puesto', 'Board & Brew', 'Whole Foods', 'Total Wine', 'GB Vintners'];

let stack: DashboardStack;
let browser: Browser;
let analyst: BrowserContext;
const pageErrors: string[] = [];

/** A guest's top-level navigation to the link, with exactly the headers given (the redirect is not followed). */
function guestClick(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${stack.baseUrl}${path}`, { headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(ARTIFACTS, `analytics-${name}.png`), fullPage: true });
}

async function expectAccessible(p: Page, what: string): Promise<void> {
  expect(await axeViolations(p), what).toEqual([]);
}

/** The machine is shared: a refresh can take seconds, so every wait is generous. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 200 });

const cellOf = (p: Page, table: string, row: string, field: string) => p.locator(`#${table} tbody tr[data-key="${row}"] [data-field="${field}"]`);

const cli = (...args: string[]) => stack.cli(...args);

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([startDashboardStack(), launchChromium()]);
  expect(await guestClick('/ref/solare?utm_content=qr', { 'user-agent': PHONE, referer: 'https://l.instagram.com/', 'cloudfront-viewer-country': 'MX' })).toBe(302);
  expect(await guestClick('/ref/solare', { 'user-agent': DESKTOP })).toBe(302);
  expect(await guestClick('/ref/puesto', { 'user-agent': DESKTOP })).toBe(302);
  analyst = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  analyst.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(e.message)));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  expect(await stack?.stop()).toBe(0);
});

describe('analytics in headless Chromium', { timeout: 180_000 }, () => {
  it('a deep link survives sign-in, and a second tab is signed in with its own view', async () => {
    const page = await analyst.newPage();
    await page.goto(`${stack.baseUrl}/#/vendor/solare?period=today`);
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Open the link printed by npm start');
    await page.goto(`${stack.baseUrl}/#token=${stack.token}`);
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Solare');
    expect(page.url()).toBe(`${stack.baseUrl}/#/vendor/solare?period=today`);
    const second = await analyst.newPage();
    await second.goto(`${stack.baseUrl}/#/vendor/puesto?period=last-7`);
    await poll(() => second.getByRole('heading', { level: 1 }).textContent()).toBe('Puesto');
    expect(await second.locator('#vendor-period-preset').inputValue()).toBe('last-7');
    await second.close();
    await page.close();
  });

  it("breakdowns match the test's clicks: placement qr, the referrer, the country header, a phone", async () => {
    const page = await analyst.newPage();
    await page.goto(`${stack.baseUrl}/#/vendor/solare?period=today`);
    await poll(() => cellOf(page, 'vendor-breakdowns-placement', 'qr', 'clicks').textContent()).toBe('1');
    expect(await cellOf(page, 'vendor-breakdowns-placement', 'qr', 'value').textContent()).toBe('QR counter card');
    expect(await cellOf(page, 'vendor-breakdowns-placement', 'qr', 'qualifiedClicks').textContent()).toBe('1');
    expect(await cellOf(page, 'vendor-breakdowns-placement', 'link', 'clicks').textContent()).toBe('1');
    expect(await cellOf(page, 'vendor-breakdowns-referrer', 'l.instagram.com', 'clicks').textContent()).toBe('1');
    expect(await cellOf(page, 'vendor-breakdowns-referrer', '(direct)', 'clicks').textContent()).toBe('1');
    // Country: the CloudFront header is only trusted behind the distribution, so locally every click is "(unknown)"
    // (country values from events are checked in test/integration/breakdowns-api.test.ts).
    expect(await cellOf(page, 'vendor-breakdowns-country', '(unknown)', 'clicks').textContent()).toBe('2');
    expect(await cellOf(page, 'vendor-breakdowns-device', 'phone', 'clicks').textContent()).toBe('1');
    expect(await cellOf(page, 'vendor-breakdowns-device', 'desktop', 'clicks').textContent()).toBe('1');
    expect(await cellOf(page, 'vendor-breakdowns-reason', 'qualified', 'clicks').textContent()).toBe('2');
    // Puesto's click is not solare's.
    expect(await page.locator('#vendor-breakdowns-placement tfoot [data-label="Clicks"]').textContent()).toBe('2');
    await shot(page, 'vendor-solare-1280');
    await expectAccessible(page, 'vendor page');

    // Sort by any column: the referrer table by its value, ascending.
    await page.locator('#vendor-breakdowns-referrer thead button', { hasText: 'Referrer' }).click();
    expect(await page.locator('#vendor-breakdowns-referrer thead th').first().getAttribute('aria-sort')).toBe('ascending');
    expect(await page.locator('#vendor-breakdowns-referrer tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(['(direct)', 'l.instagram.com']);

    // CSV download of the placement table: exactly the rows shown, with the previous period beside them.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#vendor-breakdowns-placement').locator('xpath=ancestor::div[contains(@class,"data-table")]').getByRole('button', { name: 'Download CSV' }).click()]);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' }).format(new Date());
    expect(download.suggestedFilename()).toBe(`breakdown-placement-solare-${today}-to-${today}.csv`);
    expect(readFileSync((await download.path())!, 'utf8').trim().split('\n')).toEqual([
      'Placement,Clicks,Qualified (paid),Clicks before,Qualified before,Qualified change',
      'link,1,1,0,0,',
      'qr,1,1,0,0,',
      'Total,2,2,0,0,',
    ]);
    await page.close();
  });

  it('period picker: yesterday compared with the day before, in the URL; a custom range; the skip link keeps the view', async () => {
    const page = await analyst.newPage();
    await page.goto(`${stack.baseUrl}/#/vendor/solare?period=today`);
    await poll(() => page.locator('.tile-clicks .tile-value').textContent()).toBe('2');
    await page.locator('#vendor-period-preset').focus();
    await page.locator('#vendor-period-preset').evaluate((el) => ((el as unknown as { marked: boolean }).marked = true));
    await page.locator('#vendor-period-preset').selectOption('yesterday');
    await poll(() => page.url()).toBe(`${stack.baseUrl}/#/vendor/solare?period=yesterday`);
    await poll(() => page.locator('.tile-clicks .tile-value').textContent()).toBe('0');
    // The page was updated in place, not rebuilt: the same picker, still focused.
    expect(await page.locator('#vendor-period-preset').evaluate((el) => (el as unknown as { marked?: boolean }).marked)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('vendor-period-preset');
    await page.locator('#vendor-period-preset').selectOption('today');
    await poll(() => page.locator('.tile-clicks .tile-change').textContent()).toBe('new vs 0 before');

    await page.locator('#vendor-period-preset').selectOption('custom');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' }).format(new Date());
    const weekAgo = new Date(Date.parse(`${today}T12:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#vendor-period-from').fill(weekAgo);
    await page.locator('#vendor-period-to').fill(today);
    await page.getByRole('button', { name: 'Show' }).click();
    await poll(() => page.url()).toBe(`${stack.baseUrl}/#/vendor/solare?from=${weekAgo}&to=${today}`);
    await poll(() => page.locator('#vendor-daily tbody tr').count()).toBe(7);
    expect(await page.locator('#vendor-period-summary').textContent()).toMatch(/\(7 days\), compared with/);

    // The skip link moves focus to the content and leaves the route alone.
    await page.locator('.skip-link').focus();
    await page.keyboard.press('Enter');
    expect(page.url()).toBe(`${stack.baseUrl}/#/vendor/solare?from=${weekAgo}&to=${today}`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.waitForTimeout(2500);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Solare');

    // "Which placement works best for Solare last month, compared with the month before?": two clicks from the overview.
    await page.goto(`${stack.baseUrl}/#/`);
    await page.locator('#vendors-table tbody tr[data-key="solare"] a').click();
    await page.locator('#vendor-period-preset').selectOption('last-month');
    await poll(() => page.locator('#vendor-breakdowns-placement caption').textContent()).toMatch(/^Placement, solare, .* vs /);
    await page.close();
  });

  it('overview: stacked chart, legend with the day, vendor table sortable, axe-clean at 1280 and 375 px', async () => {
    const page = await analyst.newPage();
    await page.goto(`${stack.baseUrl}/#/?period=today`);
    await poll(() => cellOf(page, 'vendors-table', 'solare', 'clicks').textContent()).toBe('2');
    await poll(() => page.locator('.chart-legend').textContent()).toMatch(/: 3 clicks, 3 qualified, 0 excluded$/);
    await page.getByRole('button', { name: 'Qualified vs excluded (stacked)' }).click();
    expect(await page.getByRole('button', { name: 'Qualified vs excluded (stacked)' }).getAttribute('aria-pressed')).toBe('true');
    await page.locator('#vendors-table thead button', { hasText: 'Clicks' }).first().click();
    expect(await page.locator('#vendors-table tbody tr').first().getAttribute('data-key')).toBe('solare');
    await shot(page, 'overview-1280');
    await expectAccessible(page, 'overview 1280');
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(300);
    // The vendor table fits a phone: no sideways scrolling, no cut column.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const region = page.locator('#vendors-table').locator('xpath=..');
    expect(await region.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await shot(page, 'overview-375');
    await expectAccessible(page, 'overview 375');
    await page.goto(`${stack.baseUrl}/#/outreach`);
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Outreach board');
    await page.waitForTimeout(1000);
    await expectAccessible(page, 'outreach board 375');
    await page.close();
  });
});

describe('the vendor portal in headless Chromium', { timeout: 180_000 }, () => {
  let link: string;
  beforeAll(async () => {
    link = (await cli('portal', 'link', '--vendor', 'solare')).trim();
  }, 120_000);

  it("shows only solare, on a phone, and no other vendor's data in any raw API answer", async () => {
    const vendor = await browser.newContext({ viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true, userAgent: PHONE });
    const page = await vendor.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const answers: string[] = [];
    page.on('response', async (r) => {
      if (r.url().includes('/portal/api/')) answers.push(`${r.url()} ${await r.text().catch(() => '')}`);
    });
    expect(link.startsWith(`${stack.baseUrl}/portal#key=`)).toBe(true);
    expect(link).not.toContain(stack.token);
    await page.goto(link);
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Solare');
    await poll(() => page.locator('.estimate-value').textContent()).not.toBe('–');
    await poll(() => cellOf(page, 'portal-breakdowns-placement', 'qr', 'clicks').textContent()).not.toBeNull();
    await page.locator('#portal-period-preset').selectOption('today');
    await poll(() => cellOf(page, 'portal-breakdowns-placement', 'qr', 'clicks').textContent()).toBe('1');
    expect(await cellOf(page, 'portal-breakdowns-reason', 'qualified', 'clicks').textContent()).toBe('2');
    expect(await page.locator('#estimate-title').textContent()).toMatch(/estimate/i);
    expect(await page.locator('#vendor-link').inputValue()).toBe(`${stack.baseUrl}/ref/solare`);
    const text = (await page.locator('body').textContent())!;
    for (const other of OTHER_VENDORS) expect(text, other).not.toContain(other);
    expect(answers.length).toBeGreaterThan(5);
    for (const a of answers) for (const other of OTHER_VENDORS) expect(a, a.slice(0, 80)).not.toContain(other);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'portal-375');
    await expectAccessible(page, 'portal 375');
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, 'portal-1280');
    await expectAccessible(page, 'portal 1280');
    await vendor.close();
  });

  it('refuses a tampered, an expired and a revoked link, showing no data', async () => {
    const vendor = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await vendor.newPage();
    const refused = async (url: string) => {
      await page.goto('about:blank');
      await page.goto(url);
      await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('This link does not work any more');
      expect(await page.locator('table').count()).toBe(0);
    };
    const key = link.split('#key=')[1]!;
    const [prefix, payload, sig] = key.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, v: 'puesto' })).toString('base64url');
    await refused(`${stack.baseUrl}/portal#key=${prefix}.${forged}.${sig}`);
    const { portalSigningKey } = JSON.parse(readFileSync(join(stack.env.REFTRACK_DATA_DIR!, 'secrets.json'), 'utf8'));
    const expired = issuePortalToken({ vendor: claims.v, epoch: claims.e, expiresAt: Math.floor(Date.now() / 1000) - 60 }, portalSigningKey);
    await refused(`${stack.baseUrl}/portal#key=${expired}`);
    await expectAccessible(page, 'refused portal page');
    await shot(page, 'portal-refused-375');
    await cli('portal', 'revoke', '--vendor', 'solare');
    await refused(link);
    await vendor.close();
  });

  it('raised no script error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
