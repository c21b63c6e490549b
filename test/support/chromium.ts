/**
 * Real headless Chromium for the browser tests: Debian's `chromium` package, driven by
 * playwright-core (which downloads no browser of its own). When /usr/bin/chromium is missing
 * the tests install it with apt, the same line CI runs:
 *   command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Chromium with apt if it is not there yet (one installer at a time across test workers). */
export async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  const lock = join(tmpdir(), 'reftrack-chromium-install.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(CHROMIUM)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for another process installing Chromium (lock ${lock})`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  try {
    if (existsSync(CHROMIUM)) return;
    if (process.getuid?.() !== 0) throw new Error(`Chromium is missing at ${CHROMIUM} and this user cannot install it; run as root: ${INSTALL}`);
    execFileSync('sh', ['-c', INSTALL], { stdio: 'inherit', timeout: 10 * 60_000 });
    if (!existsSync(CHROMIUM)) throw new Error(`"${INSTALL}" finished but ${CHROMIUM} is still missing`);
  } finally {
    rmdirSync(lock);
  }
}

/** A fresh headless browser (playwright gives every launch its own temporary profile). */
export async function launchChromium(): Promise<Browser> {
  await ensureChromium();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
