/**
 * The State table (everything derived or configured): its definition and the key formats of
 * the rollups, here once. <gen> = projection generation (see `reftrack replay`).
 *
 *   VENDOR / <code>                        vendor profile (adapters/dynamodb-vendor-store.ts)
 *   CARD / <vendorCode>                    outreach approval card (adapters/dynamodb-outreach-store.ts)
 *   PORTAL / <vendorCode>                  vendor portal links: `epoch` (N, absent = 0); a link is accepted only
 *                                          with the current epoch, so `reftrack portal revoke` (+1) ends all earlier ones
 *   ROLLUP-GENERATION / CURRENT            live generation (`generation`), the one a replay is
 *                                          building (`building`), the highest reserved (`highest`)
 *   ROLLUP#<gen>#<vendor> / DAY#<day>#<shard>
 *                                          projection item: the figures of one Events write shard
 *                                          of a vendor-day (core/rollup-figures.ts), its breakdown
 *                                          (`bc.<dim>.<value>`, `bq.<dim>.<value>`), `version`, and
 *                                          `sealed` once it is kept by recount (see the store).
 *                                          A vendor's days share one partition key, sorted by day:
 *                                          a day range is one Query; a day is the sum of its shards,
 *                                          TOTAL and all vendors (`*`) are sums on read. No TTL.
 *   BOOKING#<vendor> / DAY#<day>#<conversionId>
 *                                          one attributed conversion's booking figures on its day
 *                                          (core/booking-figures.ts). Written by a Put of content
 *                                          derived from the immutable event, so a redelivery rewrites
 *                                          the same item: exactly once at any lateness, no marker, no
 *                                          TTL. Each item is written by the consumer of its booking's
 *                                          stream shard only. No generation: the qualification rules
 *                                          do not judge bookings, so a replay has nothing to rebuild.
 *   ROLLUP-SCOPES#<gen> / <vendor>       every vendor with rollups in a generation (written once, on its
 *                                          first click): what the all-vendors sums read
 *   UNIT#<gen>#<vendor>#<day>#<network> / UNIT
 *                                          one network's clicks of a vendor-day as applied (compact),
 *                                          the figures they gave, `version`; expires after the
 *                                          lateness horizon (`expiresAt`).
 */
import type { ClickEvent } from '../core/click-event.ts';
import { BREAKDOWN_DIMENSIONS, breakdownInputs, LINK_PLACEMENT, type BreakdownDimension, type BreakdownInputs, type DayBreakdown, type DeviceClass } from '../core/breakdown.ts';
import type { BusinessDay } from '../core/business-day.ts';
import { ruleLabel, type JudgedClick, type QualificationRules } from '../core/qualification.ts';
import { bookingContribution } from '../core/booking-figures.ts';
import type { ConversionEvent } from '../core/conversion-event.ts';
import { figuresFromRecord, ZERO_FIGURES, type RollupFigures } from '../core/rollup-figures.ts';
import type { DailyRollup, RollupScope, StoredUnit } from '../core/rollup.ts';
import type { EventShard } from './events-table.ts';
import type { TableDefinition } from './tables.ts';

export const STATE_TABLE: TableDefinition = {
  id: 'state',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
};

export const GENERATION_KEY = { pk: 'ROLLUP-GENERATION', sk: 'CURRENT' } as const;

export function rollupPk(generation: number, scope: RollupScope): string {
  return `ROLLUP#${generation}#${scope}`;
}

export function projectionKey(generation: number, vendorCode: string, day: string, shard: EventShard): { pk: string; sk: string } {
  return { pk: rollupPk(generation, vendorCode as RollupScope), sk: `DAY#${day}#${shard}` };
}

/** Sort-key bounds of a day range in a scope's partition (every shard of every day). */
export function dayRangeBounds(from: string, to: string): { from: string; to: string } {
  return { from: `DAY#${from}`, to: `DAY#${to}#~` };
}

export function scopesPk(generation: number): string {
  return `ROLLUP-SCOPES#${generation}`;
}

export function scopeKey(generation: number, vendorCode: string): { pk: string; sk: string } {
  return { pk: scopesPk(generation), sk: vendorCode };
}

export function unitKey(generation: number, unitId: string): { pk: string; sk: string } {
  return { pk: `UNIT#${generation}#${unitId}`, sk: 'UNIT' };
}

export function bookingPk(vendorCode: string): string {
  return `BOOKING#${vendorCode}`;
}

/** The item of one attributed conversion, or null for an unattributed one (it counts for no vendor). */
export function bookingItem(event: ConversionEvent): Record<string, unknown> | null {
  const c = bookingContribution(event);
  if (!c) return null;
  return {
    pk: bookingPk(c.vendorCode),
    sk: `DAY#${c.day}#${c.conversionId}`,
    bookingId: event.bookingId,
    status: event.status,
    valueCents: event.valueCents,
    currency: event.currency,
    clickId: event.attribution.kind === 'attributed' ? event.attribution.clickId : null,
    bookings: c.figures.bookings,
    bookingValueCents: c.figures.bookingValueCents,
  };
}

/** A stored booking item as the vendor-day figures it adds. */
export function bookingFromItem(item: Record<string, unknown>): DailyRollup | null {
  const m = /^BOOKING#(.+)$/.exec(String(item.pk));
  const d = /^DAY#(\d{4}-\d{2}-\d{2})#/.exec(String(item.sk));
  if (!m || !d) return null;
  return { scope: m[1]! as RollupScope, day: d[1] as BusinessDay, ...ZERO_FIGURES, bookings: Number(item.bookings) || 0, bookingValueCents: Number(item.bookingValueCents) || 0 };
}

/** A stored projection item: one shard of one vendor-day. */
export interface StoredProjection {
  readonly vendorCode: string;
  readonly day: BusinessDay;
  readonly shard: EventShard;
  readonly figures: RollupFigures;
  /** Its breakdown (at most DIMENSION_CAPS values per dimension, the rest under `other`). */
  readonly breakdown: DayBreakdown;
  readonly version: number;
  readonly sealed: boolean;
}

export function projectionFromItem(item: Record<string, unknown>): StoredProjection | null {
  const m = /^ROLLUP#\d+#(.+)$/.exec(String(item.pk));
  const d = /^DAY#(\d{4}-\d{2}-\d{2})#(.+)$/.exec(String(item.sk));
  if (!m || !d) return null;
  return { vendorCode: m[1]!, day: d[1] as BusinessDay, shard: d[2]!, figures: figuresFromRecord(item), breakdown: breakdownFromItem(item), version: typeof item.version === 'number' ? item.version : 0, sealed: item.sealed === true };
}

export function dailyFromProjection(p: StoredProjection): DailyRollup {
  return { scope: p.vendorCode as RollupScope, day: p.day, ...p.figures };
}

/**
 * Clicks of a unit, one compact string each:
 * `clickId|ts|visitorHash|outcome input|placement|referrer|country|device` (the breakdown
 * inputs URI-encoded, so no value can contain the separator).
 */
function encodeClick(c: JudgedClick): string {
  const kind = c.bot.isBot ? `b:${c.bot.reason}` : c.internal ? 'i' : 'h';
  const d = c.dims ?? breakdownInputs({ placement: null, refererHost: null, country: null, userAgent: '', bot: c.bot as ClickEvent['bot'] });
  const dims = [d.placement, d.referrer, d.country, d.device].map(encodeURIComponent).join('|');
  return `${c.clickId}|${c.ts}|${c.visitorHash}|${kind}|${dims}`;
}

function decodeClick(s: string): JudgedClick {
  const [clickId, ts, visitorHash, kind, placement, referrer, country, device] = s.split('|') as [string, string, string, string, ...Array<string | undefined>];
  const isBot = kind.startsWith('b:');
  const reason = (isBot ? kind.slice(2) : 'human') as JudgedClick['bot']['reason'];
  const dec = (v: string | undefined, absent: string) => (v === undefined ? absent : decodeURIComponent(v));
  const dims: BreakdownInputs = {
    placement: dec(placement, LINK_PLACEMENT),
    referrer: dec(referrer, '(direct)'),
    country: dec(country, '(unknown)'),
    device: (device === undefined ? (isBot ? 'bot' : 'desktop') : decodeURIComponent(device)) as DeviceClass,
  };
  return { clickId, ts, visitorHash, internal: kind === 'i', bot: { isBot, reason }, dims };
}

/**
 * A projection item's breakdown (core/breakdown.ts), beside its figures:
 * `bc.<dimension>.<value>` = clicks, `bq.<dimension>.<value>` = qualified clicks (absent = 0).
 * Attribute names are always passed as expression attribute names, so any value is safe.
 */
const BREAKDOWN_ATTR = /^b([cq])\.([a-z]+)\.(.*)$/s;

export function breakdownAttribute(kind: 'clicks' | 'qualifiedClicks', dim: BreakdownDimension, value: string): string {
  return `b${kind === 'clicks' ? 'c' : 'q'}.${dim}.${value}`;
}

/** The breakdown attributes of a whole breakdown (the recount path's Put). */
export function breakdownAttributes(b: DayBreakdown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [dim, values] of b) {
    for (const [value, c] of values) {
      if (c.clicks !== 0) out[breakdownAttribute('clicks', dim, value)] = c.clicks;
      if (c.qualifiedClicks !== 0) out[breakdownAttribute('qualifiedClicks', dim, value)] = c.qualifiedClicks;
    }
  }
  return out;
}

/** The breakdown stored on a projection item: dimension -> value -> counts. */
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

/**
 * A unit item: its clicks, the figures they give, and the rules that judged them (as a label for
 * people, and as numbers, so a later change of the rules can take back exactly what it added).
 */
export function unitItem(key: { pk: string; sk: string }, unit: { clicks: readonly JudgedClick[]; figures: RollupFigures; version: number; shard: EventShard; expiresAt: number; rules: QualificationRules }): Record<string, unknown> {
  return {
    ...key, clicks: unit.clicks.map(encodeClick), figures: unit.figures, version: unit.version, shard: unit.shard,
    rules: ruleLabel(unit.rules), networkCap: unit.rules.networkCap, velocityPerMinute: unit.rules.velocityPerMinute, expiresAt: unit.expiresAt,
  };
}

export function unitFromItem(item: Record<string, unknown>): StoredUnit {
  const clicks = Array.isArray(item.clicks) ? (item.clicks as string[]).map(decodeClick) : [];
  const rules = typeof item.networkCap === 'number' && typeof item.velocityPerMinute === 'number' ? { networkCap: item.networkCap, velocityPerMinute: item.velocityPerMinute } : undefined;
  return { clicks, figures: figuresFromRecord((item.figures ?? {}) as Record<string, unknown>), version: typeof item.version === 'number' ? item.version : 0, ...(rules ? { rules } : {}) };
}
