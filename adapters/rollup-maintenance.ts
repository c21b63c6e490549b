/**
 * verify and replay: the event log is the truth, rollups are a projection of it.
 */
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ClickEvent } from '../core/click-event.ts';
import { ReftrackError } from '../core/errors.ts';
import { diffRollups, type RollupDifference } from '../core/rollup-diff.ts';
import { recount, type ProjectionDelta } from '../core/rollup.ts';
import { storeError } from './dynamodb-errors.ts';
import type { DynamoRollupStore } from './dynamodb-rollup-store.ts';
import type { RollupReader } from './dynamodb-rollup-reader.ts';
import { scanEventLog } from './event-log-scan.ts';
import type { RollupGenerations } from './rollup-generation.ts';
import { rollupKey } from './rollup-items.ts';

export interface Tables {
  readonly events: string;
  readonly state: string;
}

/** Exact rollups recounted from the whole event log (in memory: distinct visitors per vendor-day). */
export async function recountEventLog(client: DynamoDBClient, eventsTable: string): Promise<{ recounted: Map<string, ProjectionDelta>; events: number; invalid: string[] }> {
  const events: ClickEvent[] = [];
  const invalid: string[] = [];
  for await (const page of scanEventLog(client, eventsTable)) {
    events.push(...page.events);
    invalid.push(...page.invalid);
  }
  return { recounted: recount(events), events: events.length, invalid };
}

export interface VerifyReport {
  readonly generation: number;
  readonly events: number;
  readonly invalid: string[];
  readonly differences: RollupDifference[];
}

export async function verifyRollups(deps: { client: DynamoDBClient; tables: Tables; reader: RollupReader; generations: RollupGenerations }): Promise<VerifyReport> {
  const generation = await deps.generations.current();
  const { recounted, events, invalid } = await recountEventLog(deps.client, deps.tables.events);
  const stored = (await deps.reader.everything(generation)).map((s) =>
    s.kind === 'day' ? { scope: s.rollup.scope, period: s.rollup.day, figures: s.rollup } : { scope: s.totals.scope, period: 'TOTAL' as const, figures: s.totals },
  );
  return { generation, events, invalid, differences: diffRollups(recounted, stored) };
}

/** A replay that could not finish; the live generation was left as it was (unless `switched`). */
export class ReplayError extends ReftrackError {}

export interface ReplayReport {
  readonly from: number;
  readonly to: number;
  readonly events: number;
  readonly caughtUp: number;
  readonly removedOldItems: number;
}

/**
 * Rebuilds every projection into a FRESH generation, then switches to it. Safe while the
 * stream consumer keeps running:
 *  1. reserve generation N+1 (never used before) and apply the whole log to it through the
 *     same exactly-once store the consumer uses (its own markers, so re-running is safe);
 *  2. switch the live pointer to N+1; consumers pick it up within their cache time;
 *  3. wait `settleMs` (≥ consumer cache + longest batch), then catch up: re-apply events
 *     clicked since the replay started minus `marginMs`, i.e. those appended after pass 1's
 *     scan went by and applied by a consumer to N only. N+1's markers drop the rest;
 *  4. delete generation N's rollup items (its markers expire by TTL).
 */
export async function replayRollups(deps: {
  client: DynamoDBClient;
  tables: Tables;
  store: DynamoRollupStore;
  reader: RollupReader;
  generations: RollupGenerations;
  settleMs: number;
  marginMs?: number;
  now?: () => Date;
  progress?: (message: string) => void;
}): Promise<ReplayReport> {
  const now = deps.now ?? (() => new Date());
  const say = deps.progress ?? (() => {});
  const startedAt = now();
  const { live, next } = await deps.generations.reserveNext();
  say(`building generation ${next} (live: ${live})`);

  const applyAll = async (keep: (e: ClickEvent) => boolean): Promise<number> => {
    let applied = 0;
    for await (const page of scanEventLog(deps.client, deps.tables.events)) {
      const outcome = await deps.store.apply(page.events.filter(keep), next);
      if (outcome.failed.length > 0) throw new ReplayError(`replay into generation ${next} failed for ${outcome.failed.length} events; live generation ${live} untouched, run replay again`, { cause: outcome.failed[0]!.error });
      applied += outcome.applied;
    }
    return applied;
  };

  const events = await applyAll(() => true);
  say(`applied ${events} events; switching live generation ${live} -> ${next}`);
  await deps.generations.switchTo(next, live);
  await new Promise((r) => setTimeout(r, deps.settleMs));
  const since = new Date(startedAt.getTime() - (deps.marginMs ?? 5 * 60_000)).toISOString();
  const caughtUp = await applyAll((e) => e.ts >= since);
  say(`caught up ${caughtUp} events appended during the replay`);
  const removedOldItems = await deleteGeneration(deps.client, deps.tables.state, deps.reader, live);
  return { from: live, to: next, events, caughtUp, removedOldItems };
}

async function deleteGeneration(client: DynamoDBClient, table: string, reader: RollupReader, generation: number): Promise<number> {
  const keys = (await reader.everything(generation)).map((s) => (s.kind === 'day' ? rollupKey(generation, s.rollup.scope, s.rollup.day) : rollupKey(generation, s.totals.scope, 'TOTAL')));
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
