/**
 * The State table (everything derived or configured): its definition and the key formats of
 * the rollups, here once. <gen> = projection generation (see `reftrack replay`).
 *
 *   VENDOR / <code>                        vendor profile (adapters/dynamodb-vendor-store.ts)
 *   CARD / <vendorCode>                    outreach approval card (adapters/dynamodb-outreach-store.ts)
 *   ROLLUP-GENERATION / CURRENT            live generation (`generation`), the one a replay is
 *                                          building (`building`), the highest reserved (`highest`)
 *   ROLLUP#<gen>#<vendor> / DAY#<day>#<shard>
 *                                          projection item: the figures of one Events write shard
 *                                          of a vendor-day (core/rollup-figures.ts), `version`, and
 *                                          `sealed` once it is kept by recount (see the store).
 *                                          A vendor's days share one partition key, sorted by day:
 *                                          a day range is one Query; a day is the sum of its shards,
 *                                          TOTAL and all vendors (`*`) are sums on read. No TTL.
 *   ROLLUP-SCOPES#<gen> / <vendor>       every vendor with rollups in a generation (written once, on its
 *                                          first click): what the all-vendors sums read
 *   UNIT#<gen>#<vendor>#<day>#<network> / UNIT
 *                                          one network's clicks of a vendor-day as applied (compact),
 *                                          the figures they gave, `version`; expires after the
 *                                          lateness horizon (`expiresAt`).
 */
import type { BusinessDay } from '../core/business-day.ts';
import type { JudgedClick } from '../core/qualification.ts';
import { figuresFromRecord, type RollupFigures } from '../core/rollup-figures.ts';
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

/** A stored projection item: one shard of one vendor-day. */
export interface StoredProjection {
  readonly vendorCode: string;
  readonly day: BusinessDay;
  readonly shard: EventShard;
  readonly figures: RollupFigures;
  readonly version: number;
  readonly sealed: boolean;
}

export function projectionFromItem(item: Record<string, unknown>): StoredProjection | null {
  const m = /^ROLLUP#\d+#(.+)$/.exec(String(item.pk));
  const d = /^DAY#(\d{4}-\d{2}-\d{2})#(.+)$/.exec(String(item.sk));
  if (!m || !d) return null;
  return { vendorCode: m[1]!, day: d[1] as BusinessDay, shard: d[2]!, figures: figuresFromRecord(item), version: typeof item.version === 'number' ? item.version : 0, sealed: item.sealed === true };
}

export function dailyFromProjection(p: StoredProjection): DailyRollup {
  return { scope: p.vendorCode as RollupScope, day: p.day, ...p.figures };
}

/** Clicks of a unit, one compact string each: `clickId|ts|visitorHash|outcome input`. */
function encodeClick(c: JudgedClick): string {
  const kind = c.bot.isBot ? `b:${c.bot.reason}` : c.internal ? 'i' : 'h';
  return `${c.clickId}|${c.ts}|${c.visitorHash}|${kind}`;
}

function decodeClick(s: string): JudgedClick {
  const [clickId, ts, visitorHash, kind] = s.split('|') as [string, string, string, string];
  const isBot = kind.startsWith('b:');
  return { clickId, ts, visitorHash, internal: kind === 'i', bot: { isBot, reason: (isBot ? kind.slice(2) : 'human') as JudgedClick['bot']['reason'] } };
}

export function unitItem(key: { pk: string; sk: string }, unit: { clicks: readonly JudgedClick[]; figures: RollupFigures; version: number; shard: EventShard; expiresAt: number; rules: string }): Record<string, unknown> {
  return { ...key, clicks: unit.clicks.map(encodeClick), figures: unit.figures, version: unit.version, shard: unit.shard, rules: unit.rules, expiresAt: unit.expiresAt };
}

export function unitFromItem(item: Record<string, unknown>): StoredUnit {
  const clicks = Array.isArray(item.clicks) ? (item.clicks as string[]).map(decodeClick) : [];
  return { clicks, figures: figuresFromRecord((item.figures ?? {}) as Record<string, unknown>), version: typeof item.version === 'number' ? item.version : 0 };
}
