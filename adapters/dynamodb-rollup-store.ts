/**
 * Applies ClickEvents to the rollup projections exactly once, under at-least-once delivery,
 * re-cut batches, crashes between writes and concurrent consumers.
 *
 * Per chunk of a batch (≤ 100 actions, one action per item): read the chunk's visitor marks
 * and rollup click windows (one BatchGetItem), plan in core (planApplication), then ONE
 * TransactWriteItems holding
 *   - per new visitor: Put of its visitor mark (attribute_not_exists), which is also the
 *     dedupe of that visitor's first click;
 *   - per other click: Put of a click marker (attribute_not_exists);
 *   - per visitor that becomes qualified: Update qualified=true (condition qualified=false);
 *   - per touched projection: one Update that ADDs the summed counters and widens
 *     firstClickAt/lastClickAt (conditioned on the value read, so order never matters).
 * Everything in a chunk lands together or not at all, so a crash between chunks leaves
 * whole chunks applied and a redelivery finds their markers.
 * Cancelled: a failed click marker = an already-applied event (dropped); anything else
 * (a visitor mark or window raced by another consumer, a TransactionConflict) = re-read and
 * re-plan, with jittered backoff on conflicts, up to `maxAttempts`.
 */
import { createHash } from 'node:crypto';
import {
  BatchGetItemCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { breakdownKey, capBreakdown, planBreakdowns, type BreakdownDimension, type DayBreakdown } from '../core/breakdown.ts';
import type { ClickEvent } from '../core/click-event.ts';
import { ConflictError, type ReftrackError } from '../core/errors.ts';
import { planApplication, projectionId, visitorId, type ProjectionDelta, type VisitorMark } from '../core/rollup.ts';
import { storeError } from './dynamodb-errors.ts';
import { breakdownAttribute, breakdownFromItem, clickMarkerKey, rollupKey, visitorMarkFromItem, visitorMarkKey, windowFromItem } from './rollup-items.ts';

/** Transaction limit: at most 100 actions (DynamoDB); our items are < 1 KB, far from the 4 MB cap. */
export const MAX_ACTIONS = 100;
/**
 * Markers outlive every possible redelivery: stream retention (24 h) and the event source
 * mapping's maximum record age (≤ 7 days) are both shorter than 8 days.
 */
export const MARKER_TTL_SECONDS = 8 * 24 * 3600;

/** The same chunk kept losing to concurrent writers; its events are retried by redelivery. */
export class RollupContentionError extends ConflictError {}

export interface ApplyOutcome {
  /** Events counted now. */
  applied: number;
  /** Events found already counted (redelivery, overlap, a concurrent consumer). */
  duplicates: number;
  /** Events whose chunk could not be written; the caller reports them for redelivery. */
  failed: Array<{ event: ClickEvent; error: ReftrackError }>;
  transactions: number;
  /** Re-plans after a cancellation or conflict. */
  retries: number;
  /** Write capacity units DynamoDB reported (ReturnConsumedCapacity), transactional ones counted double by DynamoDB itself. */
  writeUnits: number;
  /** Items written by committed transactions (each ≤ 1 KB, so 2 write units each on DynamoDB). */
  writeActions: number;
}

export interface RollupStoreOptions {
  readonly maxAttempts?: number;
  readonly markerTtlSeconds?: number;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Action {
  readonly item: TransactWriteItem;
  /** Set on click-marker Puts: a failed condition there means this event was applied before. */
  readonly markerOf?: string;
}

const byChunkOrder = (a: ClickEvent, b: ClickEvent) =>
  a.vendorCode.localeCompare(b.vendorCode) || a.day.localeCompare(b.day) || a.visitorHash.localeCompare(b.visitorHash) || a.clickId.localeCompare(b.clickId);

/**
 * Cuts events into chunks whose worst-case transaction fits MAX_ACTIONS: one action per event,
 * one more per visitor (a qualify), one per touched projection (vendor-day, vendor total,
 * all-vendors day, all-vendors total). Sorted by vendor-day so a chunk touches few projections.
 */
export function chunkForTransactions(events: readonly ClickEvent[]): ClickEvent[][] {
  const unique = [...new Map(events.map((e) => [e.clickId, e])).values()].sort(byChunkOrder);
  const chunks: ClickEvent[][] = [];
  let current: ClickEvent[] = [];
  let visitors = new Set<string>(), vendorDays = new Set<string>(), vendors = new Set<string>(), days = new Set<string>();
  const cost = () => current.length + visitors.size + vendorDays.size + vendors.size + days.size + 1;
  for (const e of unique) {
    const grow = [visitors, vendorDays, vendors, days].map((s, i) => (s.has([visitorId(e), `${e.vendorCode}#${e.day}`, e.vendorCode, e.day][i]!) ? 0 : 1));
    if (current.length > 0 && cost() + 1 + grow.reduce<number>((a, b) => a + b, 0) > MAX_ACTIONS) {
      chunks.push(current);
      current = [];
      visitors = new Set(); vendorDays = new Set(); vendors = new Set(); days = new Set();
    }
    current.push(e);
    visitors.add(visitorId(e)); vendorDays.add(`${e.vendorCode}#${e.day}`); vendors.add(e.vendorCode); days.add(e.day);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class DynamoRollupStore {
  private readonly maxAttempts: number;
  private readonly markerTtlSeconds: number;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    opts: RollupStoreOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 10;
    this.markerTtlSeconds = opts.markerTtlSeconds ?? MARKER_TTL_SECONDS;
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Applies events to projection `generation`. Chunks are independent: a chunk that fails
   * does not stop the next, and its events come back in `failed`.
   */
  async apply(events: readonly ClickEvent[], generation: number): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { applied: 0, duplicates: 0, failed: [], transactions: 0, retries: 0, writeUnits: 0, writeActions: 0 };
    for (const chunk of chunkForTransactions(events)) {
      try {
        await this.applyChunk(chunk, generation, outcome);
      } catch (error) {
        const failure = storeError('apply rollups', error);
        for (const event of chunk) outcome.failed.push({ event, error: failure });
      }
    }
    return outcome;
  }

  private async applyChunk(chunk: ClickEvent[], generation: number, outcome: ApplyOutcome): Promise<void> {
    let pending = chunk;
    for (let attempt = 1; ; attempt++) {
      const { marks, windows } = await this.read(pending, generation);
      const plan = planApplication(pending, marks);
      if (plan.duplicates.length > 0) {
        outcome.duplicates += plan.duplicates.length;
        const dup = new Set(plan.duplicates.map((e) => e.clickId));
        pending = pending.filter((e) => !dup.has(e.clickId));
      }
      const actions = this.actions(plan, generation, windows);
      if (actions.length === 0) return;
      const TransactItems = actions.map((a) => a.item);
      try {
        const out = await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems,
            // Same request => same token, so the SDK's own retries of a write that did land are no-ops.
            ClientRequestToken: requestToken(attempt, TransactItems),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        outcome.transactions++;
        outcome.writeActions += actions.length;
        outcome.applied += plan.viaVisitorMark.length + plan.needClickMarker.length;
        outcome.writeUnits += (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.WriteCapacityUnits ?? c.CapacityUnits ?? 0), 0);
        return;
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          const codes = new Set(reasons.map((r) => r.Code ?? 'None'));
          const unexpected = [...codes].filter((c) => !['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded'].includes(c));
          if (unexpected.length > 0) throw storeError(`apply rollups (cancelled: ${unexpected.join(', ')})`, error);
          const applied = new Set<string>();
          reasons.forEach((r, i) => {
            const markerOf = actions[i]?.markerOf;
            if (r.Code === 'ConditionalCheckFailed' && markerOf) applied.add(markerOf);
          });
          outcome.duplicates += applied.size;
          pending = pending.filter((e) => !applied.has(e.clickId));
          if (attempt >= this.maxAttempts) throw new RollupContentionError(`rollup chunk still contended after ${attempt} attempts`, { cause: error });
          outcome.retries++;
          // A lost condition on a mark or window is progress by someone else: re-read at once.
          if (codes.has('TransactionConflict') || codes.has('ThrottlingError') || codes.has('ProvisionedThroughputExceeded') || reasons.length === 0) await this.backoff(attempt);
          continue;
        }
        if (error instanceof TransactionConflictException || error instanceof TransactionInProgressException) {
          if (attempt >= this.maxAttempts) throw new RollupContentionError(`rollup chunk still contended after ${attempt} attempts`, { cause: error });
          outcome.retries++;
          await this.backoff(attempt);
          continue;
        }
        throw storeError('apply rollups', error);
      }
    }
  }

  /** Full jitter: spreads competing consumers apart instead of retrying in lock-step. */
  private backoff(attempt: number): Promise<void> {
    return this.sleep(Math.floor(this.random() * Math.min(1_000, 25 * 2 ** attempt)));
  }

  private async read(events: readonly ClickEvent[], generation: number): Promise<{ marks: Map<string, VisitorMark | undefined>; windows: Map<string, Record<string, unknown>> }> {
    const visitorKeys = new Map<string, { pk: string; sk: string }>();
    for (const e of events) visitorKeys.set(visitorId(e), visitorMarkKey(generation, e));
    const rollupKeys = new Map<string, { pk: string; sk: string }>();
    for (const e of events) {
      for (const scope of [e.vendorCode, '*'] as const) {
        for (const period of [e.day, 'TOTAL'] as const) rollupKeys.set(projectionId(scope, period as never), rollupKey(generation, scope, period as never));
      }
    }
    const items = await this.batchGet([...visitorKeys.values(), ...rollupKeys.values()]);
    const marks = new Map<string, VisitorMark | undefined>();
    for (const [id, key] of visitorKeys) {
      const item = items.get(`${key.pk}|${key.sk}`);
      marks.set(id, item ? visitorMarkFromItem(item) : undefined);
    }
    const windows = new Map<string, Record<string, unknown>>();
    for (const [id, key] of rollupKeys) {
      const item = items.get(`${key.pk}|${key.sk}`);
      if (item) windows.set(id, item);
    }
    return { marks, windows };
  }

  /**
   * Eventually consistent reads are enough: marks and windows only move one way, and every
   * write is conditioned on what was read, so a stale read costs a retry, never a miscount.
   */
  private async batchGet(keys: ReadonlyArray<{ pk: string; sk: string }>): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    try {
      for (let i = 0; i < keys.length; i += 100) {
        let request: Record<string, { Keys: Record<string, AttributeValue>[] }> | undefined = {
          [this.tableName]: { Keys: keys.slice(i, i + 100).map((k) => marshall(k)) },
        };
        for (let round = 0; request && Object.keys(request).length > 0; round++) {
          if (round > 0) await this.backoff(Math.min(round, 6));
          const out = await this.client.send(new BatchGetItemCommand({ RequestItems: request }));
          for (const raw of out.Responses?.[this.tableName] ?? []) {
            const item = unmarshall(raw);
            found.set(`${item.pk}|${item.sk}`, item);
          }
          request = out.UnprocessedKeys as typeof request;
        }
      }
    } catch (error) {
      throw storeError('read rollup marks', error);
    }
    return found;
  }

  private actions(plan: ReturnType<typeof planApplication>, generation: number, windows: Map<string, Record<string, unknown>>): Action[] {
    const expiresAt = Math.floor(this.now().getTime() / 1000) + this.markerTtlSeconds;
    const TableName = this.tableName;
    const actions: Action[] = [];
    for (const w of plan.visitorWrites) {
      const Key = visitorMarkKey(generation, w.visitor);
      if (w.kind === 'create') {
        actions.push({
          item: {
            Put: {
              TableName,
              Item: marshall({ ...Key, firstClickId: w.firstClickId, qualified: w.qualifiedClickId !== null, ...(w.qualifiedClickId ? { qualifiedClickId: w.qualifiedClickId } : {}), expiresAt }),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        });
      } else {
        actions.push({
          item: {
            Update: {
              TableName,
              Key: marshall(Key),
              UpdateExpression: 'SET qualified = :yes, qualifiedClickId = :cid',
              ConditionExpression: 'qualified = :no',
              ExpressionAttributeValues: marshall({ ':yes': true, ':no': false, ':cid': w.qualifiedClickId }),
            },
          },
        });
      }
    }
    for (const e of plan.needClickMarker) {
      actions.push({
        markerOf: e.clickId,
        item: { Put: { TableName, Item: marshall({ ...clickMarkerKey(generation, e.clickId), expiresAt }), ConditionExpression: 'attribute_not_exists(pk)' } },
      });
    }
    const breakdowns = planBreakdowns(plan);
    for (const d of plan.deltas) {
      const stored = windows.get(projectionId(d.scope, d.period));
      const breakdown = d.period === 'TOTAL' ? undefined : breakdowns.get(breakdownKey(d.scope, d.period));
      actions.push({ item: this.rollupUpdate(d, generation, stored, breakdown && capBreakdown(breakdown, storedValues(stored))) });
    }
    return actions;
  }

  /**
   * ADD is order-free; min/max are not expressible in an update, so the window is SET only
   * when it widens what was read, under a condition that it still would.
   */
  private rollupUpdate(d: ProjectionDelta, generation: number, stored: Record<string, unknown> | undefined, breakdown: DayBreakdown | undefined): TransactWriteItem {
    const known = windowFromItem(stored);
    const sets = ['#scope = :scope'];
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':clicks': d.clicks, ':bot': d.botClicks, ':human': d.humanClicks, ':uv': d.uniqueVisitors, ':q': d.qualifiedClicks, ':scope': d.scope };
    if (d.firstClickAt !== null && (known.firstClickAt === null || d.firstClickAt < known.firstClickAt)) {
      sets.push('firstClickAt = :first');
      conditions.push('(attribute_not_exists(firstClickAt) OR firstClickAt > :first)');
      values[':first'] = d.firstClickAt;
    }
    if (d.lastClickAt !== null && (known.lastClickAt === null || d.lastClickAt > known.lastClickAt)) {
      sets.push('lastClickAt = :last');
      conditions.push('(attribute_not_exists(lastClickAt) OR lastClickAt < :last)');
      values[':last'] = d.lastClickAt;
    }
    // The day's breakdown rides on the same update: same transaction, same exactly-once.
    const adds = ['clicks :clicks', 'botClicks :bot', 'humanClicks :human', 'uniqueVisitors :uv', 'qualifiedClicks :q'];
    const names: Record<string, string> = { '#scope': 'scope' };
    let n = 0;
    for (const [dim, counts] of breakdown ?? []) {
      for (const [value, c] of counts) {
        for (const kind of ['clicks', 'qualifiedClicks'] as const) {
          if (c[kind] === 0) continue;
          names[`#b${n}`] = breakdownAttribute(kind, dim, value);
          values[`:b${n}`] = c[kind];
          adds.push(`#b${n} :b${n}`);
          n++;
        }
      }
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: marshall(rollupKey(generation, d.scope, d.period)),
        UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
        ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
      },
    };
  }
}

/** The breakdown values a day item already has, per dimension (what the caps count). */
function storedValues(item: Record<string, unknown> | undefined): Map<BreakdownDimension, Set<string>> {
  return new Map([...breakdownFromItem(item)].map(([dim, values]) => [dim, new Set(values.keys())]));
}

/** ≤ 36 characters (DynamoDB's limit), a digest of the exact request. */
function requestToken(attempt: number, items: TransactWriteItem[]): string {
  return createHash('sha256').update(String(attempt)).update(JSON.stringify(items)).digest('base64url').slice(0, 36);
}
