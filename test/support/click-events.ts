/** Valid ClickEvents for tests, built the way the redirect path builds them (day from the business zone). */
import { monotonicFactory } from 'ulid';
import { businessDay } from '../../core/business-day.ts';
import { ClickEvent } from '../../core/click-event.ts';
import { visitorHash } from '../../core/visitor.ts';

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
}

export function click(spec: ClickSpec = {}): ClickEvent {
  const at = spec.at instanceof Date ? spec.at : new Date(spec.at ?? '2026-11-10T18:00:00.000Z');
  const day = businessDay(at, spec.timeZone ?? 'America/Los_Angeles');
  const vendor = spec.vendor ?? 'solare';
  const reason = spec.bot === 'prefetch' ? 'prefetch' : spec.bot ? 'isbot' : 'human';
  return ClickEvent.parse({
    schemaVersion: 1,
    clickId: nextUlid(at.getTime()),
    vendorCode: vendor,
    vendorName: vendor[0]!.toUpperCase() + vendor.slice(1),
    ts: at.toISOString(),
    day,
    visitorHash: visitorHash(KEY, spec.visitor ?? `v-${Math.random()}`, 'ua', day),
    bot: { isBot: spec.bot !== undefined && spec.bot !== false, reason, ruleVersion: 1 },
    internal: spec.internal ?? false,
    userAgent: spec.bot ? 'Googlebot/2.1' : 'Mozilla/5.0',
    refererHost: null,
    country: 'US',
    placement: null,
    destination: `https://queenofsandiego.com/?utm_source=${vendor}`,
  });
}
