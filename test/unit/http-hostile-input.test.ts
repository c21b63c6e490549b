/**
 * Property test over hostile requests to /ref/*: whatever arrives, the guest gets a redirect
 * to a configured place, no header carries raw input, and only real vendor codes make events.
 * The stores are in memory: this is about input handling, not I/O.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CachedVendorDirectory } from '../../core/cached-vendor-directory.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { parseCidrs } from '../../core/internal-traffic.ts';
import { Vendor } from '../../core/vendor.ts';
import { VENDOR_CODE_PATTERN } from '../../core/vendor-code.ts';
import { createRedirectApp } from '../../http/redirect-app.ts';
import { systemClock, ulidGenerator } from '../../adapters/clock.ts';
import { telemetry } from '../support/telemetry.ts';

const DEFAULT_DESTINATION = 'https://queenofsandiego.com/';
const FALLBACK = 'https://queenofsandiego.com/?from=fallback';
const vendors = [
  Vendor.parse({ code: 'solare', name: 'Solare' }),
  Vendor.parse({ code: 'boardbrew', name: 'Board & Brew', destination: 'https://queenofsandiego.com/book?boat=jada' }),
  Vendor.parse({ code: 'puesto', name: 'Puesto', status: 'paused' }),
];
const allowedTargets = new Set([DEFAULT_DESTINATION, 'https://queenofsandiego.com/book']);

const appended: ClickEvent[] = [];
const ORIGIN_SECRET = 'o'.repeat(40);
const app = createRedirectApp({
  vendors: new CachedVendorDirectory({ list: async () => vendors }, systemClock, 3_600_000),
  clicks: { append: async (e) => (appended.push(e), 'appended') },
  clock: systemClock,
  ids: ulidGenerator(),
  settings: { defaultDestination: DEFAULT_DESTINATION, fallbackUrl: FALLBACK, timeZone: 'America/Los_Angeles', utmPreset: 'ga4', visitorHashKey: 'k'.repeat(32), internalRanges: parseCidrs([]), writeBudgetMs: 1_000 },
  clientIp: () => '198.51.100.9',
  trustCloudFront: true,
  telemetry,
  originSecret: ORIGIN_SECRET,
});

const hostileChunk = fc.oneof(
  fc.constantFrom('solare', 'SOLARE', ' boardbrew', 'puesto', 'nosuch', '..', '%2e%2e', '%2E%2e%2f', '%0d%0aSet-Cookie:%20x=1', '%00', '%', '%zz', '%E2%80%AE', '%F0%9F%8D%B7', 'ſolare', 'javascript:alert(1)', '//evil.example', '\\evil', '?', '#', ';', '..%2f..%2fetc%2fpasswd'),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent),
  fc.integer({ min: 1_000, max: 8_192 }).map((n) => 'a'.repeat(n)),
);
const path = fc.array(hostileChunk, { minLength: 0, maxLength: 3 }).map((parts) => `/ref/${parts.join('/')}`);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?utm_content=javascript:alert(1)', '?next=https://evil.example/', '?url=//evil.example', '?utm_content=%0d%0aLocation:%20https://evil.example', '?utm_term=' + 'x'.repeat(5000), '?utm_content=qr&utm_content=other'),
  fc.string({ maxLength: 40 }).map((s) => `?utm_content=${encodeURIComponent(s)}&utm_term=${encodeURIComponent(s)}`),
);
const method = fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');
const headerValue = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 64 }).map((s) => s.replace(/[\r\n\0]/g, '')), fc.integer({ min: 4_000, max: 16_000 }).map((n) => 'M'.repeat(n)));
const headers = fc.record({
  'user-agent': fc.oneof(headerValue, fc.constantFrom('Mozilla/5.0\u001b[2J\u001b]0;x\u0007', 'Mozilla\u009b31m (X11)', '\u001b[31mcurl')),
  referer: fc.oneof(headerValue, fc.constantFrom('javascript:alert(1)', 'https://evil.example/x', 'not a url')),
  'cloudfront-viewer-country': fc.oneof(headerValue, fc.constantFrom('US', 'us', 'XXX', '<b>')),
  'cloudfront-viewer-address': fc.oneof(headerValue, fc.constantFrom('203.0.113.5:443', '[::1]:1', ':::', 'garbage')),
  'sec-purpose': fc.oneof(headerValue, fc.constant('prefetch')),
  'x-reftrack-origin-verify': fc.oneof(headerValue, fc.constant(ORIGIN_SECRET)),
});

describe('hostile input on /ref/*', () => {
  it('never a 5xx, never an unexpected Location, never an event for a malformed code', async () => {
    await fc.assert(
      fc.asyncProperty(path, query, method, headers, async (p, q, m, h) => {
        const before = appended.length;
        const init: RequestInit = { method: m, headers: Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string> };
        const res = await app.request(`${p}${q}`, init);
        expect(res.status).toBeLessThan(500);
        expect([302, 405]).toContain(res.status);
        for (const [name, value] of res.headers) {
          expect(value, name).not.toMatch(/[\r\n\0]/);
          expect(name).not.toBe('set-cookie');
        }
        if (res.status === 302) {
          const location = res.headers.get('location')!;
          if (location !== FALLBACK) {
            const url = new URL(location);
            expect(allowedTargets.has(url.origin + url.pathname), location).toBe(true);
            for (const [k, v] of url.searchParams) if (k.startsWith('utm_') || k === 'ref_cid') expect(v, k).toMatch(/^[a-z0-9._~-]+$|^[0-9A-Z]{26}$/);
          }
        }
        const made = appended.slice(before);
        expect(made.length).toBeLessThanOrEqual(1);
        for (const event of made) {
          expect(m).toBe('GET');
          expect(VENDOR_CODE_PATTERN.test(event.vendorCode)).toBe(true);
          expect(['solare', 'boardbrew']).toContain(event.vendorCode);
          expect(event.userAgent).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
          // A country is only ever CloudFront's, on a request that proved it came through CloudFront.
          if (event.country !== null) expect(h['x-reftrack-origin-verify']).toBe(ORIGIN_SECRET);
        }
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);
});
