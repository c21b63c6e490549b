/**
 * Rollups: the per-vendor and all-vendors counters derived from ClickEvents.
 *
 * Definitions (the numbers finance and analysts read):
 * - clicks: every recorded click (HEAD requests never produce events, so they never count).
 * - botClicks / humanClicks: split by the bot verdict stored on the event.
 * - uniqueVisitors: distinct visitorHash per vendor per business day (the hash already
 *   includes the day, so a vendor's TOTAL is the sum of its days).
 * - qualifiedClicks: per vendor per day, one per visitor who made at least one human,
 *   non-internal click; the qualified click is that visitor's first such click. A visitor
 *   whose browser prefetched the link before the guest clicked is still paid once.
 * - firstClickAt / lastClickAt: earliest and latest `ts` (ISO UTC) counted.
 *
 * The all-vendors scope (`*`) is the sum of the vendor scopes, field by field, so
 * `ALL = Σ vendors` holds for every number (its uniqueVisitors counts vendor-visitor pairs).
 * Every rollup uses the `day` stored on the event, never one recomputed from `ts`.
 */
import { daysBetween, type BusinessDay } from './business-day.ts';
import type { ClickEvent } from './click-event.ts';
import type { VendorCode } from './vendor-code.ts';

export const ALL_VENDORS = '*';
/** A vendor, or every vendor together. */
export type RollupScope = VendorCode | typeof ALL_VENDORS;
/** A business day, or the running total. */
export type RollupPeriod = BusinessDay | 'TOTAL';

export interface RollupCounts {
  readonly clicks: number;
  readonly botClicks: number;
  readonly humanClicks: number;
  readonly uniqueVisitors: number;
  readonly qualifiedClicks: number;
}

export interface ClickWindow {
  readonly firstClickAt: string | null;
  readonly lastClickAt: string | null;
}

export type RollupFigures = RollupCounts & ClickWindow;

export interface DailyRollup extends RollupFigures {
  readonly scope: RollupScope;
  readonly day: BusinessDay;
}

export interface VendorTotals extends RollupFigures {
  readonly scope: RollupScope;
}

/** A change to one projection (scope × period): counters to add, a click window to widen to. */
export interface ProjectionDelta extends RollupFigures {
  readonly scope: RollupScope;
  readonly period: RollupPeriod;
}

export const COUNT_FIELDS = ['clicks', 'botClicks', 'humanClicks', 'uniqueVisitors', 'qualifiedClicks'] as const satisfies ReadonlyArray<keyof RollupCounts>;

export const ZERO_FIGURES: RollupFigures = Object.freeze({ clicks: 0, botClicks: 0, humanClicks: 0, uniqueVisitors: 0, qualifiedClicks: 0, firstClickAt: null, lastClickAt: null });

/** A click finance may pay for: a person, not the business's own staff. */
export function isQualifying(event: Pick<ClickEvent, 'bot' | 'internal'>): boolean {
  return !event.bot.isBot && !event.internal;
}

function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** Field-by-field sum; the click window widens. Order-independent (commutative and associative). */
export function addFigures(a: RollupFigures, b: RollupFigures): RollupFigures {
  return {
    clicks: a.clicks + b.clicks,
    botClicks: a.botClicks + b.botClicks,
    humanClicks: a.humanClicks + b.humanClicks,
    uniqueVisitors: a.uniqueVisitors + b.uniqueVisitors,
    qualifiedClicks: a.qualifiedClicks + b.qualifiedClicks,
    firstClickAt: earlier(a.firstClickAt, b.firstClickAt),
    lastClickAt: later(a.lastClickAt, b.lastClickAt),
  };
}

export function figuresOf(r: RollupFigures): RollupFigures {
  return { clicks: r.clicks, botClicks: r.botClicks, humanClicks: r.humanClicks, uniqueVisitors: r.uniqueVisitors, qualifiedClicks: r.qualifiedClicks, firstClickAt: r.firstClickAt, lastClickAt: r.lastClickAt };
}

export function sameFigures(a: RollupFigures, b: RollupFigures): boolean {
  return COUNT_FIELDS.every((f) => a[f] === b[f]) && a.firstClickAt === b.firstClickAt && a.lastClickAt === b.lastClickAt;
}

export function projectionId(scope: RollupScope, period: RollupPeriod): string {
  return `${scope}|${period}`;
}

/**
 * A vendor-day's change fans out to the four projections it belongs to: the vendor's day
 * and TOTAL, the all-vendors day and TOTAL. Deltas for the same projection are summed.
 */
export function fanOut(vendorDays: ReadonlyArray<{ vendorCode: VendorCode; day: BusinessDay; figures: RollupFigures }>): ProjectionDelta[] {
  const out = new Map<string, ProjectionDelta>();
  const add = (scope: RollupScope, period: RollupPeriod, figures: RollupFigures) => {
    const id = projectionId(scope, period);
    const prev = out.get(id);
    out.set(id, { scope, period, ...(prev ? addFigures(prev, figures) : figures) });
  };
  for (const { vendorCode, day, figures } of vendorDays) {
    add(vendorCode, day, figures);
    add(vendorCode, 'TOTAL', figures);
    add(ALL_VENDORS, day, figures);
    add(ALL_VENDORS, 'TOTAL', figures);
  }
  return [...out.values()];
}

/** What the store remembers about one visitor of one vendor on one day. */
export interface VisitorMark {
  /** The click that created the mark; its dedupe lives here instead of in a click marker. */
  readonly firstClickId: string;
  readonly qualified: boolean;
}

export function visitorId(event: Pick<ClickEvent, 'vendorCode' | 'day' | 'visitorHash'>): string {
  return `${event.vendorCode}#${event.day}#${event.visitorHash}`;
}

/** A write to a visitor mark, decided from what was read; the store makes it conditional on that read. */
export type VisitorWrite =
  | { readonly kind: 'create'; readonly visitor: Pick<ClickEvent, 'vendorCode' | 'day' | 'visitorHash'>; readonly firstClickId: string; readonly qualifiedClickId: string | null }
  | { readonly kind: 'qualify'; readonly visitor: Pick<ClickEvent, 'vendorCode' | 'day' | 'visitorHash'>; readonly qualifiedClickId: string };

export interface ApplicationPlan {
  /** Events the visitor marks prove were applied before. */
  readonly duplicates: ClickEvent[];
  /** Events whose dedupe is the visitor mark being created (no click marker needed). */
  readonly viaVisitorMark: ClickEvent[];
  /** Events that need their own click marker (the visitor existed already, or is created by a sibling). */
  readonly needClickMarker: ClickEvent[];
  readonly visitorWrites: VisitorWrite[];
  /** Projection deltas if every write of the plan lands. */
  readonly deltas: ProjectionDelta[];
}

/**
 * Plans applying `events` given the visitor marks as read (undefined = no mark). Pure.
 *
 * Why it is exact: a visitor mark is created in the same transaction as the first click of
 * that visitor ever applied, and only ever moves forward (absent → unqualified → qualified).
 * So an absent mark means none of the visitor's clicks was applied yet; a mark's
 * `firstClickId` is that one click's dedupe; every later click carries its own marker.
 * uniqueVisitors +1 exactly when a mark is created, qualifiedClicks +1 exactly when a mark
 * becomes qualified. The store makes each write conditional on the state read, so a stale
 * read fails the transaction instead of miscounting.
 */
export function planApplication(events: readonly ClickEvent[], marks: ReadonlyMap<string, VisitorMark | undefined>): ApplicationPlan {
  const byVisitor = new Map<string, ClickEvent[]>();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.clickId)) continue;
    seen.add(e.clickId);
    const id = visitorId(e);
    const list = byVisitor.get(id);
    if (list) list.push(e);
    else byVisitor.set(id, [e]);
  }

  const duplicates: ClickEvent[] = [];
  const viaVisitorMark: ClickEvent[] = [];
  const needClickMarker: ClickEvent[] = [];
  const visitorWrites: VisitorWrite[] = [];
  const vendorDays = new Map<string, { vendorCode: VendorCode; day: BusinessDay; figures: RollupFigures }>();
  const addVendorDay = (e: ClickEvent, figures: RollupFigures) => {
    const key = `${e.vendorCode}#${e.day}`;
    const prev = vendorDays.get(key);
    vendorDays.set(key, { vendorCode: e.vendorCode, day: e.day as BusinessDay, figures: prev ? addFigures(prev.figures, figures) : figures });
  };

  for (const [id, group] of byVisitor) {
    group.sort((a, b) => (a.clickId < b.clickId ? -1 : a.clickId > b.clickId ? 1 : 0));
    const mark = marks.get(id);
    const fresh = mark ? group.filter((e) => e.clickId !== mark.firstClickId) : group;
    if (mark) duplicates.push(...group.filter((e) => e.clickId === mark.firstClickId));
    if (fresh.length === 0) continue;
    const visitor = fresh[0]!;
    const firstQualifying = fresh.find(isQualifying)?.clickId ?? null;
    let uniqueVisitors = 0;
    let qualifiedClicks = 0;
    if (!mark) {
      visitorWrites.push({ kind: 'create', visitor, firstClickId: visitor.clickId, qualifiedClickId: firstQualifying });
      viaVisitorMark.push(visitor);
      needClickMarker.push(...fresh.slice(1));
      uniqueVisitors = 1;
      qualifiedClicks = firstQualifying ? 1 : 0;
    } else {
      needClickMarker.push(...fresh);
      if (!mark.qualified && firstQualifying) {
        visitorWrites.push({ kind: 'qualify', visitor, qualifiedClickId: firstQualifying });
        qualifiedClicks = 1;
      }
    }
    for (const e of fresh) {
      addVendorDay(e, { ...ZERO_FIGURES, clicks: 1, botClicks: e.bot.isBot ? 1 : 0, humanClicks: e.bot.isBot ? 0 : 1, firstClickAt: e.ts, lastClickAt: e.ts });
    }
    addVendorDay(visitor, { ...ZERO_FIGURES, uniqueVisitors, qualifiedClicks });
  }
  return { duplicates, viaVisitorMark, needClickMarker, visitorWrites, deltas: fanOut([...vendorDays.values()]) };
}

/** Exact rollups of an event log (duplicates by clickId ignored): what verify and replay compare against. */
export function recount(events: readonly ClickEvent[]): Map<string, ProjectionDelta> {
  const plan = planApplication(events, new Map());
  return new Map(plan.deltas.map((d) => [projectionId(d.scope, d.period), d]));
}

/** One row per day from `from` to `to`, zeros where nothing was counted. */
export function zeroFilledDays(scope: RollupScope, from: BusinessDay, to: BusinessDay, found: ReadonlyArray<DailyRollup>): DailyRollup[] {
  const byDay = new Map(found.map((r) => [r.day, r]));
  return daysBetween(from, to).map((day) => byDay.get(day) ?? { scope, day, ...ZERO_FIGURES });
}

/** The sum of some days (the CLI's total row). */
export function sumDays(scope: RollupScope, days: ReadonlyArray<DailyRollup>): VendorTotals {
  return { scope, ...days.reduce<RollupFigures>((acc, d) => addFigures(acc, figuresOf(d)), ZERO_FIGURES) };
}
