/** Valid ClickEvents for tests, built the way the redirect path builds them (day from the business zone). */
import { randomBytes } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulid';
import { businessDay } from '../../core/business-day.ts';
import { ClickEvent } from '../../core/click-event.ts';
import { networkHash, visitorHash } from '../../core/visitor.ts';

const nextUlid = monotonicFactory();
const KEY = 'test-visitor-hash-key-0123456789abcdef';

export interface ClickSpec {
  vendor?: string;
  at?: Date | string;
  /** Stands for ip + user agent: the same visitor string gives the same visitorHash on a day. */
  visitor?: string;
  bot?: boolean | 'prefetch';
  internal?: boolean;
  timeZone?: string;
  /** Stands for the guest's ip: clicks with the same network string share a networkHash (absent = a pre-network event). */
  network?: string;
  /** The User-Agent sent (default: a browser, or Googlebot for bots). */
  userAgent?: string;
  /** Sec-Fetch-Dest `image` etc.: a subresource load. */
  subresource?: boolean;
  placement?: string | null;
  refererHost?: string | null;
  country?: string | null;
}

export function click(spec: ClickSpec = {}): ClickEvent {
  const at = spec.at instanceof Date ? spec.at : new Date(spec.at ?? '2026-11-10T18:00:00.000Z');
  const day = businessDay(at, spec.timeZone ?? 'America/Los_Angeles');
  const vendor = spec.vendor ?? 'solare';
  const reason = spec.subresource ? 'subresource' : spec.bot === 'prefetch' ? 'prefetch' : spec.bot ? 'isbot' : 'human';
  return ClickEvent.parse({
    schemaVersion: 1,
    clickId: nextUlid(at.getTime()),
    vendorCode: vendor,
    vendorName: vendor[0]!.toUpperCase() + vendor.slice(1),
    ts: at.toISOString(),
    day,
    visitorHash: visitorHash(KEY, spec.visitor ?? `v-${Math.random()}`, 'ua', day),
    ...(spec.network === undefined ? {} : { networkHash: networkHash(KEY, spec.network, day) }),
    bot: { isBot: spec.subresource === true || (spec.bot !== undefined && spec.bot !== false), reason, ruleVersion: spec.subresource ? 2 : 1 },
    internal: spec.internal ?? false,
    userAgent: spec.userAgent ?? (spec.bot ? 'Googlebot/2.1' : 'Mozilla/5.0'),
    refererHost: spec.refererHost ?? null,
    country: spec.country === undefined ? 'US' : spec.country,
    placement: spec.placement ?? null,
    destination: `https://queenofsandiego.com/?utm_source=${vendor}`,
  });
}

/** A single realistic event with every field overridable (export tests). */
export function sampleClickEvent(overrides: Partial<Omit<ClickEvent, 'bot'>> & { bot?: ClickEvent['bot'] } = {}): ClickEvent {
  const ts = overrides.ts ?? '2026-11-25T18:30:00.123Z';
  return ClickEvent.parse({
    schemaVersion: 1,
    clickId: ulid(Date.parse(ts)),
    vendorCode: 'solare',
    vendorName: 'Solare Ristorante',
    ts,
    day: '2026-11-25',
    visitorHash: randomBytes(16).toString('hex'),
    bot: { isBot: false, reason: 'human', ruleVersion: 1 },
    internal: false,
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)',
    refererHost: 'l.instagram.com',
    country: 'US',
    placement: 'qr',
    destination: 'https://queenofsandiego.com/?utm_source=solare&utm_medium=referral',
    ...overrides,
  });
}
