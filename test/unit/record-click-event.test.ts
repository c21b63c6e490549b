/**
 * The click use case, answer by answer: the whole event it records and the whole outcome it
 * returns, for the guests finance pays and the ones it must not. The hashes are checked
 * against an independent HMAC computation, not against core/visitor.ts.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CachedVendorDirectory } from '../../core/cached-vendor-directory.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { StoreUnavailableError } from '../../core/errors.ts';
import { parseCidrs } from '../../core/internal-traffic.ts';
import { recordClick, WriteBudgetExceededError, type ClickRequest, type RedirectDeps } from '../../core/record-click.ts';
import { Vendor } from '../../core/vendor.ts';

const KEY = 'k'.repeat(32);
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const NOW = new Date('2026-11-25T20:00:00.000Z');
const CLICK_ID = '01M89F3BDQJTPWEVZD4P6K8KVC';
const hmac = (text: string) => createHmac('sha256', KEY).update(text).digest('base64url').slice(0, 22);

function setup(over: { append?: (e: ClickEvent) => Promise<'appended'>; spill?: (e: ClickEvent) => Promise<void>; ranges?: string[] } = {}) {
  const appended: ClickEvent[] = [];
  const clock = { now: () => NOW };
  const deps: RedirectDeps = {
    vendors: new CachedVendorDirectory({ list: async () => [Vendor.parse({ code: 'solare', name: 'Solare' }), Vendor.parse({ code: 'puesto', name: 'Puesto', status: 'paused' })] }, clock, 60_000),
    clicks: { append: over.append ?? (async (e) => (appended.push(e), 'appended' as const)) },
    ...(over.spill ? { spill: { spill: over.spill } } : {}),
    clock,
    ids: { clickId: (at) => (at === NOW ? CLICK_ID : 'WRONG-INSTANT') },
    settings: {
      defaultDestination: 'https://queenofsandiego.com/',
      fallbackUrl: 'https://queenofsandiego.com/?from=fallback',
      timeZone: 'America/Los_Angeles',
      utmPreset: 'ga4',
      visitorHashKey: KEY,
      internalRanges: parseCidrs(over.ranges ?? ['203.0.113.0/24', '192.0.2.0/25']),
      writeBudgetMs: 50,
    },
  };
  return { deps, appended };
}

const req = (over: Partial<ClickRequest> = {}): ClickRequest => ({
  rawCode: 'solare', method: 'GET', ip: '198.51.100.7', userAgent: CHROME, referer: undefined, purpose: undefined, country: undefined, utmContent: undefined, utmTerm: undefined, ...over,
});

const DESTINATION = `https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral&ref_cid=${CLICK_ID}`;

describe('the recorded event', () => {
  it('is exactly this for a guest from a phone with a referer, a country and a QR placement', async () => {
    const { deps, appended } = setup();
    const out = await recordClick(req({ referer: 'https://WWW.Solare.example/menu?x=1', country: 'us', utmContent: 'QR', utmTerm: ' Sunset ' }), deps);
    const event: ClickEvent = {
      schemaVersion: 1,
      clickId: CLICK_ID,
      vendorCode: 'solare' as never,
      vendorName: 'Solare',
      ts: '2026-11-25T20:00:00.000Z',
      day: '2026-11-25',
      visitorHash: hmac(`198.51.100.7\n${CHROME}\n2026-11-25`),
      networkHash: hmac('net\n198.51.100.7\n2026-11-25'),
      fetch: null,
      bot: { isBot: false, reason: 'human', ruleVersion: 2 },
      internal: false,
      userAgent: CHROME,
      refererHost: 'www.solare.example',
      country: 'US',
      placement: 'qr',
      destination: `https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral&utm_content=qr&utm_term=sunset&ref_cid=${CLICK_ID}`,
    };
    expect(appended).toEqual([event]);
    expect(out).toEqual({ kind: 'recorded', location: event.destination, event });
  });

  it('two guests with the same browser but different IPs are two visitors; the same guest again is one', async () => {
    const { deps, appended } = setup();
    await recordClick(req({ ip: '198.51.100.7' }), deps);
    await recordClick(req({ ip: '198.51.100.8' }), deps);
    await recordClick(req({ ip: '198.51.100.7' }), deps);
    const [a, b, again] = appended.map((e) => e.visitorHash);
    expect(a).not.toBe(b);
    expect(again).toBe(a);
    expect(b).toBe(hmac(`198.51.100.8\n${CHROME}\n2026-11-25`));
  });

  it('a guest whose address is unknown is hashed as "unknown", and its network too', async () => {
    const { deps, appended } = setup();
    await recordClick(req({ ip: undefined }), deps);
    expect(appended[0]!.visitorHash).toBe(hmac(`unknown\n${CHROME}\n2026-11-25`));
    expect(appended[0]!.networkHash).toBe(hmac('net\nunknown\n2026-11-25'));
    expect(appended[0]!.internal).toBe(false);
  });

  it('with two staff ranges a click in the second is internal; an IPv6 guest with only IPv4 ranges is not', async () => {
    const { deps, appended } = setup();
    await recordClick(req({ ip: '192.0.2.100' }), deps);
    await recordClick(req({ ip: '192.0.2.200' }), deps);
    await recordClick(req({ ip: '2001:db8::7' }), deps);
    expect(appended.map((e) => e.internal)).toEqual([true, false, false]);
  });

  it('keeps at most 256 characters of the user agent, and hashes what it keeps', async () => {
    const { deps, appended } = setup();
    const long = `Mozilla/5.0 ${'x'.repeat(400)}`;
    await recordClick(req({ userAgent: long }), deps);
    expect(appended[0]!.userAgent).toBe(long.slice(0, 256));
    expect(appended[0]!.visitorHash).toBe(hmac(`198.51.100.7\n${long.slice(0, 256)}\n2026-11-25`));
  });

  it('no user agent is recorded as an empty one, and is a bot', async () => {
    const { deps, appended } = setup();
    await recordClick(req({ userAgent: undefined }), deps);
    expect(appended[0]!.userAgent).toBe('');
    expect(appended[0]!.bot).toEqual({ isBot: true, reason: 'empty-user-agent', ruleVersion: 2 });
  });

  it('a referer is kept only as a plain host name; a country only as two letters', async () => {
    const { deps, appended } = setup();
    const cases: Array<[string | undefined, string | undefined]> = [
      [undefined, undefined],
      ['not a url', 'USA'],
      ['https://xn--sol-6ma.example/', 'u1'],
      ['https://[2001:db8::1]/x', ''],
      ['https://ex_ample.com/', 'Us'],
    ];
    for (const [referer, country] of cases) await recordClick(req({ referer, country }), deps);
    expect(appended.map((e) => [e.refererHost, e.country])).toEqual([
      [null, null],
      [null, null],
      ['xn--sol-6ma.example', null],
      [null, null],
      [null, 'US'],
    ]);
  });

  it('fetch metadata is kept as lower-case tokens, and decides whether it was a visit', async () => {
    const { deps, appended } = setup();
    await recordClick(req({ fetchMode: ' Navigate ', fetchDest: 'document', fetchSite: 'cross-site', fetchUser: '?1' }), deps);
    await recordClick(req({ fetchMode: 'no-cors', fetchDest: 'image', fetchSite: 'cross-site', fetchUser: undefined }), deps);
    await recordClick(req({ fetchMode: 'navigate;evil', fetchDest: 'x'.repeat(33), fetchSite: undefined, fetchUser: '?0' }), deps);
    await recordClick(req({ fetchUser: ' ?1 ' }), deps);
    await recordClick(req({ fetchSite: 'same-origin' }), deps);
    await recordClick(req({ fetchDest: 'document' }), deps);
    await recordClick(req({ fetchMode: 'navigate' }), deps);
    expect(appended.map((e) => [e.fetch, e.bot.reason])).toEqual([
      [{ mode: 'navigate', dest: 'document', site: 'cross-site', user: true }, 'human'],
      [{ mode: 'no-cors', dest: 'image', site: 'cross-site', user: false }, 'subresource'],
      [null, 'human'],
      [{ mode: null, dest: null, site: null, user: true }, 'human'],
      [{ mode: null, dest: null, site: 'same-origin', user: false }, 'human'],
      [{ mode: null, dest: 'document', site: null, user: false }, 'human'],
      [{ mode: 'navigate', dest: null, site: null, user: false }, 'human'],
    ]);
  });
});

describe('outcomes without an event', () => {
  it("the vendor's own preview goes to the destination without a click id and records nothing", async () => {
    const { deps, appended } = setup();
    expect(await recordClick(req({ vendorPreview: true }), deps)).toEqual({
      kind: 'not-counted', location: 'https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral', reason: 'vendor-preview',
    });
    expect(appended).toEqual([]);
  });

  it('paused, unknown and malformed codes go to the fallback, saying why', async () => {
    const { deps, appended } = setup();
    const fallback = 'https://queenofsandiego.com/?from=fallback';
    expect(await recordClick(req({ rawCode: 'puesto' }), deps)).toEqual({ kind: 'orphan', location: fallback, reason: 'paused', cause: undefined });
    expect(await recordClick(req({ rawCode: 'nobody' }), deps)).toEqual({ kind: 'orphan', location: fallback, reason: 'unknown', cause: undefined });
    expect(await recordClick(req({ rawCode: '../etc' }), deps)).toEqual({ kind: 'orphan', location: fallback, reason: 'malformed', cause: undefined });
    expect(await recordClick(req({ rawCode: ' SOLARE ' }), deps)).toEqual({ kind: 'recorded', location: DESTINATION, event: appended[0] });
    expect(appended).toHaveLength(1);
  });

  it('an unreachable vendor list is an orphan carrying the cause; an unexpected failure is not swallowed', async () => {
    const down = new StoreUnavailableError('state table down');
    const { deps } = setup();
    const broken = { ...deps, vendors: { find: async () => { throw down; } } };
    expect(await recordClick(req(), broken)).toEqual({ kind: 'orphan', location: 'https://queenofsandiego.com/?from=fallback', reason: 'vendors-unavailable', cause: down });
    const bug = { ...deps, vendors: { find: async () => { throw new TypeError('a bug'); } } };
    await expect(recordClick(req(), bug)).rejects.toThrow(TypeError);
  });

  it('HEAD goes to the destination without a click id and records nothing', async () => {
    const { deps, appended } = setup();
    expect(await recordClick(req({ method: 'HEAD', utmContent: 'qr' }), deps)).toEqual({
      kind: 'not-counted',
      reason: 'head',
      location: 'https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral&utm_content=qr',
    });
    expect(appended).toEqual([]);
  });
});

describe('when the event log fails', () => {
  it('a failed append is spilled with its cause; the guest still goes to the destination', async () => {
    const down = new StoreUnavailableError('event log down');
    const spilled: ClickEvent[] = [];
    const { deps } = setup({ append: async () => { throw down; }, spill: async (e) => void spilled.push(e) });
    const out = await recordClick(req(), deps);
    expect(out).toEqual({ kind: 'spilled', location: DESTINATION, event: spilled[0], cause: down });
  });

  it('an append slower than the budget is spilled with a WriteBudgetExceededError naming the budget', async () => {
    const spilled: ClickEvent[] = [];
    const { deps } = setup({ append: () => new Promise(() => {}), spill: async (e) => void spilled.push(e) });
    const out = await recordClick(req(), deps);
    expect(out.kind).toBe('spilled');
    const cause = (out as { cause: unknown }).cause;
    expect(cause).toBeInstanceOf(WriteBudgetExceededError);
    expect((cause as Error).message).toBe('event log took longer than 50 ms');
  });

  it('an append that finishes within the budget is recorded, not spilled', async () => {
    const spilled: ClickEvent[] = [];
    const { deps } = setup({ append: () => new Promise((resolve) => setTimeout(() => resolve('appended'), 5)), spill: async (e) => void spilled.push(e) });
    expect((await recordClick(req(), deps)).kind).toBe('recorded');
    expect(spilled).toEqual([]);
  });

  it('without a spill the click is unrecorded, carrying the append error', async () => {
    const down = new StoreUnavailableError('event log down');
    const { deps } = setup({ append: async () => { throw down; } });
    const out = await recordClick(req(), deps);
    expect(out).toEqual({ kind: 'unrecorded', location: DESTINATION, event: (out as { event: ClickEvent }).event, cause: down });
    expect((out as { event: ClickEvent }).event.clickId).toBe(CLICK_ID);
  });

  it('an unexpected failure of the log or the spill is not swallowed', async () => {
    await expect(recordClick(req(), setup({ append: async () => { throw new TypeError('bug in append'); } }).deps)).rejects.toThrow('bug in append');
    const failing = setup({ append: async () => { throw new StoreUnavailableError('down'); }, spill: async () => { throw new TypeError('bug in spill'); } });
    await expect(recordClick(req(), failing.deps)).rejects.toThrow('bug in spill');
  });
});
