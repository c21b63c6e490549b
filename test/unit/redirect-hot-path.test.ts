/**
 * The redirect's per-click shortcuts answer exactly as the work they skip: the business day
 * remembered per UTC minute, isbot's verdict remembered per user agent, click ids from pooled
 * randomness, and debug lines not built when debug is off.
 */
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { pooledRandom, ulidGenerator } from '../../adapters/clock.ts';
import { PowertoolsTelemetry } from '../../adapters/telemetry.ts';
import { classifyBot } from '../../core/bot.ts';
import { businessDay } from '../../core/business-day.ts';

const telemetryAt = (level: 'DEBUG' | 'INFO' | 'ERROR') =>
  new PowertoolsTelemetry({ POWERTOOLS_SERVICE_NAME: 'test', POWERTOOLS_LOG_LEVEL: level, POWERTOOLS_METRICS_NAMESPACE: 'Test', POWERTOOLS_METRICS_DISABLED: true });

describe('business day, remembered per UTC minute', () => {
  it('the last millisecond before local midnight and local midnight itself are different days, asked in either order', () => {
    const before = new Date('2026-12-01T07:59:59.999Z'); // 23:59:59.999 in Los Angeles (UTC-8)
    const midnight = new Date('2026-12-01T08:00:00.000Z');
    expect([businessDay(before, 'America/Los_Angeles'), businessDay(midnight, 'America/Los_Angeles'), businessDay(before, 'America/Los_Angeles')]).toEqual(['2026-11-30', '2026-12-01', '2026-11-30']);
  });

  it('the same minute asked for two zones gives each zone its own day', () => {
    const at = new Date('2026-12-01T03:00:30Z');
    expect([businessDay(at, 'UTC'), businessDay(at, 'America/Los_Angeles'), businessDay(at, 'UTC'), businessDay(at, 'Asia/Kolkata')]).toEqual(['2026-12-01', '2026-11-30', '2026-12-01', '2026-12-01']);
  });

  it('a half-hour zone (UTC+5:30) turns its day on the minute, and the DST night in Los Angeles keeps one day', () => {
    expect(businessDay(new Date('2026-11-30T18:29:59.999Z'), 'Asia/Kolkata')).toBe('2026-11-30');
    expect(businessDay(new Date('2026-11-30T18:30:00.000Z'), 'Asia/Kolkata')).toBe('2026-12-01');
    // 2026-11-01 01:59 PDT -> 01:00 PST: both hours are Nov 1.
    expect(['2026-11-01T08:59:00Z', '2026-11-01T09:30:00Z', '2026-11-02T07:59:59Z'].map((t) => businessDay(new Date(t), 'America/Los_Angeles'))).toEqual(['2026-11-01', '2026-11-01', '2026-11-01']);
  });
});

describe('isbot verdicts, remembered per user agent', () => {
  const human = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
  const crawler = 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)';

  it('a repeated user agent keeps its verdict, for people and crawlers alike', () => {
    for (let i = 0; i < 3; i++) {
      expect(classifyBot({ userAgent: human, purpose: undefined }).reason).toBe('human');
      expect(classifyBot({ userAgent: crawler, purpose: undefined }).reason).toBe('isbot');
    }
  });

  it('past the remembered limit (1,000 user agents) every verdict is still right', () => {
    const agents = Array.from({ length: 2_500 }, (_, i) => (i % 2 === 0 ? `${human} build/${i}` : `Mozilla/5.0 (compatible; CrawlerBot${i}/1.0)`));
    const reasons = [...agents, ...agents].map((userAgent) => classifyBot({ userAgent, purpose: undefined }).reason);
    expect(reasons.filter((r) => r === 'human')).toHaveLength(2_500);
    expect(reasons.filter((r) => r === 'isbot')).toHaveLength(2_500);
    expect(reasons.slice(0, 2)).toEqual(['human', 'isbot']);
  });
});

describe('click ids from pooled randomness', () => {
  it('pooledRandom gives numbers in [0, 1) and keeps going past its pool (refilled, not repeated)', () => {
    const next = pooledRandom(8);
    const values = Array.from({ length: 64 }, () => next());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(64);
    // Roughly uniform: each half of [0, 1) gets a fair share of 10,000 draws.
    const many = Array.from({ length: 10_000 }, () => next());
    const low = many.filter((v) => v < 0.5).length;
    expect(low).toBeGreaterThan(4_600);
    expect(low).toBeLessThan(5_400);
  });

  it('ids stay unique, sortable in order of creation and carry their instant, across several pool refills', () => {
    const ids = ulidGenerator();
    const at = new Date('2026-12-01T10:00:00.000Z');
    const made = Array.from({ length: 3_000 }, (_, i) => ids.clickId(new Date(at.getTime() + Math.floor(i / 500))));
    expect(new Set(made).size).toBe(3_000);
    expect([...made].sort()).toEqual(made);
    expect(made.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(decodeTime(made[2_999]!)).toBe(at.getTime() + 5);
    // Fresh milliseconds draw fresh random parts: no two of them share theirs.
    const randomParts = made.filter((_, i) => i % 500 === 0).map((id) => id.slice(10));
    expect(new Set(randomParts).size).toBe(randomParts.length);
  });
});

describe('debug lines', () => {
  it('the logger says debug is off at INFO and ERROR and on at DEBUG', () => {
    expect([telemetryAt('ERROR'), telemetryAt('INFO'), telemetryAt('DEBUG')].map((t) => t.logger.isDebugEnabled())).toEqual([false, false, true]);
  });
});
