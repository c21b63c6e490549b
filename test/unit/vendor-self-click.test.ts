/**
 * Vendors do not pay themselves: every link in the outreach e-mail opens the vendor preview,
 * which redirects like a guest's click but records nothing. The link the e-mail prints for
 * sharing is the plain referral link, and a guest following that one is counted.
 */
import { describe, expect, it } from 'vitest';
import { CachedVendorDirectory } from '../../core/cached-vendor-directory.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { parseCidrs } from '../../core/internal-traffic.ts';
import { buildOutreachKit } from '../../core/outreach/outreach-kit.ts';
import { Vendor } from '../../core/vendor.ts';
import { createRedirectApp } from '../../http/redirect-app.ts';
import { systemClock, ulidGenerator } from '../../adapters/clock.ts';
import { telemetry } from '../support/telemetry.ts';

const BASE = 'https://go.example.com';
const vendor = Vendor.parse({ code: 'boardbrew', name: 'Board & Brew' });
const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const navigation = { 'user-agent': CHROME, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-user': '?1', 'sec-fetch-site': 'cross-site' };

describe('the vendor opening their own outreach e-mail', () => {
  it('every /ref link in the e-mail redirects to the destination and records no click; the printed link counts', async () => {
    const events: ClickEvent[] = [];
    const app = createRedirectApp({
      vendors: new CachedVendorDirectory({ list: async () => [vendor] }, systemClock, 3_600_000),
      clicks: { append: async (e) => (events.push(e), 'appended') },
      clock: systemClock,
      ids: ulidGenerator(),
      settings: { defaultDestination: 'https://queenofsandiego.com/', fallbackUrl: 'https://queenofsandiego.com/?f', timeZone: 'America/Los_Angeles', utmPreset: 'ga4', visitorHashKey: 'k'.repeat(32), internalRanges: parseCidrs([]), writeBudgetMs: 1_000 },
      clientIp: () => '198.51.100.20',
      trustCloudFront: false,
      telemetry,
    });
    const kit = await buildOutreachKit(vendor, { publicBaseUrl: BASE, qrBaseUrl: `${BASE}/outreach/qr`, brandName: 'Queen of San Diego' });
    const hrefs = [...kit.email.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')).filter((h) => h.startsWith(`${BASE}/ref/`));
    expect(hrefs.length).toBeGreaterThanOrEqual(2); // the button and the printed link

    for (const href of hrefs) {
      const url = new URL(href);
      const res = await app.request(url.pathname + url.search, { headers: navigation });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin).toBe('https://queenofsandiego.com');
      expect(location.searchParams.get('utm_source')).toBe('boardbrew');
      expect(location.searchParams.has('ref_cid')).toBe(false);
    }
    expect(events).toEqual([]);

    // What the e-mail shows for sharing is the plain link, and a guest's click on it counts.
    expect(kit.email.html).toContain(`>${BASE}/ref/boardbrew</a>`);
    const guest = await app.request('/ref/boardbrew', { headers: navigation });
    expect(guest.status).toBe(302);
    expect(events).toHaveLength(1);
    expect(events[0]!.bot.isBot).toBe(false);
  });
});
