import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BREAKDOWN_DIMENSIONS, capBreakdown, deviceClass, DIMENSION_CAPS, OTHER_VALUE, recountBreakdowns, summarizeBreakdown, type DayBreakdown } from '../../core/breakdown.ts';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import { recount } from '../../core/rollup.ts';
import { click } from '../support/click-events.ts';

describe('breakdowns', () => {
  it('device class from the user agent; any bot verdict is a bot', () => {
    const d = (userAgent: string, isBot = false) => deviceClass({ userAgent, bot: { isBot, reason: isBot ? 'isbot' : 'human', ruleVersion: 1 } });
    expect(d('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148')).toBe('phone');
    expect(d('Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36')).toBe('phone');
    expect(d('Mozilla/5.0 (Linux; Android 13; SM-X710) Safari/537.36')).toBe('tablet');
    expect(d('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)')).toBe('tablet');
    expect(d('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0')).toBe('desktop');
    expect(d('Mozilla/5.0 (iPhone) Mobile', true)).toBe('bot');
  });

  it('property: every dimension of every scope-day adds up to the rollups (clicks and qualified)', () => {
    const spec = fc.record({
      vendor: fc.constantFrom('solare', 'puesto'),
      visitor: fc.constantFrom('a', 'b', 'c'),
      minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      bot: fc.constantFrom<false | true | 'prefetch'>(false, true, 'prefetch'),
      internal: fc.boolean(),
      placement: fc.constantFrom<string | null>('qr', 'email', null),
      refererHost: fc.constantFrom<string | null>('l.instagram.com', null),
    });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 60 }), (specs) => {
        const events = specs.map((s) => click({ ...s, at: new Date(Date.UTC(2026, 10, 10) + s.minute * 60_000) }));
        const rollups = recount(events, DEFAULT_RULES);
        for (const [key, dims] of recountBreakdowns(events)) {
          const r = rollups.get(key)!;
          for (const dim of BREAKDOWN_DIMENSIONS) {
            const values = [...(dims.get(dim)?.values() ?? [])];
            expect(values.reduce((n, c) => n + c.clicks, 0), `${key} ${dim}`).toBe(r.clicks);
            expect(values.reduce((n, c) => n + c.qualifiedClicks, 0), `${key} ${dim}`).toBe(r.qualifiedClicks);
          }
          // Counted-as: qualified ones are exactly the qualified clicks; bots split by verdict.
          expect(dims.get('reason')?.get('qualified')?.clicks ?? 0).toBe(r.qualifiedClicks);
        }
      }),
    );
  });

  it('the cap folds only new values into "other", busiest first; stored values keep their own count', () => {
    const delta: DayBreakdown = new Map([['referrer', new Map(Array.from({ length: DIMENSION_CAPS.referrer + 3 }, (_, i) => [`h${i}`, { clicks: i + 1, qualifiedClicks: 1 }]))]]);
    const stored = new Map([['referrer' as const, new Set(['h0', 'x1', 'x2'])]]);
    const capped = capBreakdown(delta, stored).get('referrer')!;
    expect(capped.get('h0')).toEqual({ clicks: 1, qualifiedClicks: 1 }); // already stored
    const own = [...capped.keys()].filter((k) => k !== OTHER_VALUE);
    expect(own).toHaveLength(1 + (DIMENSION_CAPS.referrer - 3));
    const total = [...capped.values()].reduce((n, c) => n + c.clicks, 0);
    expect(total).toBe([...delta.get('referrer')!.values()].reduce((n, c) => n + c.clicks, 0));
    expect(capped.has(`h${DIMENSION_CAPS.referrer + 2}`)).toBe(true); // the busiest new value got a place
  });

  it('a period keeps the top values and folds the rest into one "other" row, last', () => {
    const day = (entries: Array<[string, number]>) => new Map(entries.map(([v, n]) => [v, { clicks: n, qualifiedClicks: 0 }]));
    const rows = summarizeBreakdown([day([['a', 5], ['b', 1], [OTHER_VALUE, 2]]), day([['b', 3], ['c', 1]])], 2);
    expect(rows).toEqual([
      { value: 'a', clicks: 5, qualifiedClicks: 0 },
      { value: 'b', clicks: 4, qualifiedClicks: 0 },
      { value: OTHER_VALUE, clicks: 3, qualifiedClicks: 0 },
    ]);
  });
});
