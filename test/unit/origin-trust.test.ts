/**
 * An origin anyone can call (the local runtime, any public URL) lets a caller who bypasses
 * CloudFront send any CloudFront-* header: they are believed only when the request carries the
 * origin secret CloudFront adds. The deployed function URL answers CloudFront alone (Origin
 * Access Control), so there the headers are believed without a secret. A viewer address that
 * is not an IP address is never believed at all.
 */
import { describe, expect, it } from 'vitest';
import { CachedVendorDirectory } from '../../core/cached-vendor-directory.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { ORIGIN_VERIFY_HEADER, viewerAddress, viewerCountry } from '../../core/cloudfront-viewer.ts';
import { parseCidrs } from '../../core/internal-traffic.ts';
import { Vendor } from '../../core/vendor.ts';
import { networkHash } from '../../core/visitor.ts';
import { createRedirectApp } from '../../http/redirect-app.ts';
import { systemClock, ulidGenerator } from '../../adapters/clock.ts';
import { telemetry } from '../support/telemetry.ts';

const SECRET = 'origin-secret-0123456789abcdefghijklmnop';
const SOCKET_IP = '198.51.100.9';
const KEY = 'k'.repeat(32);
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function appWith(opts: { trust: boolean; secret?: string; originAccessControl?: boolean }) {
  const events: ClickEvent[] = [];
  const app = createRedirectApp({
    vendors: new CachedVendorDirectory({ list: async () => [Vendor.parse({ code: 'solare', name: 'Solare' })] }, systemClock, 3_600_000),
    clicks: { append: async (e) => (events.push(e), 'appended') },
    clock: systemClock,
    ids: ulidGenerator(),
    settings: { defaultDestination: 'https://queenofsandiego.com/', fallbackUrl: 'https://queenofsandiego.com/?f', timeZone: 'America/Los_Angeles', utmPreset: 'ga4', visitorHashKey: KEY, internalRanges: parseCidrs(['203.0.113.0/24']), writeBudgetMs: 1_000 },
    clientIp: () => SOCKET_IP,
    trustCloudFront: opts.trust,
    originSecret: opts.secret,
    ...(opts.originAccessControl !== undefined ? { originAccessControl: opts.originAccessControl } : {}),
    telemetry,
  });
  const click = async (headers: Record<string, string>) => {
    const res = await app.request('/ref/solare', { headers: { 'user-agent': CHROME, ...headers } });
    expect(res.status).toBe(302);
    return events.at(-1)!;
  };
  return { click, events };
}

const MADE_UP = ['192.0.2.1:443', '192.0.2.2:443', '2001:db8::1:443', '10.0.0.1:80', '203.0.113.7:1234', 'not-an-ip', '198.18.0.1:9'];

describe('CloudFront headers from a caller who bypasses CloudFront', () => {
  it('7 made-up viewer addresses without the secret: every click is the caller\'s own network, none internal, no country', async () => {
    const { click, events } = appWith({ trust: true, secret: SECRET });
    for (const address of MADE_UP) await click({ 'cloudfront-viewer-address': address, 'cloudfront-viewer-country': 'FR' });
    for (const wrong of ['', 'guess', SECRET.slice(0, -1), `${SECRET}x`]) await click({ 'cloudfront-viewer-address': '192.0.2.99:1', [ORIGIN_VERIFY_HEADER]: wrong });
    expect(events).toHaveLength(MADE_UP.length + 4);
    const caller = networkHash(KEY, SOCKET_IP, events[0]!.day);
    for (const e of events) {
      expect(e.networkHash).toBe(caller);
      expect(e.internal).toBe(false);
      expect(e.country).toBeNull();
    }
    // One network, one user agent: one visitor, however many addresses were claimed.
    expect(new Set(events.map((e) => e.visitorHash)).size).toBe(1);
  });

  it('with the secret, CloudFront\'s address and country are used; an address that is not an IP is ignored', async () => {
    const { click } = appWith({ trust: true, secret: SECRET });
    const viaCloudFront = await click({ [ORIGIN_VERIFY_HEADER]: SECRET, 'cloudfront-viewer-address': '203.0.113.7:46532', 'cloudfront-viewer-country': 'mx' });
    expect(viaCloudFront.internal).toBe(true);
    expect(viaCloudFront.country).toBe('MX');
    expect(viaCloudFront.networkHash).toBe(networkHash(KEY, '203.0.113.7', viaCloudFront.day));
    const v6 = await click({ [ORIGIN_VERIFY_HEADER]: SECRET, 'cloudfront-viewer-address': '2001:db8:1:2:3:4:5:6:443' });
    expect(v6.networkHash).toBe(networkHash(KEY, '2001:db8:1:2::99', v6.day)); // same /64
    const garbage = await click({ [ORIGIN_VERIFY_HEADER]: SECRET, 'cloudfront-viewer-address': 'not-an-ip' });
    expect(garbage.networkHash).toBe(networkHash(KEY, SOCKET_IP, garbage.day));
  });

  it('trust off: no CloudFront header is believed, secret or not; trust on without a configured secret: the same', async () => {
    for (const app of [appWith({ trust: false, secret: SECRET }), appWith({ trust: true })]) {
      const e = await app.click({ [ORIGIN_VERIFY_HEADER]: SECRET, 'cloudfront-viewer-address': '203.0.113.7:1', 'cloudfront-viewer-country': 'US' });
      expect(e.country).toBeNull();
      expect(e.internal).toBe(false);
      expect(e.networkHash).toBe(networkHash(KEY, SOCKET_IP, e.day));
    }
  });

  it('behind Origin Access Control (only CloudFront can call the origin), the headers are believed without a secret; an address that is not an IP still is not', async () => {
    const { click } = appWith({ trust: true, originAccessControl: true });
    const e = await click({ 'cloudfront-viewer-address': '203.0.113.7:46532', 'cloudfront-viewer-country': 'mx' });
    expect(e.internal).toBe(true);
    expect(e.country).toBe('MX');
    expect(e.networkHash).toBe(networkHash(KEY, '203.0.113.7', e.day));
    const garbage = await click({ 'cloudfront-viewer-address': 'not-an-ip' });
    expect(garbage.networkHash).toBe(networkHash(KEY, SOCKET_IP, garbage.day));
  });

  it('Origin Access Control without trust believes nothing', async () => {
    const e = await appWith({ trust: false, originAccessControl: true }).click({ 'cloudfront-viewer-address': '203.0.113.7:1', 'cloudfront-viewer-country': 'US' });
    expect(e.country).toBeNull();
    expect(e.networkHash).toBe(networkHash(KEY, SOCKET_IP, e.day));
  });

  it('parses CloudFront-Viewer-Address and -Country strictly', () => {
    expect(viewerAddress('203.0.113.7:46532')).toBe('203.0.113.7');
    expect(viewerAddress('2001:db8::1:443')).toBe('2001:db8::1');
    expect(viewerAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    for (const bad of [undefined, '', 'not-an-ip', 'not-an-ip:443', '203.0.113.7', '127.1:80', '0x7f.0.0.1:80', ':443', 'internal:1', '1.2.3.4:port', '999.1.1.1:1']) expect(viewerAddress(bad), String(bad)).toBeUndefined();
    expect(viewerCountry('us')).toBe('US');
    for (const bad of [undefined, '', 'USA', '<b>', 'U1']) expect(viewerCountry(bad)).toBeNull();
  });
});
