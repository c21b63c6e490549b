/** Valid ClickEvents for tests: unique ids, overridable fields. */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { ClickEvent } from '../../core/click-event.ts';

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
