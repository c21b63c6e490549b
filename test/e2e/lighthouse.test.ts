/**
 * Lighthouse (performance, accessibility, best practices, SEO) on the overview, a vendor page
 * and a vendor's private portal page, desktop and mobile, against `npm start` in Debian's
 * Chromium: every category must score at least 95. Lighthouse attaches to a browser the test
 * signed in first (the token in localStorage, kept with disableStorageReset), so it measures
 * the pages as an analyst (or the vendor, with their link) opens them again.
 *
 * Two things keep the performance score a property of the page rather than of the machine:
 *  - CPU calibration, as Lighthouse's throttling guide prescribes: mobile's 4x CPU slowdown
 *    assumes a host as fast as Lighthouse's reference (BenchmarkIndex ~1,500). On a slower or
 *    busier host the same 4x emulates a much slower phone than the Moto G Power Lighthouse
 *    targets, so the multiplier follows the host's measured BenchmarkIndex with the Lighthouse
 *    CPU throttling calculator's mapping (1,533 → 4x, 1,300 → 3x, 800 → 2x, 150 → 1x), never
 *    above Lighthouse's default of 4x. Desktop runs without CPU slowdown, as Lighthouse's preset does.
 *  - Run-to-run variance (Lighthouse's variability guide: the median of five runs): a page's
 *    performance is the median of five runs, stopping as soon as three agree on pass or fail.
 * The other categories do not depend on timing: every run must reach 95 in each.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse, { type Config } from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { throttling } from 'lighthouse/core/config/constants.js';
import { pageFunctions } from 'lighthouse/core/lib/page-functions.js';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.ts';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from '../support/chromium.ts';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-runtime.ts';

const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const MIN_SCORE = 0.95;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

let stack: DashboardStack;
let context: BrowserContext;
let port: number;
let portalLink: string;

/** The Lighthouse CPU throttling calculator's multiplier for a host's BenchmarkIndex, capped at the default 4x. */
export function cpuSlowdownFor(benchmarkIndex: number): number {
  const m = benchmarkIndex >= 1300 ? 3 + (benchmarkIndex - 1300) / 233 : benchmarkIndex >= 800 ? 2 + (benchmarkIndex - 800) / 500 : 1 + (benchmarkIndex - 150) / 650;
  return Math.round(Math.min(4, Math.max(1, m)) * 100) / 100;
}

/** The host's BenchmarkIndex right now, measured the way Lighthouse measures it (its own page function), median of three. */
async function benchmarkIndex(): Promise<number> {
  const page = await context.newPage();
  try {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await page.evaluate(`(${pageFunctions.computeBenchmarkIndex.toString()})()`));
    return runs.sort((a, b) => a - b)[1]!;
  } finally {
    await page.close();
  }
}

async function mobileConfig(): Promise<{ config: Config; index: number; multiplier: number }> {
  const index = await benchmarkIndex();
  const multiplier = cpuSlowdownFor(index);
  return { config: { extends: 'lighthouse:default', settings: { throttling: { ...throttling.mobileSlow4G, cpuSlowdownMultiplier: multiplier } } }, index, multiplier };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureChromium();
  port = await freePort();
  [stack, context] = await Promise.all([
    startDashboardStack(),
    chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'reftrack-lighthouse-')), { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`] }),
  ]);
  // A click, so the pages have numbers; then sign in once, the way an analyst does.
  await fetch(`${stack.baseUrl}/ref/solare`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36' } });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${stack.baseUrl}/#token=${stack.token}`);
  await page.waitForSelector('#vendors-table tbody tr', { timeout: 60_000 });
  // The vendor's private link, as `reftrack portal link` prints it.
  portalLink = (await stack.cli('portal', 'link', '--vendor', 'solare')).trim();
  expect(portalLink).toMatch(/\/portal#key=/);
}, 600_000);

afterAll(async () => {
  await context?.close();
  expect(await stack?.stop()).toBe(0);
});

describe('Lighthouse scores at least 95 in every category', () => {
  for (const [name, url] of [
    ['overview', () => `${stack.baseUrl}/#/`],
    ['vendor', () => `${stack.baseUrl}/#/vendor/solare`],
    ['portal', () => portalLink],
  ] as const) {
    for (const form of ['desktop', 'mobile'] as const) {
      it(`${name} on ${form}`, async () => {
        const runs: Array<{ performance: number; note: string }> = [];
        const passes = () => runs.filter((r) => r.performance >= MIN_SCORE).length;
        while (passes() < 3 && runs.length - passes() < 3) {
          const mobile = form === 'mobile' ? await mobileConfig() : undefined;
          const result = await lighthouse(url(), { port, output: 'json', logLevel: 'error', disableStorageReset: true, onlyCategories: CATEGORIES }, mobile?.config ?? desktopConfig);
          const lhr = result!.lhr;
          writeFileSync(join(ARTIFACTS, `lighthouse-${name}-${form}${runs.length ? `-${runs.length + 1}` : ''}.json`), JSON.stringify(lhr));
          expect(lhr.runtimeError, JSON.stringify(lhr.runtimeError)).toBeUndefined();
          const failing = Object.values(lhr.audits)
            .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
            .map((a) => `${a.id}: ${a.displayValue ?? a.score}`);
          for (const id of CATEGORIES.filter((c) => c !== 'performance')) expect(lhr.categories[id]!.score, `${name} ${form} ${id} (${failing.join('; ')})`).toBeGreaterThanOrEqual(MIN_SCORE);
          const cpu = mobile ? `BenchmarkIndex ${mobile.index}, CPU ${mobile.multiplier}x` : `BenchmarkIndex ${lhr.environment.benchmarkIndex}`;
          runs.push({ performance: lhr.categories.performance!.score!, note: `${lhr.categories.performance!.score} (${cpu}; ${failing.join('; ')})` });
        }
        // The median of five runs is at least 95 exactly when three of them are.
        expect(passes(), `${name} ${form} performance, runs: ${runs.map((r) => r.note).join(' | ')}`).toBeGreaterThanOrEqual(3);
      }, 600_000);
    }
  }
});
