/**
 * verify and replay: the event log is the truth, rollups are a projection of it.
 * Both work one vendor-day at a time (its Events partitions, its projection items), so memory
 * is bounded by the largest vendor-day, not by the log.
 */
import { BatchWriteItemCommand, paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { daysBetween, type BusinessDay } from '../core/business-day.ts';
import type { ClickEvent } from '../core/click-event.ts';
import { ReftrackError } from '../core/errors.ts';
import type { QualificationRules } from '../core/qualification.ts';
import { diffRollups, type RollupDifference } from '../core/rollup-diff.ts';
import { figuresOfClicks, projectionId, sumShards, type ProjectionDelta, type RollupScope } from '../core/rollup.ts';
import { fromEventItem } from './dynamodb-click-log.ts';
import { storeError } from './dynamodb-errors.ts';
import { queryAll, scanAll } from './dynamodb-query.ts';
import type { DynamoRollupStore } from './dynamodb-rollup-store.ts';
import type { RollupReader } from './dynamodb-rollup-reader.ts';
import { scanEventLog } from './event-log-scan.ts';
import { parseEventPartition, vendorDayPartitions } from './events-table.ts';
import type { RollupGenerations } from './rollup-generation.ts';
import { projectionKey, scopeKey } from './state-table.ts';

export interface Tables {
  readonly events: string;
  readonly state: string;
}

/** Which vendor-days to verify; without one, every vendor-day with an event or a rollup. */
export interface VerifySlice {
  readonly vendors?: readonly string[];
  readonly from?: BusinessDay;
  readonly to?: BusinessDay;
}

export interface VerifyReport {
  readonly generation: number;
  readonly vendorDays: number;
  readonly events: number;
  readonly invalid: string[];
  readonly differences: RollupDifference[];
}

/** Every event of one vendor-day (all its write shards), strongly consistent. */
export async function vendorDayEvents(client: DynamoDBClient, eventsTable: string, vendor: string, day: string): Promise<{ events: ClickEvent[]; invalid: string[] }> {
  const events: ClickEvent[] = [];
  const invalid: string[] = [];
  for (const { pk } of vendorDayPartitions(vendor, day)) {
    const items = await queryAll(client, { TableName: eventsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': pk }), ConsistentRead: true }, 'query click events');
    for (const raw of items) {
      const item = unmarshall(raw);
      try {
        events.push(fromEventItem(item));
      } catch {
        invalid.push(`${item.pk}/${item.sk}`);
      }
    }
  }
  return { events, invalid };
}

/** The vendor-days the Events table holds (a keys-only Scan: memory is one entry per vendor-day). */
async function eventVendorDays(client: DynamoDBClient, eventsTable: string): Promise<Set<string>> {
  const found = new Set<string>();
  try {
    for await (const page of paginateScan({ client }, { TableName: eventsTable, ProjectionExpression: 'pk' })) {
      for (const raw of page.Items ?? []) {
        const where = parseEventPartition(String(unmarshall(raw).pk));
        if (where) found.add(`${where.vendorCode}|${where.day}`);
      }
    }
  } catch (error) {
    throw storeError('list event partitions', error);
  }
  return found;
}

export async function verifyRollups(deps: {
  client: DynamoDBClient;
  tables: Tables;
  reader: RollupReader;
  generations: RollupGenerations;
  rules: QualificationRules;
  slice?: VerifySlice;
  progress?: (message: string) => void;
}): Promise<VerifyReport> {
  const say = deps.progress ?? (() => {});
  const generation = await deps.generations.current();
  const slice = deps.slice ?? {};
  const inRange = (day: string) => (!slice.from || day >= slice.from) && (!slice.to || day <= slice.to);
  const vendorDays = new Set<string>();
  const scopes = slice.vendors ?? (await deps.reader.scopes(generation));
  if (slice.vendors && slice.from && slice.to) {
    for (const v of slice.vendors) for (const d of daysBetween(slice.from, slice.to)) vendorDays.add(`${v}|${d}`);
  } else {
    for (const key of await eventVendorDays(deps.client, deps.tables.events)) {
      const [v, d] = key.split('|') as [string, string];
      if ((!slice.vendors || slice.vendors.includes(v)) && inRange(d)) vendorDays.add(key);
    }
  }
  // Stored days no event explains are differences too.
  for (const v of scopes) {
    for (const p of await deps.reader.projections(generation, v, slice.from ?? '0000-01-01', slice.to ?? '9999-12-31')) vendorDays.add(`${v}|${p.day}`);
  }

  let events = 0;
  const invalid: string[] = [];
  const differences: RollupDifference[] = [];
  let done = 0;
  for (const key of [...vendorDays].sort()) {
    const [vendor, day] = key.split('|') as [string, BusinessDay];
    const read = await vendorDayEvents(deps.client, deps.tables.events, vendor, day);
    events += read.events.length;
    invalid.push(...read.invalid);
    const recounted: ProjectionDelta = { scope: vendor as RollupScope, period: day, ...figuresOfClicks(read.events, deps.rules) };
    const stored = sumShards(vendor as RollupScope, day, (await deps.reader.projections(generation, vendor, day, day)).map((p) => p.figures));
    differences.push(...diffRollups(new Map([[projectionId(vendor as RollupScope, day), recounted]]), [{ scope: stored.scope, period: day, figures: stored }]));
    if (++done % 500 === 0) say(`verified ${done} of ${vendorDays.size} vendor-days (${events} events)`);
  }
  return { generation, vendorDays: vendorDays.size, events, invalid, differences };
}

/** A replay that could not finish; the message says what state it left. */
export class ReplayError extends ReftrackError {}

export interface ReplayReport {
  readonly from: number;
  readonly to: number;
  readonly resumed: boolean;
  readonly events: number;
  readonly removedOldItems: number;
}

/**
 * Rebuilds every projection into a FRESH generation under the current rules, then switches.
 * Safe while the stream consumer keeps running, and re-runnable after a crash at any point:
 *  1. mark generation N+1 as `building` (or resume the one a crashed replay was building);
 *  2. wait `settleMs` (≥ consumer cache + longest batch): from then on every consumer writes
 *     every click to N AND N+1, whatever its `ts` (a late drain, a `recover`);
 *  3. apply the whole event log to N+1 through the same exactly-once store (a set union per
 *     unit, so clicks the consumers already wrote there are duplicates). A click is in the log
 *     before its stream record is handled, so it was either written by a consumer after step 2
 *     or is in this pass: none is missed;
 *  4. switch: N+1 live, building cleared (only now; a failure before leaves N live);
 *  5. wait `settleMs` again, then delete generation N's projection items (its units expire).
 */
export async function replayRollups(deps: {
  client: DynamoDBClient;
  tables: Tables;
  store: DynamoRollupStore;
  reader: RollupReader;
  generations: RollupGenerations;
  settleMs: number;
  sleep?: (ms: number) => Promise<void>;
  progress?: (message: string) => void;
}): Promise<ReplayReport> {
  const say = deps.progress ?? (() => {});
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const { live, building, resumed } = await deps.generations.beginBuilding();
  say(resumed ? `resuming generation ${building} (live: ${live}), left by an unfinished replay` : `building generation ${building} (live: ${live})`);
  await sleep(deps.settleMs);

  let events = 0;
  let pages = 0;
  try {
    for await (const page of scanEventLog(deps.client, deps.tables.events)) {
      const outcome = await deps.store.apply(page.events, building);
      if (outcome.failed.length > 0) throw outcome.failed[0]!.error;
      events += page.events.length;
      if (++pages % 20 === 0) say(`applied ${events} events to generation ${building}`);
    }
  } catch (cause) {
    throw new ReplayError(
      `replay could not apply the event log to generation ${building} (${(cause as Error).message}); live generation ${live} is untouched and still served, consumers keep writing both; run replay again to resume`,
      { cause },
    );
  }
  say(`applied ${events} events; switching live generation ${live} -> ${building}`);
  await deps.generations.switchTo(building, live);
  await sleep(deps.settleMs);
  let removedOldItems: number;
  try {
    removedOldItems = await deleteGeneration(deps.client, deps.tables.state, deps.reader, live);
  } catch (cause) {
    throw new ReplayError(`generation ${building} is live; removing the old generation ${live}'s rollup items failed (${(cause as Error).message}); they are no longer read`, { cause });
  }
  return { from: live, to: building, resumed, events, removedOldItems };
}

async function deleteGeneration(client: DynamoDBClient, table: string, reader: RollupReader, generation: number): Promise<number> {
  const scopes = await reader.scopes(generation);
  const keys: Array<{ pk: string; sk: string }> = [];
  if (scopes.length === 0) {
    // A generation written before the scope list existed: find its items by prefix.
    const items = await scanAll(client, { TableName: table, FilterExpression: 'begins_with(pk, :prefix)', ExpressionAttributeValues: marshall({ ':prefix': `ROLLUP#${generation}#` }), ProjectionExpression: 'pk, sk' }, 'scan rollups');
    for (const i of items) {
      const { pk, sk } = unmarshall(i);
      keys.push({ pk: String(pk), sk: String(sk) });
    }
  }
  for (const v of scopes) {
    for (const p of await reader.projections(generation, v, '0000-01-01', '9999-12-31')) keys.push(projectionKey(generation, p.vendorCode, p.day, p.shard));
    keys.push(scopeKey(generation, v));
  }
  try {
    for (let i = 0; i < keys.length; i += 25) {
      let request: Record<string, any> | undefined = { [table]: keys.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: marshall(k) } })) };
      while (request && Object.keys(request).length > 0) {
        const out: { UnprocessedItems?: Record<string, any> } = await client.send(new BatchWriteItemCommand({ RequestItems: request }));
        request = out.UnprocessedItems;
      }
    }
  } catch (error) {
    throw storeError(`delete rollup generation ${generation}`, error);
  }
  return keys.length;
}
