import { describe, expect, it } from 'vitest';
import { CachedVendorDirectory, type VendorSource } from '../../core/cached-vendor-directory.ts';
import { StoreUnavailableError } from '../../core/errors.ts';
import { parseCidrs } from '../../core/internal-traffic.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { ClickEvent as ClickEventSchema } from '../../core/click-event.ts';
import { recordClick, type ClickRequest, type RedirectDeps } from '../../core/record-click.ts';
import { Vendor } from '../../core/vendor.ts';
import type { VendorCode } from '../../core/vendor-code.ts';

const vendors = [Vendor.parse({ code: 'solare', name: 'Solare' }), Vendor.parse({ code: 'puesto', name: 'Puesto', status: 'paused' })];
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function deps(overrides: { append?: (e: ClickEvent) => Promise<'appended'>; spill?: (e: ClickEvent) => Promise<void>; source?: VendorSource; now?: Date } = {}) {
  const appended: ClickEvent[] = [];
  const clock = { now: () => overrides.now ?? new Date('2026-11-25T20:00:00.000Z') };
  const d: RedirectDeps = {
    vendors: new CachedVendorDirectory(overrides.source ?? { list: async () => vendors }, clock, 60_000),
    clicks: { append: overrides.append ?? (async (e) => (appended.push(e), 'appended' as const)) },
    ...(overrides.spill ? { spill: { spill: overrides.spill } } : {}),
    clock,
    ids: { clickId: () => '01M89F3BDQJTPWEVZD4P6K8KVC' },
    settings: {
      defaultDestination: 'https://queenofsandiego.com/',
      fallbackUrl: 'https://queenofsandiego.com/?from=fallback',
      timeZone: 'America/Los_Angeles',
      utmPreset: 'ga4',
      visitorHashKey: 'k'.repeat(32),
      internalRanges: parseCidrs(['203.0.113.0/24']),
      writeBudgetMs: 100,
    },
  };
  return { d, appended };
}

const req = (over: Partial<ClickRequest> = {}): ClickRequest => ({
  rawCode: 'solare', method: 'GET', ip: '198.51.100.7', userAgent: CHROME, referer: undefined, purpose: undefined, country: undefined, utmContent: undefined, utmTerm: undefined, ...over,
});

describe('recordClick', () => {
  it('records a valid event and never stores the address', async () => {
    const { d, appended } = deps();
    const out = await recordClick(req({ country: 'us', referer: 'https://www.solare.example/x' }), d);
    expect(out.kind).toBe('recorded');
    expect(appended).toHaveLength(1);
    const event = ClickEventSchema.parse(appended[0]);
    expect(event).toMatchObject({ vendorCode: 'solare', day: '2026-11-25', country: 'US', refererHost: 'www.solare.example', internal: false });
    expect(JSON.stringify(event)).not.toContain('198.51.100.7');
  });

  it('records the network and the fetch metadata, so the fraud rules can be re-run on stored events', async () => {
    const { d, appended } = deps();
    await recordClick(req({ ip: '2001:db8:1:2::7', fetchMode: 'navigate', fetchDest: 'document', fetchSite: 'cross-site', fetchUser: '?1' }), d);
    await recordClick(req({ ip: '2001:db8:1:2::8', userAgent: `${CHROME} other` }), d);
    const [a, b] = appended.map((e) => ClickEventSchema.parse(e));
    expect(a!.fetch).toEqual({ mode: 'navigate', dest: 'document', site: 'cross-site', user: true });
    expect(a!.bot.reason).toBe('human');
    expect(b!.fetch).toBeNull();
    // Two addresses of one /64 with different browsers: two visitors, one network.
    expect(a!.networkHash).toBe(b!.networkHash);
    expect(a!.visitorHash).not.toBe(b!.visitorHash);
    expect(JSON.stringify(appended)).not.toContain('2001:db8');
  });

  it('an image pixel is recorded as a subresource bot click; hostile fetch tokens are dropped', async () => {
    const { d, appended } = deps();
    await recordClick(req({ fetchMode: 'no-cors', fetchDest: 'image', fetchSite: 'cross-site\r\nX: y' }), d);
    const event = ClickEventSchema.parse(appended[0]);
    expect(event.bot).toEqual({ isBot: true, reason: 'subresource', ruleVersion: 2 });
    expect(event.fetch).toEqual({ mode: 'no-cors', dest: 'image', site: null, user: false });
  });

  it('gives the same visitor the same hash on one day and a different one the next day', async () => {
    const { d, appended } = deps();
    await recordClick(req(), d);
    await recordClick(req(), d);
    const next = deps({ now: new Date('2026-11-26T20:00:00.000Z') });
    await recordClick(req(), next.d);
    expect(appended[0]!.visitorHash).toBe(appended[1]!.visitorHash);
    expect(next.appended[0]!.visitorHash).not.toBe(appended[0]!.visitorHash);
  });

  it('flags internal traffic from configured ranges', async () => {
    const { d, appended } = deps();
    await recordClick(req({ ip: '203.0.113.40' }), d);
    await recordClick(req({ ip: '::ffff:203.0.113.41' }), d);
    expect(appended.map((e) => e.internal)).toEqual([true, true]);
  });

  it('sends paused, unknown and malformed codes to the fallback without an event', async () => {
    const { d, appended } = deps();
    for (const [rawCode, reason] of [['puesto', 'paused'], ['nobody', 'unknown'], ['../etc', 'malformed']] as const) {
      expect(await recordClick(req({ rawCode }), d)).toMatchObject({ kind: 'orphan', reason, location: 'https://queenofsandiego.com/?from=fallback' });
    }
    expect(appended).toHaveLength(0);
  });

  it('HEAD is redirected but not counted', async () => {
    const { d, appended } = deps();
    const out = await recordClick(req({ method: 'HEAD' }), d);
    expect(out).toMatchObject({ kind: 'not-counted' });
    expect(out.location).not.toContain('ref_cid');
    expect(appended).toHaveLength(0);
  });

  it('a failing event log still redirects to the destination, with the event for recovery', async () => {
    const { d } = deps({ append: async () => { throw new StoreUnavailableError('down'); } });
    const out = await recordClick(req(), d);
    expect(out.kind).toBe('unrecorded');
    expect(out.location).toContain('utm_source=solare');
    if (out.kind === 'unrecorded') expect(out.event.vendorCode).toBe('solare');
  });

  it('keeps serving the last vendor list when a refresh fails, and orphans only when it never loaded', async () => {
    let fail = false;
    const clock = { now: () => new Date(Date.now() + (fail ? 3_600_000 : 0)) };
    const source = { list: async () => { if (fail) throw new StoreUnavailableError('down'); return vendors; } };
    const dir = new CachedVendorDirectory(source, clock, 1_000);
    expect(await dir.find('solare' as VendorCode)).toBeDefined();
    fail = true;
    expect(await dir.find('solare' as VendorCode)).toBeDefined();

    const cold = deps({ source: { list: async () => { throw new StoreUnavailableError('down'); } } });
    expect(await recordClick(req(), cold.d)).toMatchObject({ kind: 'orphan', reason: 'vendors-unavailable' });
  });

  it('spills a click whose append fails, or outlasts the write budget, and still redirects', async () => {
    const spilled: ClickEvent[] = [];
    const failing = deps({ append: async () => { throw new StoreUnavailableError('down'); }, spill: async (e) => void spilled.push(e) });
    expect(await recordClick(req(), failing.d)).toMatchObject({ kind: 'spilled', location: expect.stringContaining('utm_source=solare') });

    let landLate: () => void = () => {};
    const slow = deps({ append: () => new Promise((resolve) => (landLate = () => resolve('appended'))), spill: async (e) => void spilled.push(e) });
    const started = Date.now();
    expect(await recordClick(req(), slow.d)).toMatchObject({ kind: 'spilled' });
    expect(Date.now() - started).toBeLessThan(1_000);
    landLate();
    expect(spilled).toHaveLength(2);
    expect(spilled.map((e) => e.vendorCode)).toEqual(['solare', 'solare']);
  });

  it('when both the log and the spill fail, hands back the whole click for the recovery log line', async () => {
    // The line itself (written by the redirect app, read by `reftrack recover`) is tested in recovery.test.ts.
    const attempted: ClickEvent[] = [];
    const logDown = new StoreUnavailableError('event log down');
    const spillDown = new StoreUnavailableError('spill down');
    const { d } = deps({
      append: async (e) => { attempted.push(e); throw logDown; },
      spill: async (e) => { attempted.push(e); throw spillDown; },
    });
    const out = await recordClick(req(), d);
    expect(attempted).toHaveLength(2);
    expect(attempted[1]).toBe(attempted[0]);
    expect(out).toEqual({ kind: 'unrecorded', location: attempted[0]!.destination, event: attempted[0], cause: spillDown });
    expect(ClickEventSchema.parse(attempted[0])).toEqual(attempted[0]);
  });
});
