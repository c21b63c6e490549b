import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { DEFAULT_RULES, judgeUnit, unitId } from '../../core/qualification.ts';
import { COUNT_FIGURES, FIGURE_KEYS } from '../../core/rollup-figures.ts';
import { addFigures, planUnits, projectionId, recount, sumDays, zeroFilledDays, ZERO_FIGURES, judgedClick, type ProjectionDelta, type RollupFigures, type StoredUnit } from '../../core/rollup.ts';
import { click } from '../support/click-events.ts';

const get = (m: Map<string, ProjectionDelta>, scope: string, period: string) => m.get(projectionId(scope as never, period as never));
const rules = DEFAULT_RULES;

describe('recount', () => {
  it('counts clicks, bots, unique visitors and qualified clicks per vendor-day, total and all-vendors', () => {
    const events = [
      click({ vendor: 'solare', visitor: 'ann', at: '2026-11-10T18:00:00.000Z' }),
      click({ vendor: 'solare', visitor: 'ann', at: '2026-11-10T18:05:00.000Z' }), // repeat: not a new visitor, not qualified again
      click({ vendor: 'solare', visitor: 'bob', at: '2026-11-10T19:00:00.000Z', internal: true }), // staff: never qualified
      click({ vendor: 'solare', visitor: 'bot', at: '2026-11-10T17:00:00.000Z', bot: true }),
      click({ vendor: 'puesto', visitor: 'ann', at: '2026-11-10T20:00:00.000Z' }), // same guest, other vendor: counts there
      click({ vendor: 'solare', visitor: 'cat', at: '2026-11-11T18:00:00.000Z' }),
    ];
    const r = recount(events, rules);
    expect(get(r, 'solare', '2026-11-10')).toMatchObject({ clicks: 4, botClicks: 1, humanClicks: 3, uniqueVisitors: 3, qualifiedClicks: 1, internalClicks: 1, repeatVisitorClicks: 1, firstClickAt: '2026-11-10T17:00:00.000Z', lastClickAt: '2026-11-10T19:00:00.000Z' });
    expect(get(r, 'solare', '2026-11-11')).toMatchObject({ clicks: 1, uniqueVisitors: 1, qualifiedClicks: 1 });
    expect(get(r, 'solare', 'TOTAL')).toMatchObject({ clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 2, firstClickAt: '2026-11-10T17:00:00.000Z', lastClickAt: '2026-11-11T18:00:00.000Z' });
    expect(get(r, 'puesto', '2026-11-10')).toMatchObject({ clicks: 1, uniqueVisitors: 1, qualifiedClicks: 1 });
    expect(get(r, '*', '2026-11-10')).toMatchObject({ clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 2, lastClickAt: '2026-11-10T20:00:00.000Z' });
    expect(get(r, '*', 'TOTAL')).toMatchObject({ clicks: 6, uniqueVisitors: 5, qualifiedClicks: 3 });
    expect(r.size).toBe(8);
  });

  it('pays a visitor whose first click was a prefetch once, for the human click', () => {
    const r = recount([click({ visitor: 'dee', bot: 'prefetch', at: '2026-11-10T18:00:00.000Z' }), click({ visitor: 'dee', at: '2026-11-10T18:00:01.000Z' })], rules);
    expect(get(r, 'solare', '2026-11-10')).toMatchObject({ clicks: 2, botClicks: 1, humanClicks: 1, uniqueVisitors: 1, qualifiedClicks: 1 });
  });

  it('ignores a duplicated event and uses the stored day, not one recomputed from ts', () => {
    const e = click({ at: '2026-11-10T18:00:00.000Z' });
    const relabelled = { ...click({ at: '2026-11-10T18:00:01.000Z' }), day: '2026-12-01' };
    const r = recount([e, e, relabelled], rules);
    expect(get(r, 'solare', '2026-11-10')?.clicks).toBe(1);
    expect(get(r, 'solare', '2026-12-01')?.clicks).toBe(1);
  });
});

describe('qualification rules', () => {
  const minute = (m: number, s = 0) => new Date(Date.UTC(2026, 10, 10, 18, m, s));

  it('50 User-Agents from one address are 50 visitors but at most N paid clicks (network cap)', () => {
    const events = Array.from({ length: 50 }, (_, i) => click({ network: '203.0.113.7', visitor: `ua-${i}`, userAgent: `Mozilla/5.0 UA-${i}`, at: minute(i * 2) }));
    const day = get(recount(events, rules), 'solare', events[0]!.day)!;
    expect(day).toMatchObject({ clicks: 50, uniqueVisitors: 50, qualifiedClicks: 3, networkCapClicks: 47 });
    expect(get(recount(events, { ...rules, networkCap: 5 }), 'solare', events[0]!.day)?.qualifiedClicks).toBe(5);
  });

  it('a burst above the velocity limit is suspicious and not paid; the rest of the day still counts', () => {
    const burst = Array.from({ length: 11 }, (_, i) => click({ network: 'net-b', visitor: `b-${i}`, at: minute(5, i) }));
    const calm = click({ network: 'net-b', visitor: 'later', at: minute(30) });
    const day = get(recount([...burst, calm], rules), 'solare', calm.day)!;
    expect(day).toMatchObject({ clicks: 12, suspiciousClicks: 11, qualifiedClicks: 1 });
    // Exactly at the limit is not a burst.
    expect(get(recount(burst.slice(0, 10), rules), 'solare', calm.day)).toMatchObject({ suspiciousClicks: 0, qualifiedClicks: 3, networkCapClicks: 7 });
  });

  it('bot loads do not make a burst: a page full of hidden pixels cannot make its visitors\' real clicks unpaid', () => {
    const pixels = Array.from({ length: 30 }, (_, i) => click({ network: 'net-p', visitor: 'guest', at: minute(5, i), subresource: i % 2 === 0, bot: i % 2 === 1 }));
    const real = click({ network: 'net-p', visitor: 'guest', at: minute(5, 40) });
    expect(get(recount([...pixels, real], rules), 'solare', real.day)).toMatchObject({ clicks: 31, botClicks: 30, subresourceClicks: 15, suspiciousClicks: 0, qualifiedClicks: 1 });
  });

  it('subresource loads are excluded with their own reason; each verdict names its rule and version', () => {
    const pixel = click({ network: 'n1', visitor: 'p', subresource: true });
    const { verdicts, figures } = judgeUnit([judgedClick(pixel)], rules);
    expect(figures).toMatchObject({ clicks: 1, botClicks: 1, subresourceClicks: 1, qualifiedClicks: 0 });
    expect(verdicts[0]).toMatchObject({ outcome: 'subresource', rule: 'bot:subresource' });
    const { verdicts: v2 } = judgeUnit(Array.from({ length: 4 }, (_, i) => judgedClick(click({ network: 'n2', visitor: `x${i}`, at: minute(i * 3) }))), rules);
    expect(v2.map((v) => v.outcome)).toEqual(['qualified', 'qualified', 'qualified', 'network-cap']);
    expect(v2[3]!.rule).toMatch(/^network-cap 3\/day v\d+$/);
  });

  it('every click has exactly one outcome: the outcome columns add up to clicks', () => {
    const spec = fc.record({ network: fc.constantFrom('a', 'b'), visitor: fc.constantFrom('1', '2', '3', '4', '5'), m: fc.integer({ min: 0, max: 5 }), bot: fc.constantFrom<false | true | 'prefetch'>(false, false, true, 'prefetch'), internal: fc.boolean(), subresource: fc.boolean() });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 60 }), (specs) => {
        const events = specs.map((s) => click({ ...s, at: minute(s.m) }));
        for (const d of recount(events, rules).values()) {
          expect(d.qualifiedClicks + d.repeatVisitorClicks + d.networkCapClicks + d.suspiciousClicks + d.internalClicks).toBe(d.humanClicks);
          expect(d.botClicks + d.humanClicks).toBe(d.clicks);
          expect(d.subresourceClicks).toBeLessThanOrEqual(d.botClicks);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('judging is order-free: any permutation, any duplicates, the same verdicts', () => {
    const spec = fc.record({ visitor: fc.constantFrom('1', '2', '3', '4'), m: fc.integer({ min: 0, max: 3 }), s: fc.integer({ min: 0, max: 59 }), bot: fc.boolean(), internal: fc.boolean() });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 40 }), (specs, picks) => {
        const events = specs.map((s) => judgedClick(click({ ...s, network: 'one', at: minute(s.m, s.s) })));
        const shuffled = [...events].sort(() => 0).reverse().concat(picks.map((p) => events[p % events.length]!));
        expect(judgeUnit(shuffled, rules)).toEqual(judgeUnit(events, rules));
      }),
      { numRuns: 200 },
    );
  });
});

/** The store's loop in memory: units persist between deliveries, a delivery lands whole. */
function applyInDeliveries(deliveries: ClickEvent[][]): Map<string, RollupFigures> {
  const units = new Map<string, StoredUnit>();
  const items = new Map<string, RollupFigures>();
  for (const delivery of deliveries) {
    const plan = planUnits(delivery, units, rules, (e) => `${e.vendorCode}|${e.day}`);
    for (const w of plan.writes) units.set(w.unit, { clicks: w.clicks, figures: w.figures, version: w.expectedVersion + 1 });
    for (const d of plan.deltas) items.set(d.projection, addFigures(items.get(d.projection) ?? ZERO_FIGURES, d.delta));
  }
  return items;
}

describe('incremental application through units equals a recount', () => {
  it('for any click set delivered in any slices, with duplicates, bursts and redeliveries', () => {
    const clickArb = fc.record({
      vendor: fc.constantFrom('solare', 'puesto'),
      // Addresses, not names: the fixture hashes its network as an ip, and every non-address is the one network `unknown`.
      network: fc.constantFrom<string | undefined>(undefined, '198.51.100.1', '198.51.100.2'),
      visitor: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      minute: fc.oneof(fc.integer({ min: 0, max: 3 * 24 * 60 }), fc.constant(100)),
      bot: fc.constantFrom<false | true | 'prefetch'>(false, true, 'prefetch'),
      internal: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(clickArb, { minLength: 1, maxLength: 50 }), fc.array(fc.nat(), { maxLength: 30 }), (specs, cuts) => {
        const events = specs.map((s) => click({ ...s, ...(s.network ? { network: s.network } : {}), at: new Date(Date.UTC(2026, 10, 10) + s.minute * 60_000) }));
        const deliveries = cuts.map((c, i) => events.slice(c % events.length, (c % events.length) + 1 + (i % 7)));
        deliveries.push(events);
        const got = applyInDeliveries(deliveries);
        const want = [...recount(events, rules).values()].filter((d) => d.scope !== '*' && d.period !== 'TOTAL');
        expect(got.size).toBe(want.length);
        for (const w of want) {
          const g = got.get(`${w.scope}|${w.period}`)!;
          for (const k of FIGURE_KEYS) expect(g[k], `${w.scope} ${w.period} ${k}`).toBe(w[k]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a redelivery of applied clicks writes nothing', () => {
    const events = [click({ network: 'n', visitor: 'a' }), click({ network: 'n', visitor: 'b' })];
    const first = planUnits(events, new Map(), rules, () => 'p');
    const stored = new Map(first.writes.map((w) => [w.unit, { clicks: w.clicks, figures: w.figures, version: 1 }]));
    const again = planUnits(events, stored, rules, () => 'p');
    expect(again).toMatchObject({ writes: [], deltas: [], applied: 0, duplicates: 2 });
    expect(unitId(events[0]!)).toBe(unitId(events[1]!));
  });
});

describe('figures defined once', () => {
  it('every count figure has a distinct key and label', () => {
    expect(new Set(COUNT_FIGURES.map((f) => f.key)).size).toBe(COUNT_FIGURES.length);
    expect(new Set(COUNT_FIGURES.map((f) => f.label)).size).toBe(COUNT_FIGURES.length);
  });
});

describe('zero filling', () => {
  it('gives every day in the range, zeros where nothing was counted, sums shards of a day, and sums a total', () => {
    const shard = { scope: 'solare' as never, day: '2026-11-02' as BusinessDay, ...ZERO_FIGURES, clicks: 3, uniqueVisitors: 2, firstClickAt: '2026-11-02T10:00:00.000Z', lastClickAt: '2026-11-02T11:00:00.000Z' };
    const other = { ...shard, clicks: 1, uniqueVisitors: 1, firstClickAt: '2026-11-02T09:00:00.000Z' };
    const days = zeroFilledDays('solare' as never, '2026-10-31' as BusinessDay, '2026-11-03' as BusinessDay, [shard, other]);
    expect(days.map((d) => [d.day, d.clicks])).toEqual([['2026-10-31', 0], ['2026-11-01', 0], ['2026-11-02', 4], ['2026-11-03', 0]]);
    expect(sumDays('solare' as never, days)).toMatchObject({ clicks: 4, uniqueVisitors: 3, firstClickAt: '2026-11-02T09:00:00.000Z' });
  });
});
