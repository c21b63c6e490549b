/**
 * Rollups: the per-vendor-day figures derived from ClickEvents (the figures themselves are
 * listed once in core/rollup-figures.ts, the paid/excluded decision in core/qualification.ts).
 *
 * A vendor-day's figures are the sum over its units (vendor × day × network), and each unit's
 * figures are a pure function of the SET of its clicks. So the store keeps, per unit, the
 * clicks it has applied and the figures they gave; applying more clicks re-judges the unit
 * and adds the difference to the projection item the unit belongs to (a write shard of the
 * vendor-day, summed on read). A vendor's TOTAL and the all-vendors scope `*` are sums on read
 * too: no item is written for more than one Events partition, so no two stream shards'
 * consumers contend for it.
 *
 * Every rollup uses the `day` stored on the event, never one recomputed from `ts`.
 */
import { daysBetween, type BusinessDay } from './business-day.ts';
import type { ClickEvent } from './click-event.ts';
import { addBreakdown, breakdownInputs, unitBreakdown, type DayBreakdown } from './breakdown.ts';
import { groupByUnit, judgeUnit, networkOfEvent, type JudgedClick, type QualificationRules } from './qualification.ts';
import { addFigures, countsAreZero, figuresOf, sameFigures, subtractCounts, ZERO_FIGURES, type RollupFigures } from './rollup-figures.ts';
import type { VendorCode } from './vendor-code.ts';

export { addFigures, figuresOf, sameFigures, ZERO_FIGURES, type RollupFigures } from './rollup-figures.ts';

export const ALL_VENDORS = '*';
/** A vendor, or every vendor together. */
export type RollupScope = VendorCode | typeof ALL_VENDORS;
/** A business day, or the running total. */
export type RollupPeriod = BusinessDay | 'TOTAL';

export interface DailyRollup extends RollupFigures {
  readonly scope: RollupScope;
  readonly day: BusinessDay;
}

export interface VendorTotals extends RollupFigures {
  readonly scope: RollupScope;
}

/** The figures of one projection (scope × period). */
export interface ProjectionDelta extends RollupFigures {
  readonly scope: RollupScope;
  readonly period: RollupPeriod;
}

export function projectionId(scope: RollupScope, period: RollupPeriod): string {
  return `${scope}|${period}`;
}

/**
 * What the store remembers of one unit: the clicks applied (what the rules need of each)
 * and the figures they gave, with a version for optimistic concurrency.
 */
export interface StoredUnit {
  readonly clicks: readonly JudgedClick[];
  readonly figures: RollupFigures;
  readonly version: number;
  /**
   * The rules its figures and breakdown were judged under. Absent on a unit stored before they
   * were kept: the current rules are assumed (exact unless they changed since).
   */
  readonly rules?: QualificationRules;
}

/** A unit after applying new clicks: its full click set and figures, written if `version` still holds. */
export interface UnitWrite {
  readonly unit: string;
  readonly vendorCode: VendorCode;
  readonly day: BusinessDay;
  readonly network: string;
  /** The projection item (write shard of the vendor-day) this unit adds into. */
  readonly projection: string;
  readonly clicks: readonly JudgedClick[];
  readonly figures: RollupFigures;
  /** The version read (0 = no unit yet); the write is conditional on it. */
  readonly expectedVersion: number;
}

/** A change to one projection item: counters to ADD (possibly negative), a window to widen to. */
export interface ProjectionItemDelta {
  readonly projection: string;
  readonly vendorCode: VendorCode;
  readonly day: BusinessDay;
  readonly delta: RollupFigures;
  /** The breakdown counts to ADD (possibly negative), uncapped: the store folds them into the item's values. */
  readonly breakdown: DayBreakdown;
}

export interface UnitPlan {
  readonly writes: UnitWrite[];
  readonly deltas: ProjectionItemDelta[];
  /** New clicks counted by this plan. */
  readonly applied: number;
  /** Clicks the stored units already held. */
  readonly duplicates: number;
}

export function judgedClick(e: ClickEvent): JudgedClick {
  return { clickId: e.clickId, ts: e.ts, visitorHash: e.visitorHash, internal: e.internal, bot: { isBot: e.bot.isBot, reason: e.bot.reason }, dims: breakdownInputs(e) };
}

/**
 * Plans applying `events` to the units as read (undefined = no unit yet). Pure.
 * A unit whose click set and figures do not change is not written (a redelivery costs reads
 * only). `projectionOf` names the projection item an event's unit adds into.
 */
export function planUnits(
  events: readonly ClickEvent[],
  stored: ReadonlyMap<string, StoredUnit | undefined>,
  rules: QualificationRules,
  projectionOf: (e: ClickEvent) => string,
): UnitPlan {
  const writes: UnitWrite[] = [];
  const deltas = new Map<string, ProjectionItemDelta>();
  let applied = 0;
  let duplicates = 0;
  for (const [unit, group] of groupByUnit(events)) {
    const before = stored.get(unit);
    const known = new Set(before?.clicks.map((c) => c.clickId));
    const fresh = group.filter((e) => !known.has(e.clickId));
    duplicates += group.length - fresh.length;
    const clicks = [...(before?.clicks ?? []), ...fresh.map(judgedClick)];
    const { figures, verdicts } = judgeUnit(clicks, rules);
    const oldFigures = before?.figures ?? ZERO_FIGURES;
    // Unchanged set and figures (a redelivery under the same rules): nothing to write.
    if (fresh.length === 0 && sameFigures(figures, oldFigures)) continue;
    applied += fresh.length;
    const first = group[0]!;
    const projection = projectionOf(first);
    writes.push({ unit, vendorCode: first.vendorCode, day: first.day as BusinessDay, network: networkOfEvent(first), projection, clicks, figures, expectedVersion: before?.version ?? 0 });
    const delta = subtractCounts(figures, oldFigures);
    // The unit's breakdown is a function of its click set like its other figures: add the difference.
    // What it added before was judged under the rules of that time (a changed NETWORK_CAP moves
    // paid clicks between columns, and the breakdown must move with them).
    const oldBreakdown = before ? unitBreakdown(before.clicks, judgeUnit(before.clicks, before.rules ?? rules).verdicts) : new Map();
    const breakdown = addBreakdown(unitBreakdown(clicks, verdicts), oldBreakdown, -1);
    const prev = deltas.get(projection);
    deltas.set(projection, {
      projection,
      vendorCode: first.vendorCode,
      day: first.day as BusinessDay,
      delta: prev ? addFigures(prev.delta, delta) : delta,
      breakdown: prev ? addBreakdown(prev.breakdown, breakdown) : breakdown,
    });
  }
  return { writes, deltas: [...deltas.values()], applied, duplicates };
}

/** Exact figures of any clicks of one vendor-day (or any subset such as one write shard). */
export function figuresOfClicks(events: readonly ClickEvent[], rules: QualificationRules): RollupFigures {
  let sum = ZERO_FIGURES;
  for (const unit of groupByUnit(events).values()) sum = addFigures(sum, judgeUnit(unit.map(judgedClick), rules).figures);
  return sum;
}

/** Exact breakdown of any clicks (one write shard of a vendor-day, for the recount path), uncapped. */
export function breakdownOfClicks(events: readonly ClickEvent[], rules: QualificationRules): DayBreakdown {
  let sum: DayBreakdown = new Map();
  for (const unit of groupByUnit(events).values()) {
    const clicks = unit.map(judgedClick);
    sum = addBreakdown(sum, unitBreakdown(clicks, judgeUnit(clicks, rules).verdicts));
  }
  return sum;
}

/**
 * Exact rollups of an event log (duplicates by clickId ignored), keyed by projectionId:
 * each vendor-day, each vendor's TOTAL, and the all-vendors `*` days and TOTAL.
 */
export function recount(events: readonly ClickEvent[], rules: QualificationRules): Map<string, ProjectionDelta> {
  const out = new Map<string, ProjectionDelta>();
  const add = (scope: RollupScope, period: RollupPeriod, figures: RollupFigures) => {
    const id = projectionId(scope, period);
    const prev = out.get(id);
    out.set(id, { scope, period, ...(prev ? addFigures(figuresOf(prev), figures) : figures) });
  };
  for (const unit of groupByUnit(events).values()) {
    const { figures } = judgeUnit(unit.map(judgedClick), rules);
    const { vendorCode, day } = unit[0]!;
    for (const scope of [vendorCode, ALL_VENDORS] as const) {
      add(scope, day as BusinessDay, figures);
      add(scope, 'TOTAL', figures);
    }
  }
  return out;
}

/** The sum of projection items of one vendor-day (its write shards), as a DailyRollup. */
export function sumShards(scope: RollupScope, day: BusinessDay, shards: readonly RollupFigures[]): DailyRollup {
  return { scope, day, ...shards.reduce<RollupFigures>((acc, s) => addFigures(acc, figuresOf(s)), ZERO_FIGURES) };
}

/** One row per day from `from` to `to`, zeros where nothing was counted. */
export function zeroFilledDays(scope: RollupScope, from: BusinessDay, to: BusinessDay, found: ReadonlyArray<DailyRollup>): DailyRollup[] {
  const byDay = new Map<string, DailyRollup>();
  for (const r of found) {
    const prev = byDay.get(r.day);
    byDay.set(r.day, prev ? { scope, day: r.day, ...addFigures(figuresOf(prev), figuresOf(r)) } : { ...r, scope });
  }
  return daysBetween(from, to).map((day) => byDay.get(day) ?? { scope, day, ...ZERO_FIGURES });
}

/** The sum of some days (the CLI's total row). */
export function sumDays(scope: RollupScope, days: ReadonlyArray<DailyRollup>): VendorTotals {
  return { scope, ...days.reduce<RollupFigures>((acc, d) => addFigures(acc, figuresOf(d)), ZERO_FIGURES) };
}

export { countsAreZero };
