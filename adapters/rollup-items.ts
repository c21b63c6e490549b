/**
 * State-table items of the rollup projections (key layout documented in adapters/tables.ts).
 * Every key carries the projection generation, so `reftrack replay` can build a fresh
 * generation beside the live one and switch over with one write.
 */
import { BREAKDOWN_DIMENSIONS, type BreakdownDimension, type DayBreakdown } from '../core/breakdown.ts';
import type { BusinessDay } from '../core/business-day.ts';
import type { ClickEvent } from '../core/click-event.ts';
import type { DailyRollup, RollupFigures, RollupPeriod, RollupScope, VendorTotals, VisitorMark } from '../core/rollup.ts';

export const GENERATION_KEY = { pk: 'ROLLUP-GENERATION', sk: 'CURRENT' } as const;

export function rollupPk(generation: number, scope: RollupScope): string {
  return `ROLLUP#${generation}#${scope}`;
}

export function rollupKey(generation: number, scope: RollupScope, period: RollupPeriod): { pk: string; sk: string } {
  return { pk: rollupPk(generation, scope), sk: period === 'TOTAL' ? 'TOTAL' : `DAY#${period}` };
}

export function clickMarkerKey(generation: number, clickId: string): { pk: string; sk: string } {
  return { pk: `CLICK#${generation}#${clickId}`, sk: 'CLICK' };
}

export function visitorMarkKey(generation: number, v: Pick<ClickEvent, 'vendorCode' | 'day' | 'visitorHash'>): { pk: string; sk: string } {
  // One partition key per visitor: marks spread over all partitions instead of heating one per vendor-day.
  return { pk: `VISITOR#${generation}#${v.vendorCode}#${v.day}#${v.visitorHash}`, sk: 'VISITOR' };
}

export function visitorMarkFromItem(item: Record<string, unknown>): VisitorMark {
  return { firstClickId: String(item.firstClickId), qualified: item.qualified === true };
}

function figuresFromItem(item: Record<string, unknown>): RollupFigures {
  const n = (k: string) => (typeof item[k] === 'number' ? (item[k] as number) : 0);
  const s = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : null);
  return {
    clicks: n('clicks'),
    botClicks: n('botClicks'),
    humanClicks: n('humanClicks'),
    uniqueVisitors: n('uniqueVisitors'),
    qualifiedClicks: n('qualifiedClicks'),
    firstClickAt: s('firstClickAt'),
    lastClickAt: s('lastClickAt'),
  };
}

/** A stored rollup item: either one day of a scope or its TOTAL. */
export type StoredRollup = { kind: 'day'; rollup: DailyRollup } | { kind: 'total'; totals: VendorTotals };

export function rollupFromItem(item: Record<string, unknown>): StoredRollup {
  const scope = String(item.scope) as RollupScope;
  const sk = String(item.sk);
  if (sk === 'TOTAL') return { kind: 'total', totals: { scope, ...figuresFromItem(item) } };
  return { kind: 'day', rollup: { scope, day: sk.slice('DAY#'.length) as BusinessDay, ...figuresFromItem(item) } };
}

export function windowFromItem(item: Record<string, unknown> | undefined): { firstClickAt: string | null; lastClickAt: string | null } {
  if (!item) return { firstClickAt: null, lastClickAt: null };
  const { firstClickAt, lastClickAt } = figuresFromItem(item);
  return { firstClickAt, lastClickAt };
}

/**
 * Breakdowns live on the day rollup item (one item per scope-day, written in the same update):
 * `bc.<dimension>.<value>` = clicks, `bq.<dimension>.<value>` = qualified clicks (absent = 0).
 * Attribute names are always passed as expression attribute names, so any value is safe.
 */
const BREAKDOWN_ATTR = /^b([cq])\.([a-z]+)\.(.*)$/s;

export function breakdownAttribute(kind: 'clicks' | 'qualifiedClicks', dim: BreakdownDimension, value: string): string {
  return `b${kind === 'clicks' ? 'c' : 'q'}.${dim}.${value}`;
}

/** The breakdown stored on a day item: dimension -> value -> counts. */
export function breakdownFromItem(item: Record<string, unknown> | undefined): DayBreakdown {
  const out: DayBreakdown = new Map();
  if (!item) return out;
  for (const [name, raw] of Object.entries(item)) {
    const m = BREAKDOWN_ATTR.exec(name);
    if (!m || typeof raw !== 'number' || !(BREAKDOWN_DIMENSIONS as readonly string[]).includes(m[2]!)) continue;
    const dim = m[2] as BreakdownDimension;
    let values = out.get(dim);
    if (!values) out.set(dim, (values = new Map()));
    const c = values.get(m[3]!) ?? { clicks: 0, qualifiedClicks: 0 };
    if (m[1] === 'c') c.clicks += raw;
    else c.qualifiedClicks += raw;
    values.set(m[3]!, c);
  }
  return out;
}
