import { FIGURE_KEYS } from './rollup-figures.ts';
import { figuresOf, projectionId, ZERO_FIGURES, type ProjectionDelta, type RollupFigures, type RollupPeriod, type RollupScope } from './rollup.ts';

export interface FieldDifference {
  readonly field: keyof RollupFigures;
  readonly expected: number | string | null;
  readonly actual: number | string | null;
}

/** One projection whose stored figures differ from a recount of the event log. */
export interface RollupDifference {
  readonly scope: RollupScope;
  readonly period: RollupPeriod;
  readonly fields: FieldDifference[];
}

export interface StoredProjection {
  readonly scope: RollupScope;
  readonly period: RollupPeriod;
  readonly figures: RollupFigures;
}

/**
 * Recount vs stored, projection by projection. A projection missing on one side counts as
 * zeros there, so a stored item no event explains is a difference too. Sorted by scope, period.
 */
export function diffRollups(recounted: ReadonlyMap<string, ProjectionDelta>, stored: readonly StoredProjection[]): RollupDifference[] {
  const actual = new Map(stored.map((s) => [projectionId(s.scope, s.period), s]));
  const ids = new Set([...recounted.keys(), ...actual.keys()]);
  const out: RollupDifference[] = [];
  for (const id of ids) {
    const want = recounted.get(id);
    const got = actual.get(id);
    const scope = (want?.scope ?? got?.scope)!;
    const period = (want?.period ?? got?.period)!;
    const w = want ? figuresOf(want) : ZERO_FIGURES;
    const g = got ? figuresOf(got.figures) : ZERO_FIGURES;
    const fields = FIGURE_KEYS.filter((f) => w[f] !== g[f]).map((f) => ({ field: f, expected: w[f], actual: g[f] }));
    if (fields.length > 0) out.push({ scope, period, fields });
  }
  return out.sort((a, b) => a.scope.localeCompare(b.scope) || a.period.localeCompare(b.period));
}
