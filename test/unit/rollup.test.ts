import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import {
  addFigures,
  planApplication,
  projectionId,
  recount,
  sumDays,
  visitorId,
  zeroFilledDays,
  ZERO_FIGURES,
  type ProjectionDelta,
  type RollupFigures,
  type VisitorMark,
} from '../../core/rollup.ts';
import { click } from '../support/click-events.ts';

const get = (m: Map<string, ProjectionDelta>, scope: string, period: string) => m.get(projectionId(scope as never, period as never));

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
    const r = recount(events);
    expect(get(r, 'solare', '2026-11-10')).toMatchObject({ clicks: 4, botClicks: 1, humanClicks: 3, uniqueVisitors: 3, qualifiedClicks: 1, firstClickAt: '2026-11-10T17:00:00.000Z', lastClickAt: '2026-11-10T19:00:00.000Z' });
    expect(get(r, 'solare', '2026-11-11')).toMatchObject({ clicks: 1, uniqueVisitors: 1, qualifiedClicks: 1 });
    expect(get(r, 'solare', 'TOTAL')).toMatchObject({ clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 2, firstClickAt: '2026-11-10T17:00:00.000Z', lastClickAt: '2026-11-11T18:00:00.000Z' });
    expect(get(r, 'puesto', '2026-11-10')).toMatchObject({ clicks: 1, uniqueVisitors: 1, qualifiedClicks: 1 });
    expect(get(r, '*', '2026-11-10')).toMatchObject({ clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 2, lastClickAt: '2026-11-10T20:00:00.000Z' });
    expect(get(r, '*', 'TOTAL')).toMatchObject({ clicks: 6, uniqueVisitors: 5, qualifiedClicks: 3 });
    expect(r.size).toBe(8); // solare: 2 days + TOTAL; puesto: 1 day + TOTAL; *: 2 days + TOTAL
  });

  it('pays a visitor whose first click was a prefetch once, for the human click', () => {
    const r = recount([click({ visitor: 'dee', bot: 'prefetch', at: '2026-11-10T18:00:00.000Z' }), click({ visitor: 'dee', at: '2026-11-10T18:00:01.000Z' })]);
    expect(get(r, 'solare', '2026-11-10')).toMatchObject({ clicks: 2, botClicks: 1, humanClicks: 1, uniqueVisitors: 1, qualifiedClicks: 1 });
  });

  it('ignores a duplicated event and uses the stored day, not one recomputed from ts', () => {
    const e = click({ at: '2026-11-10T18:00:00.000Z' });
    const relabelled = { ...click({ at: '2026-11-10T18:00:01.000Z' }), day: '2026-12-01' };
    const r = recount([e, e, relabelled]);
    expect(get(r, 'solare', '2026-11-10')?.clicks).toBe(1);
    expect(get(r, 'solare', '2026-12-01')?.clicks).toBe(1);
  });
});

describe('planApplication against visitor marks', () => {
  it('a click whose mark names it is a duplicate; an existing unqualified visitor becomes qualified once', () => {
    const first = click({ visitor: 'eve', bot: 'prefetch' });
    const second = click({ visitor: 'eve' });
    const marks = new Map<string, VisitorMark>([[visitorId(first), { firstClickId: first.clickId, qualified: false }]]);
    const plan = planApplication([first, second], marks);
    expect(plan.duplicates).toEqual([first]);
    expect(plan.needClickMarker).toEqual([second]);
    expect(plan.visitorWrites).toEqual([{ kind: 'qualify', visitor: second, qualifiedClickId: second.clickId }]);
    const day = plan.deltas.find((d) => d.scope === 'solare' && d.period === second.day);
    expect(day).toMatchObject({ clicks: 1, uniqueVisitors: 0, qualifiedClicks: 1 });
  });

  it('a new visitor gets one mark (its first click) and click markers for the rest', () => {
    const a = click({ visitor: 'fay' });
    const b = click({ visitor: 'fay' });
    const plan = planApplication([b, a], new Map());
    expect(plan.viaVisitorMark).toEqual([a]);
    expect(plan.needClickMarker).toEqual([b]);
    expect(plan.visitorWrites).toEqual([{ kind: 'create', visitor: a, firstClickId: a.clickId, qualifiedClickId: a.clickId }]);
  });

  it('an already-qualified visitor needs no visitor write', () => {
    const a = click({ visitor: 'gus' });
    const plan = planApplication([a], new Map([[visitorId(a), { firstClickId: 'OTHER', qualified: true }]]));
    expect(plan.visitorWrites).toEqual([]);
    expect(plan.needClickMarker).toEqual([a]);
  });
});

/** The store's loop in memory: marks persist between chunks, a chunk lands whole or not at all. */
function applyInChunks(deliveries: ClickEvent[][]): Map<string, RollupFigures> {
  const marks = new Map<string, VisitorMark>();
  const clickMarkers = new Set<string>();
  const rollups = new Map<string, RollupFigures>();
  for (const chunk of deliveries) {
    const plan = planApplication(chunk.filter((e) => !clickMarkers.has(e.clickId)), marks);
    for (const w of plan.visitorWrites) {
      const id = visitorId(w.visitor);
      marks.set(id, w.kind === 'create' ? { firstClickId: w.firstClickId, qualified: w.qualifiedClickId !== null } : { ...marks.get(id)!, qualified: true });
    }
    for (const e of plan.needClickMarker) clickMarkers.add(e.clickId);
    for (const d of plan.deltas) {
      const id = projectionId(d.scope, d.period);
      rollups.set(id, addFigures(rollups.get(id) ?? ZERO_FIGURES, d));
    }
  }
  return rollups;
}

describe('incremental application equals a recount', () => {
  it('for any click set delivered in any chunks, with duplicates and redeliveries', () => {
    const clickArb = fc.record({
      vendor: fc.constantFrom('solare', 'puesto', 'lola'),
      visitor: fc.constantFrom('a', 'b', 'c', 'd'),
      minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      bot: fc.constantFrom<false | true | 'prefetch'>(false, true, 'prefetch'),
      internal: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(clickArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 30 }), (specs, cuts) => {
        const events = specs.map((s) => click({ ...s, at: new Date(Date.UTC(2026, 10, 10) + s.minute * 60_000) }));
        // Deliveries: slices of the event list chosen by `cuts`, then everything once more (at-least-once).
        const deliveries = cuts.map((c, i) => events.slice(c % events.length, (c % events.length) + 1 + (i % 7)));
        deliveries.push(events);
        const got = applyInChunks(deliveries);
        const want = recount(events);
        expect(new Set(got.keys())).toEqual(new Set(want.keys()));
        for (const [id, w] of want) expect(got.get(id), id).toEqual({ ...ZERO_FIGURES, ...stripKey(w) });
      }),
      { numRuns: 150 },
    );
  });
});

function stripKey(d: ProjectionDelta): RollupFigures {
  const { scope: _s, period: _p, ...figures } = d;
  return figures;
}

describe('zero filling', () => {
  it('gives every day in the range, zeros where nothing was counted, and sums a total', () => {
    const found = [{ scope: 'solare' as never, day: '2026-11-02' as BusinessDay, ...ZERO_FIGURES, clicks: 3, uniqueVisitors: 2, firstClickAt: '2026-11-02T10:00:00.000Z', lastClickAt: '2026-11-02T11:00:00.000Z' }];
    const days = zeroFilledDays('solare' as never, '2026-10-31' as BusinessDay, '2026-11-03' as BusinessDay, found);
    expect(days.map((d) => [d.day, d.clicks])).toEqual([['2026-10-31', 0], ['2026-11-01', 0], ['2026-11-02', 3], ['2026-11-03', 0]]);
    expect(sumDays('solare' as never, days)).toMatchObject({ clicks: 3, uniqueVisitors: 2, firstClickAt: '2026-11-02T10:00:00.000Z' });
  });
});
