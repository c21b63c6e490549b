/**
 * A booking from the guest's click to the vendor's statement, as a user runs it: `npm start`,
 * a click on /ref/solare, the ref_cid from the landing URL, a signed booking report from the
 * "booking system", another from the CLI, a cancellation, then `reftrack payouts` from the export.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { businessDay } from '../../core/business-day.ts';
import { signConversion } from '../../core/conversion-signature.ts';
import { localPorts, startLocalRuntime } from '../support/local-runtime.ts';

const run = promisify(execFile);
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

async function eventually(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('bookings end to end (npm start, signed API, CLI, payouts from the export)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reftrack-bookings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a booking made after a click on /ref/solare earns Solare its commission, less the cancelled one', async () => {
    const runtime = await startLocalRuntime(join(dir, 'data'), await localPorts(), { LOCAL_FIREHOSE_INTERVAL_SECONDS: '1' });
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { env: runtime.env, timeout: 60_000 });
    try {
      // A browser's navigation (fetch() would always say Sec-Fetch-Mode: cors: a subresource, never paid).
      const res = await request(`${runtime.baseUrl}/ref/solare`, { headers: { 'user-agent': CHROME, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
      await res.body.dump();
      expect(res.statusCode).toBe(302);
      const refCid = new URL(String(res.headers.location)).searchParams.get('ref_cid')!;
      expect(refCid).toMatch(/^[0-9A-Z]{26}$/);

      const { conversionSecret } = JSON.parse(readFileSync(join(dir, 'data', 'secrets.json'), 'utf8')) as { conversionSecret: string };
      const now = new Date();
      const post = (report: Record<string, unknown>, secret = conversionSecret) => {
        const body = JSON.stringify(report);
        const ts = Math.floor(Date.now() / 1000);
        return fetch(`${runtime.baseUrl}/api/v1/conversions`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'X-Reftrack-Timestamp': String(ts), 'X-Reftrack-Signature': signConversion(secret, ts, body) } });
      };
      const booking = { bookingId: 'JADA-1001', refCid, valueCents: 150_000, currency: 'USD', bookedAt: now.toISOString(), tripDate: businessDay(now, 'America/Los_Angeles'), status: 'booked' };
      expect((await post(booking, 'not-the-secret-0123456789abcdef0123')).status).toBe(401);
      expect((await post(booking)).status).toBe(201);
      expect((await post(booking)).status).toBe(200);

      // A second booking from the command line, then its cancellation: it nets to nothing.
      const added = await cli('conversions', 'add', '--booking-id', 'JADA-1002', '--ref-cid', refCid, '--value-cents', '90000', '--currency', 'USD', '--booked-at', now.toISOString(), '--trip-date', booking.tripDate);
      expect(added.stdout).toMatch(/JADA-1002\s+booked\s+stored\s+solare/);
      const csv = join(dir, 'cancel.csv');
      writeFileSync(csv, `bookingId,refCid,valueCents,currency,bookedAt,tripDate,status\nJADA-1002,none,90000,USD,${now.toISOString()},${booking.tripDate},cancelled\n`);
      expect((await cli('conversions', 'import', csv)).stdout).toContain('1 stored');

      const month = businessDay(now, 'America/Los_Angeles').slice(0, 7);
      const exports = join(dir, 'data', 's3', 'reftrack-exports');
      const rules = join(dir, 'rules.json');
      writeFileSync(rules, JSON.stringify({ currency: 'USD', vendors: { solare: { rateCents: 50, commission: { basisPoints: 1000 } } } }));
      const out = join(dir, 'payouts');
      await eventually('the conversions in the export', async () => {
        await cli('payouts', '--month', month, '--rules', rules, '--exports', exports, '--out', out).catch(() => undefined);
        try {
          return readFileSync(join(out, 'bookings', 'solare.csv'), 'utf8').split('\n').filter(Boolean).length === 3;
        } catch {
          return false;
        }
      });
      const lines = readFileSync(join(out, 'bookings', 'solare.csv'), 'utf8').trim().split('\n');
      expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual([
        ['JADA-1001', 'paid', refCid],
        ['JADA-1002', 'reversed-before-payment', refCid],
      ]);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { vendors: Array<{ code: string; bookings: number; commissionCents: number; qualifiedClicks: number; amountCents: number }> };
      const solare = summary.vendors.find((v) => v.code === 'solare')!;
      // 10% of 1,500.00 plus one qualified click at 0.50.
      expect(solare).toMatchObject({ bookings: 1, commissionCents: 15_000, qualifiedClicks: 1, amountCents: 15_050 });
    } finally {
      await runtime.stop();
    }
  }, 180_000);
});
