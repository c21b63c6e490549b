/** `reftrack verify`'s comparison (core/rollup-diff.ts): recount against stored, field by field, whole answers. */
import { describe, expect, it } from 'vitest';
import { diffRollups } from '../../core/rollup-diff.ts';
import type { ProjectionDelta, RollupFigures } from '../../core/rollup.ts';

const figures = (over: Partial<RollupFigures>): RollupFigures => ({
  clicks: 0, botClicks: 0, humanClicks: 0, uniqueVisitors: 0, qualifiedClicks: 0, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0,
  bookings: 0, bookingValueCents: 0, firstClickAt: null, lastClickAt: null, ...over,
});
const recounted = (entries: Array<[string, string, Partial<RollupFigures>]>) =>
  new Map(entries.map(([scope, period, f]) => [`${scope}|${period}`, { scope, period, ...figures(f) } as ProjectionDelta]));
const stored = (entries: Array<[string, string, Partial<RollupFigures>]>) => entries.map(([scope, period, f]) => ({ scope: scope as never, period: period as never, figures: figures(f) }));

describe('diffRollups', () => {
  it('nothing when every projection matches, including what the items carry besides their figures', () => {
    const want = recounted([['solare', '2026-11-10', { clicks: 2, firstClickAt: '2026-11-10T18:00:00.000Z' }], ['*', 'TOTAL', { clicks: 2 }]]);
    const got = stored([['*', 'TOTAL', { clicks: 2 }], ['solare', '2026-11-10', { clicks: 2, firstClickAt: '2026-11-10T18:00:00.000Z' }]]).map((s) => ({ ...s, figures: { ...s.figures, pk: 'x' } as RollupFigures }));
    expect(diffRollups(want, got)).toEqual([]);
    expect(diffRollups(new Map(), [])).toEqual([]);
  });

  it('each differing field with what the recount expected and what was stored; a side without the projection counts as zeros', () => {
    const want = recounted([
      ['solare', '2026-11-11', { clicks: 1, humanClicks: 1, lastClickAt: '2026-11-11T18:00:00.000Z' }],
      ['solare', '2026-11-10', { clicks: 3, qualifiedClicks: 1 }],
      ['puesto', '2026-11-10', { clicks: 1 }],
    ]);
    const got = stored([
      ['solare', '2026-11-10', { clicks: 3, qualifiedClicks: 2 }],
      ['solare', '2026-11-11', { clicks: 1, humanClicks: 1, lastClickAt: '2026-11-11T19:00:00.000Z' }],
      // No event explains this one.
      ['boardbrew', 'TOTAL', { bookings: 1, bookingValueCents: 5000 }],
    ]);
    // Sorted by scope, then period, whatever order either side came in.
    expect(diffRollups(want, got)).toEqual([
      { scope: 'boardbrew', period: 'TOTAL', fields: [{ field: 'bookings', expected: 0, actual: 1 }, { field: 'bookingValueCents', expected: 0, actual: 5000 }] },
      { scope: 'puesto', period: '2026-11-10', fields: [{ field: 'clicks', expected: 1, actual: 0 }] },
      { scope: 'solare', period: '2026-11-10', fields: [{ field: 'qualifiedClicks', expected: 1, actual: 2 }] },
      { scope: 'solare', period: '2026-11-11', fields: [{ field: 'lastClickAt', expected: '2026-11-11T18:00:00.000Z', actual: '2026-11-11T19:00:00.000Z' }] },
    ]);
  });

  it('the period orders within a scope: days before TOTAL', () => {
    const want = recounted([['solare', 'TOTAL', { clicks: 1 }], ['solare', '2026-11-12', { clicks: 1 }], ['solare', '2026-11-02', { clicks: 1 }]]);
    expect(diffRollups(want, []).map((d) => d.period)).toEqual(['2026-11-02', '2026-11-12', 'TOTAL']);
  });
});
