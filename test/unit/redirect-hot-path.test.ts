/**
 * The redirect's per-click shortcuts answer exactly as the work they skip: the business day
 * remembered per UTC minute, isbot's verdict remembered per user agent, click ids from pooled
 * randomness, debug lines not built when debug is off, a counted click's destination from its
 * vendor's template, IPv4 networks without parsing, and metrics handed to Powertools at flush.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { decodeTime, ulid } from 'ulid';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pooledRandom, ulidGenerator } from '../../adapters/clock.ts';
import { PowertoolsTelemetry } from '../../adapters/telemetry.ts';
import { classifyBot } from '../../core/bot.ts';
import { businessDay } from '../../core/business-day.ts';
import { buildDestination, clickDestination, type UtmPreset } from '../../core/destination.ts';
import { MetricName } from '../../core/metric-names.ts';
import { Vendor } from '../../core/vendor.ts';
import { networkOf } from '../../core/visitor.ts';

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

describe("a counted click's destination, from its vendor's template", () => {
  const token = fc.option(fc.stringMatching(/^[a-z0-9._~-]{1,12}$/), { nil: null });
  const destination = fc.constantFrom(
    undefined,
    'https://example.com/',
    'https://example.com/book?lang=en&utm_source=old',
    'https://example.com/a%20b/?ref_cid=EXISTING&x=1#top',
    'https://example.com/?q=ZZZZZZZZZZZZZZZZZZZZZZZZZZ',
    'https://example.com/#ref_cid=ZZZZZZZZZZZZZZZZZZZZZZZZZZ',
    'https://xn--caf-dma.example/menü?ä=ö',
  );
  const vendor = fc.record({ destination, utm: fc.option(fc.record({ utm_campaign: fc.constantFrom('winter', 'a b&c') }), { nil: undefined }) }).map(({ destination, utm }) =>
    Vendor.parse({ code: 'solare', name: 'Solare', ...(destination ? { destination } : {}), ...(utm ? { utm } : {}) }),
  );
  const clickId = fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }).map((t) => ulid(t)), fc.constantFrom('click-1', 'not a ulid', 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ'));

  it('is exactly the URL buildDestination makes, for any vendor, preset, placement, term and click id, asked any number of times', () => {
    fc.assert(
      fc.property(vendor, fc.constantFrom<UtmPreset>('ga4', 'seed'), token, token, fc.array(clickId, { minLength: 1, maxLength: 4 }), (v, preset, placement, term, ids) => {
        for (const id of ids) {
          const input = { vendor: v, defaultDestination: 'https://queenofsandiego.com/', preset, placement, term, clickId: id };
          expect(clickDestination(input)).toBe(buildDestination(input));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('past its limit per vendor (256 placements) every destination is still exact', () => {
    const v = Vendor.parse({ code: 'solare', name: 'Solare' });
    for (let i = 0; i < 600; i++) {
      const input = { vendor: v, defaultDestination: 'https://queenofsandiego.com/', preset: 'ga4' as const, placement: `p${i % 300}`, term: null, clickId: ulid() };
      expect(clickDestination(input)).toBe(buildDestination(input));
    }
  });
});

describe('networks of IPv4 addresses, without parsing', () => {
  it('every dotted-decimal IPv4 address is the network ipaddr would print for it', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(networkOf(ip)).toBe(ipaddr.parse(ip).toString());
      }),
      { numRuns: 2_000 },
    );
  });

  it('forms node does not call dotted decimal still go through ipaddr, as before', () => {
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('203.0.113.07')).toBe(ipaddr.isValid('203.0.113.07') ? ipaddr.parse('203.0.113.07').toString() : 'unknown');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });
});

describe('metrics, handed to Powertools at flush', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const emfLines = (run: (t: PowertoolsTelemetry) => void, disabled = false) => {
    const written: string[] = [];
    // As in a deployed function (the test run turns Powertools' metrics off for everything else).
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', String(disabled));
    const t = new PowertoolsTelemetry({ POWERTOOLS_SERVICE_NAME: 'redirect', POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_NAMESPACE: 'Test', POWERTOOLS_METRICS_DISABLED: disabled });
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    run(t);
    vi.restoreAllMocks();
    return written.flatMap((w) => w.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } });
  };

  it('one EMF line per flush with every count since the last one, nothing for a flush with nothing counted', () => {
    const lines = emfLines((t) => {
      t.count(MetricName.ClickRecorded);
      t.count(MetricName.BotClick);
      t.flush();
      t.flush();
      t.count(MetricName.ExportRecordSent, 7);
      t.flush();
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ [MetricName.ClickRecorded]: 1, [MetricName.BotClick]: 1, service: 'redirect' });
    expect(lines[0]!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name).sort()).toEqual([MetricName.BotClick, MetricName.ClickRecorded].sort());
    expect(lines[1]).toMatchObject({ [MetricName.ExportRecordSent]: 7 });
    expect(lines[1]).not.toHaveProperty(MetricName.ClickRecorded);
  });

  it('the same name counted twice before a flush is reported as Powertools reports it (both values)', () => {
    const [line] = emfLines((t) => {
      t.count(MetricName.OrphanVisit);
      t.count(MetricName.OrphanVisit);
      t.flush();
    });
    expect(line![MetricName.OrphanVisit]).toEqual([1, 1]);
  });

  it('with metrics disabled nothing is printed, however much is counted', () => {
    expect(
      emfLines((t) => {
        for (let i = 0; i < 150; i++) t.count(MetricName.ClickRecorded);
        t.flush();
      }, true),
    ).toEqual([]);
  });
});
