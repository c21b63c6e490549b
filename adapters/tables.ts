/**
 * Table definitions, written once. The CDK stack (infra/) and the local runtime (local/)
 * both build their tables from these, so the key schema cannot drift between them.
 *
 * Events: the immutable click log.
 *   pk = `<vendorCode>#<day>` (business day), sk = clickId (ULID, time-ordered).
 *   One vendor-day is one partition key, so "every click of solare on 2026-11-25" is one
 *   Query (verify, recount) and days spread a vendor's history over many partitions.
 *   Ceiling: one partition key takes at most 1,000 write units/s, i.e. ~1,000 clicks/s for
 *   a single vendor on a single day (an event is < 1 KB). Because the sort key is
 *   monotonic, DynamoDB's split-for-heat cannot help. If one vendor goes viral beyond that,
 *   shard the key: pk = `<vendorCode>#<day>#<n>` with n = hash(clickId) mod N, and read
 *   the N keys in parallel; nothing else changes (the stream carries the whole item).
 *   Stream: NEW_IMAGE (events are inserted once and never modified).
 *
 * State: everything derived or configured, keyed by kind.
 *   VENDOR / <code>                 vendor profile (one partition, so listing vendors is one Query)
 *   Rollups (adapters/rollup-items.ts; <gen> = projection generation, see `reftrack replay`):
 *   ROLLUP-GENERATION / CURRENT     which generation is live (`generation`) and the highest reserved
 *   ROLLUP#<gen>#<vendor> / DAY#<YYYY-MM-DD> | TOTAL
 *                                   counters + firstClickAt/lastClickAt; vendor `*` = all vendors.
 *                                   A vendor's days share one partition key, sorted by day: a day
 *                                   range is one Query. No TTL: rollups are kept.
 *   CLICK#<gen>#<clickId> / CLICK   dedupe marker of an applied click (expiresAt = +8 days)
 *   VISITOR#<gen>#<vendor>#<day>#<visitorHash> / VISITOR
 *                                   visitor mark: firstClickId (that click's dedupe), qualified
 *                                   (expiresAt = +8 days). One key per marker, so markers spread
 *                                   over all partitions.
 *   PORTAL / <vendorCode>           vendor portal links: `epoch` (N, absent = 0); a link is accepted only
 *                                   with the current epoch, so `reftrack portal revoke` (+1) ends all earlier ones
 *   CARD / <vendorCode>             outreach approval card: status, previewUrl, history [{from,to,at,note}],
 *                                   `version` (N) for optimistic concurrency (writes are conditional on it)
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name; deployments add a prefix (`reftrack-events`). */
  readonly id: 'events' | 'state';
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly stream?: 'NEW_IMAGE';
  readonly timeToLiveAttribute?: string;
}

export const EVENTS_TABLE: TableDefinition = {
  id: 'events',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  stream: 'NEW_IMAGE',
};

export const STATE_TABLE: TableDefinition = {
  id: 'state',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
};

export const TABLES = [EVENTS_TABLE, STATE_TABLE] as const;

/** The CreateTable request for a definition (on-demand, like the deployed tables). */
export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const keys = [def.partitionKey, def.sortKey];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
    ],
    ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
  };
}
