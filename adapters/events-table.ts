/**
 * The Events table (the immutable click log): its definition and every key format, here once.
 *
 *   pk = `<vendorCode>#<day>#<n>`, sk = clickId (ULID, time-ordered)
 *   n = the click's write shard, 0..EVENT_WRITE_SHARDS-1, chosen from its networkHash.
 *
 * Why shard by network: every click of one network on one vendor-day (so every click of each
 * of its visitors) lands in ONE partition key, hence one stream shard, hence one consumer at
 * a time. The consumer's per-network state (core/qualification.ts units) and the projection
 * item of the shard (state-table.ts) are then written by that consumer only: no two stream
 * shards contend for an item. And one vendor-day takes EVENT_WRITE_SHARDS x ~1,000 writes/s
 * instead of one partition key's ~1,000.
 *
 * Events recorded before networks were (no networkHash) live, and stay readable, under the
 * unsharded key `<vendorCode>#<day>`: readers fan out over `vendorDayPartitions`.
 * Stream: NEW_IMAGE (events are inserted once and never modified).
 */
import type { ClickEvent } from '../core/click-event.ts';
import type { TableDefinition } from './tables.ts';

export const EVENTS_TABLE: TableDefinition = {
  id: 'events',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  stream: 'NEW_IMAGE',
};

/**
 * Write shards per vendor-day. Changing it re-routes new clicks only; readers must then cover
 * the old count too (vendorDayPartitions), so raise it, never lower it.
 */
export const EVENT_WRITE_SHARDS = 8;

/** The unsharded partition of events recorded before networkHash existed. */
export const LEGACY_SHARD = 'L';

/** `0`..`7`, or `L` for an event without a networkHash. */
export type EventShard = string;

/** FNV-1a: stable across runtimes and cheap; spreads networks evenly over the shards. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function eventShard(e: Pick<ClickEvent, 'networkHash'>): EventShard {
  return e.networkHash === undefined ? LEGACY_SHARD : String(fnv1a(e.networkHash) % EVENT_WRITE_SHARDS);
}

export function eventPartition(vendorCode: string, day: string, shard: EventShard): string {
  return shard === LEGACY_SHARD ? `${vendorCode}#${day}` : `${vendorCode}#${day}#${shard}`;
}

export function eventKey(event: Pick<ClickEvent, 'vendorCode' | 'day' | 'clickId' | 'networkHash'>): { pk: string; sk: string } {
  return { pk: eventPartition(event.vendorCode, event.day, eventShard(event)), sk: event.clickId };
}

/** Every partition a vendor-day's clicks can be in: the legacy one first, then the shards. */
export function vendorDayPartitions(vendorCode: string, day: string): Array<{ shard: EventShard; pk: string }> {
  const shards = [LEGACY_SHARD, ...Array.from({ length: EVENT_WRITE_SHARDS }, (_, i) => String(i))];
  return shards.map((shard) => ({ shard, pk: eventPartition(vendorCode, day, shard) }));
}

/** vendor, day and shard of a partition key (null: not an Events key). */
export function parseEventPartition(pk: string): { vendorCode: string; day: string; shard: EventShard } | null {
  const m = /^([a-z0-9][a-z0-9-]{0,31})#(\d{4}-\d{2}-\d{2})(?:#(\d{1,3}))?$/.exec(pk);
  return m ? { vendorCode: m[1]!, day: m[2]!, shard: m[3] ?? LEGACY_SHARD } : null;
}
