/**
 * Applies ClickEvents to the rollup projections exactly once, under at-least-once delivery,
 * re-cut batches, crashes between writes, late clicks and concurrent consumers.
 *
 * The state per unit (vendor × day × network, core/qualification.ts) is the SET of clicks
 * applied and the figures they gave. Applying is a set union, so it is idempotent and
 * order-free: a redelivered click is found in its unit and changes nothing.
 *
 * Live path, per chunk (≤ 100 actions: one per unit, one per projection item; chunks are cut
 * from the units, which are known before the read, so transactions run full):
 *   one BatchGetItem of the chunk's units and projection items; core plans (planUnits); ONE
 *   TransactWriteItems holding
 *   - per changed unit: Put of the unit (condition: the version read, or absent);
 *   - per touched projection item (a write shard of a vendor-day): ADD of the summed deltas
 *     (possibly negative: a minute that turns suspicious un-pays clicks), SET of the window
 *     only if it widens what was read (conditioned on it), `ADD version 1`, and the
 *     condition that the item is not sealed.
 * A cancelled transaction is re-read and re-planned; TransactionConflict is retried with
 * full-jitter backoff; after `maxAttempts` the chunk's records are reported as failures and
 * redelivered.
 *
 * Exact path (recount): units expire after the lateness horizon. A click whose business day
 * is older than the horizon (a late drain, `reftrack recover`, a slow redelivery), or whose
 * unit grew beyond MAX_UNIT_CLICKS, is not applied through units: its whole Events partition
 * (one write shard of its vendor-day) is recounted with a strongly consistent Query and the
 * projection item is overwritten with the recount, marked `sealed`, conditioned on the
 * version read. A sealed item is only ever recounted again, so no delta can land on top of
 * a recount that already holds it.
 */
import { createHash } from 'node:crypto';
import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { capBreakdown, type BreakdownDimension, type DayBreakdown } from '../core/breakdown.ts';
import type { BusinessDay } from '../core/business-day.ts';
import type { ClickEvent } from '../core/click-event.ts';
import type { ConversionEvent } from '../core/conversion-event.ts';
import { ConflictError, type ReftrackError } from '../core/errors.ts';
import { DEFAULT_RULES, ruleLabel, unitId, type QualificationRules } from '../core/qualification.ts';
import { COUNT_KEYS, figuresFromRecord, type RollupFigures } from '../core/rollup-figures.ts';
import { breakdownOfClicks, figuresOfClicks, planUnits, type ProjectionItemDelta, type StoredUnit, type UnitPlan } from '../core/rollup.ts';
import { fromEventItem } from './dynamodb-click-log.ts';
import { storeError } from './dynamodb-errors.ts';
import { queryAll } from './dynamodb-query.ts';
import { eventKey, eventShard, parseEventPartition, type EventShard } from './events-table.ts';
import { bookingItem, breakdownAttribute, breakdownAttributes, breakdownFromItem, projectionKey, scopeKey, unitFromItem, unitItem, unitKey } from './state-table.ts';
import { fullJitterDelay, type Backoff } from '../core/backoff.ts';

/** Between conflicting transactions: 25 ms doubling up to 1 s. */
const TRANSACTION_BACKOFF: Backoff = { baseMs: 25, maxMs: 1_000 };

/** Transaction limit: at most 100 actions (DynamoDB). */
export const MAX_ACTIONS = 100;

/**
 * The latest a click can still reach the consumer, counted from the start (00:00 UTC) of its
 * business day: the day itself ends at most 2 days later in any time zone (UTC-12..+14, a
 * 25 h DST day), a spilled click waits at most the spill stream's retention (7 days) before it
 * is drained, its stream record is retried for at most the event source mapping's maximum
 * record age (7 days), plus 2 days of margin (an operator's `recover --from-log` of a recent
 * outage). Older clicks still count, exactly, through the recount path.
 */
export const LATENESS_HORIZON_MS = (2 + 7 + 7 + 2) * 86_400_000;
/** Units outlive the horizon by a day, so a write started just before it never finds its unit gone. */
export const UNIT_TTL_MARGIN_MS = 86_400_000;
/**
 * A unit holds its clicks inline (~80 bytes each plus their breakdown inputs, a referrer host
 * being at most 253); beyond this its partition is kept by recount (item limit 400 KB).
 */
export const MAX_UNIT_CLICKS = 1_000;

/** The same chunk kept losing to concurrent writers; its events are retried by redelivery. */
export class RollupContentionError extends ConflictError {}

export interface ApplyOutcome {
  /** Events counted now through their units. */
  applied: number;
  /** Events found already counted (redelivery, overlap, a concurrent consumer). */
  duplicates: number;
  /** Events whose Events partition was recounted instead (late, or a huge unit). */
  recounted: number;
  /** Events whose chunk could not be written; the caller reports them for redelivery. */
  failed: Array<{ event: ClickEvent; error: ReftrackError }>;
  transactions: number;
  /** Re-plans after a cancellation or conflict. */
  retries: number;
  /** Write capacity units DynamoDB reported (ReturnConsumedCapacity). */
  writeUnits: number;
  /** Items written by committed transactions (each ≤ 1 KB here, so 2 write units each on DynamoDB). */
  writeActions: number;
  /** Standard (non-transactional) item writes: the recount path's Put. */
  plainWrites: number;
}

export interface RollupStoreOptions {
  readonly rules?: QualificationRules;
  readonly maxAttempts?: number;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RollupTables {
  readonly state: string;
  readonly events: string;
}

/** The day's start in UTC: the reference point of the lateness horizon. */
function dayStartUtc(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function isBeyondHorizon(day: string, now: Date): boolean {
  return now.getTime() >= dayStartUtc(day) + LATENESS_HORIZON_MS;
}

interface Partition {
  readonly pk: string;
  readonly vendorCode: string;
  readonly day: BusinessDay;
  readonly shard: EventShard;
}

function partitionOf(e: ClickEvent): Partition {
  return { pk: eventKey(e).pk, vendorCode: e.vendorCode, day: e.day as BusinessDay, shard: eventShard(e) };
}

/**
 * Cuts events into chunks of whole units whose transaction fits MAX_ACTIONS: one action per
 * unit (however many clicks it has), one per projection item. Sorted by partition so a chunk
 * touches few projection items.
 */
export function chunkUnits(events: readonly ClickEvent[]): ClickEvent[][] {
  const units = new Map<string, ClickEvent[]>();
  for (const e of [...new Map(events.map((e) => [e.clickId, e])).values()]) {
    const id = `${partitionOf(e).pk}|${unitId(e)}`;
    const list = units.get(id);
    if (list) list.push(e);
    else units.set(id, [e]);
  }
  const chunks: ClickEvent[][] = [];
  let current: ClickEvent[] = [];
  let unitCount = 0;
  let partitions = new Set<string>();
  for (const id of [...units.keys()].sort()) {
    const group = units.get(id)!;
    const pk = partitionOf(group[0]!).pk;
    const cost = unitCount + 1 + partitions.size + (partitions.has(pk) ? 0 : 1);
    if (unitCount > 0 && cost > MAX_ACTIONS) {
      chunks.push(current);
      current = [];
      unitCount = 0;
      partitions = new Set();
    }
    current.push(...group);
    unitCount++;
    partitions.add(pk);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

interface Action {
  readonly item: TransactWriteItem;
}

interface Reading {
  readonly units: Map<string, StoredUnit | undefined>;
  readonly projections: Map<string, { sealed: boolean; window: RollupFigures; values: Map<BreakdownDimension, Set<string>> }>;
  /** Vendors not yet in the generation's scope list (their first click ever). */
  readonly newScopes: string[];
}

export class DynamoRollupStore {
  private readonly rules: QualificationRules;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: RollupTables,
    opts: RollupStoreOptions = {},
  ) {
    this.rules = opts.rules ?? DEFAULT_RULES;
    this.maxAttempts = opts.maxAttempts ?? 10;
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Applies events to projection `generation`. Chunks and recounts are independent: one that
   * fails does not stop the next, and its events come back in `failed`.
   */
  async apply(events: readonly ClickEvent[], generation: number): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { applied: 0, duplicates: 0, recounted: 0, failed: [], transactions: 0, retries: 0, writeUnits: 0, writeActions: 0, plainWrites: 0 };
    const now = this.now();
    const late = new Map<string, ClickEvent[]>();
    const live: ClickEvent[] = [];
    for (const e of events) {
      if (isBeyondHorizon(e.day, now)) late.set(partitionOf(e).pk, [...(late.get(partitionOf(e).pk) ?? []), e]);
      else live.push(e);
    }
    for (const chunk of chunkUnits(live)) {
      try {
        const toRecount = await this.applyChunk(chunk, generation, outcome);
        for (const e of toRecount) late.set(partitionOf(e).pk, [...(late.get(partitionOf(e).pk) ?? []), e]);
      } catch (error) {
        const failure = storeError('apply rollups', error);
        for (const event of chunk) outcome.failed.push({ event, error: failure });
      }
    }
    for (const [pk, group] of late) {
      try {
        await this.recountPartition(pk, generation, outcome);
        outcome.recounted += group.length;
      } catch (error) {
        const failure = storeError(`recount ${pk}`, error);
        for (const event of group) outcome.failed.push({ event, error: failure });
      }
    }
    return outcome;
  }

  /**
   * Applies conversions to the booking figures: one Put per attributed conversion of an item
   * whose content the immutable event fixes (adapters/state-table.ts), so a redelivered, late or
   * replayed conversion rewrites the same item and counts once. Independent of the generation.
   */
  async applyBookings(events: readonly ConversionEvent[]): Promise<{ applied: number; failed: Array<{ event: ConversionEvent; error: ReftrackError }> }> {
    const failed: Array<{ event: ConversionEvent; error: ReftrackError }> = [];
    let applied = 0;
    await Promise.all(
      events.map(async (event) => {
        const item = bookingItem(event);
        if (!item) return;
        try {
          await this.client.send(new PutItemCommand({ TableName: this.tables.state, Item: marshall(item, { removeUndefinedValues: true }) }));
          applied++;
        } catch (error) {
          failed.push({ event, error: storeError('apply booking figures', error) });
        }
      }),
    );
    return { applied, failed };
  }

  /** Returns the events whose partition must be recounted instead (sealed, or a unit too big). */
  private async applyChunk(chunk: ClickEvent[], generation: number, outcome: ApplyOutcome): Promise<ClickEvent[]> {
    let pending = chunk;
    const diverted: ClickEvent[] = [];
    for (let attempt = 1; ; attempt++) {
      const { units, projections, newScopes } = await this.read(pending, generation);
      // Partitions already kept by recount, or whose units would outgrow one item, leave the live path.
      const plan0 = planUnits(pending, units, this.rules, (e) => partitionOf(e).pk);
      const away = new Set<string>();
      for (const [pk, p] of projections) if (p.sealed) away.add(pk);
      for (const w of plan0.writes) if (w.clicks.length > MAX_UNIT_CLICKS) away.add(w.projection);
      if (away.size > 0) {
        diverted.push(...pending.filter((e) => away.has(partitionOf(e).pk)));
        pending = pending.filter((e) => !away.has(partitionOf(e).pk));
        if (pending.length === 0) return diverted;
      }
      const plan = away.size > 0 ? planUnits(pending, units, this.rules, (e) => partitionOf(e).pk) : plan0;
      // A vendor's first click ever: list it for the all-vendors sums before any of its figures exist.
      for (const v of newScopes.filter((v) => plan.deltas.some((d) => d.vendorCode === v))) await this.registerScope(generation, v, outcome);
      const actions = this.actions(plan, generation, projections);
      if (actions.length === 0) {
        outcome.duplicates += plan.duplicates;
        return diverted;
      }
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
        outcome.applied += plan.applied;
        outcome.duplicates += plan.duplicates;
        outcome.writeUnits += (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.WriteCapacityUnits ?? c.CapacityUnits ?? 0), 0);
        return diverted;
      } catch (error) {
        const retryable =
          error instanceof TransactionCanceledException
            ? cancellationIsRetryable(error)
            : error instanceof TransactionConflictException || error instanceof TransactionInProgressException;
        if (!retryable) throw storeError('apply rollups', error);
        if (attempt >= this.maxAttempts) throw new RollupContentionError(`rollup chunk still contended after ${attempt} attempts`, { cause: error });
        outcome.retries++;
        // A lost condition is progress by someone else: re-read at once. Conflicts and throttles back off.
        const codes = error instanceof TransactionCanceledException ? new Set((error.CancellationReasons ?? []).map((r) => r.Code ?? 'None')) : new Set(['TransactionConflict']);
        if (codes.has('TransactionConflict') || codes.has('ThrottlingError') || codes.has('ProvisionedThroughputExceeded') || codes.size === 0) await this.backoff(attempt);
      }
    }
  }

  /**
   * The exact path: recount one Events partition (a write shard of a vendor-day) and overwrite
   * its projection item with the result, sealed. Conditioned on the version read, so a
   * concurrent writer makes it recount again rather than lose or double anything.
   */
  private async recountPartition(pk: string, generation: number, outcome: ApplyOutcome): Promise<void> {
    const where = parseEventPartition(pk);
    if (!where) throw new ConflictError(`not an Events partition key: ${pk}`);
    const key = projectionKey(generation, where.vendorCode, where.day, where.shard);
    await this.registerScope(generation, where.vendorCode, outcome);
    for (let attempt = 1; ; attempt++) {
      let stored: Record<string, unknown> | undefined;
      try {
        const out = await this.client.send(new GetItemCommand({ TableName: this.tables.state, Key: marshall(key), ConsistentRead: true }));
        stored = out.Item ? unmarshall(out.Item) : undefined;
      } catch (error) {
        throw storeError('read projection item', error);
      }
      const version = typeof stored?.version === 'number' ? stored.version : 0;
      const items = await queryAll(
        this.client,
        { TableName: this.tables.events, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': pk }), ConsistentRead: true },
        'recount events partition',
      );
      const events: ClickEvent[] = [];
      for (const item of items) {
        try {
          events.push(fromEventItem(unmarshall(item)));
        } catch {
          // Not a valid ClickEvent: verify reports such items; they are never counted.
        }
      }
      const figures = figuresOfClicks(events, this.rules);
      // The whole breakdown is rewritten with the figures; the cap keeps the busiest values.
      const breakdown = breakdownAttributes(capBreakdown(breakdownOfClicks(events, this.rules), new Map()));
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tables.state,
            Item: marshall({ ...key, ...figures, ...breakdown, scope: where.vendorCode, day: where.day, shard: where.shard, version: version + 1, sealed: true, rules: ruleLabel(this.rules), recountedAt: this.now().toISOString() }, { removeUndefinedValues: true }),
            ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
            ...(version === 0 ? {} : { ExpressionAttributeValues: marshall({ ':v': version }) }),
          }),
        );
        outcome.plainWrites++;
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw storeError('write recounted projection', error);
        if (attempt >= this.maxAttempts) throw new RollupContentionError(`recount of ${pk} still contended after ${attempt} attempts`, { cause: error });
        outcome.retries++;
        await this.backoff(attempt);
      }
    }
  }

  /** Full jitter: spreads competing consumers apart instead of retrying in lock-step. */
  private backoff(attempt: number): Promise<void> {
    return this.sleep(fullJitterDelay(attempt + 1, TRANSACTION_BACKOFF, this.random));
  }

  private async read(events: readonly ClickEvent[], generation: number): Promise<Reading> {
    const unitKeys = new Map<string, { pk: string; sk: string }>();
    const projectionKeys = new Map<string, { pk: string; sk: string }>();
    const scopeKeys = new Map<string, { pk: string; sk: string }>();
    for (const e of events) {
      unitKeys.set(unitId(e), unitKey(generation, unitId(e)));
      const p = partitionOf(e);
      projectionKeys.set(p.pk, projectionKey(generation, p.vendorCode, p.day, p.shard));
      scopeKeys.set(e.vendorCode, scopeKey(generation, e.vendorCode));
    }
    const items = await this.batchGet([...unitKeys.values(), ...projectionKeys.values(), ...scopeKeys.values()]);
    const newScopes = [...scopeKeys].filter(([, key]) => !items.has(`${key.pk}|${key.sk}`)).map(([vendor]) => vendor);
    const units = new Map<string, StoredUnit | undefined>();
    for (const [id, key] of unitKeys) {
      const item = items.get(`${key.pk}|${key.sk}`);
      units.set(id, item ? unitFromItem(item) : undefined);
    }
    const projections: Reading['projections'] = new Map();
    for (const [pk, key] of projectionKeys) {
      const item = items.get(`${key.pk}|${key.sk}`);
      if (item) projections.set(pk, { sealed: item.sealed === true, window: figuresFromRecord(item), values: storedValues(item) });
    }
    return { units, projections, newScopes };
  }

  /**
   * Eventually consistent reads are enough: every write is conditioned on what was read
   * (a unit's version, a projection's window), so a stale read costs a retry, never a miscount.
   */
  private async batchGet(keys: ReadonlyArray<{ pk: string; sk: string }>): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    const table = this.tables.state;
    try {
      for (let i = 0; i < keys.length; i += 100) {
        let request: Record<string, { Keys: Record<string, AttributeValue>[] }> | undefined = { [table]: { Keys: keys.slice(i, i + 100).map((k) => marshall(k)) } };
        for (let round = 0; request && Object.keys(request).length > 0; round++) {
          if (round > 0) await this.backoff(Math.min(round, 6));
          const out = await this.client.send(new BatchGetItemCommand({ RequestItems: request }));
          for (const raw of out.Responses?.[table] ?? []) {
            const item = unmarshall(raw);
            found.set(`${item.pk}|${item.sk}`, item);
          }
          request = out.UnprocessedKeys as typeof request;
        }
      }
    } catch (error) {
      throw storeError('read rollup units', error);
    }
    return found;
  }

  /** Idempotent and unconditioned: two consumers registering the same vendor both succeed. */
  private async registerScope(generation: number, vendorCode: string, outcome: ApplyOutcome): Promise<void> {
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tables.state, Item: marshall({ ...scopeKey(generation, vendorCode), since: this.now().toISOString() }) }));
      outcome.plainWrites++;
    } catch (error) {
      throw storeError('register rollup scope', error);
    }
  }

  private actions(plan: UnitPlan, generation: number, projections: Reading['projections']): Action[] {
    const TableName = this.tables.state;
    const rules = this.rules;
    const actions: Action[] = [];
    for (const w of plan.writes) {
      const key = unitKey(generation, w.unit);
      const shard = parseEventPartition(w.projection)!.shard;
      actions.push({
        item: {
          Put: {
            TableName,
            Item: marshall(unitItem(key, { clicks: w.clicks, figures: w.figures, version: w.expectedVersion + 1, shard, rules, expiresAt: Math.floor((dayStartUtc(w.day) + LATENESS_HORIZON_MS + UNIT_TTL_MARGIN_MS) / 1000) })),
            ConditionExpression: w.expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
            ...(w.expectedVersion === 0 ? {} : { ExpressionAttributeValues: marshall({ ':v': w.expectedVersion }) }),
          },
        },
      });
    }
    for (const d of plan.deltas) {
      const stored = projections.get(d.projection);
      actions.push({ item: this.projectionUpdate(d, generation, stored?.window, capBreakdown(d.breakdown, stored?.values ?? new Map())) });
    }
    return actions;
  }

  /**
   * ADD is order-free; min/max are not expressible in an update, so the window is SET only
   * when it widens what was read, under a condition that it still would.
   */
  private projectionUpdate(d: ProjectionItemDelta, generation: number, known: RollupFigures | undefined, breakdown: DayBreakdown): TransactWriteItem {
    const shard = parseEventPartition(d.projection)!.shard;
    const names: Record<string, string> = { '#scope': 'scope', '#day': 'day', '#shard': 'shard' };
    const values: Record<string, unknown> = { ':one': 1, ':scope': d.vendorCode, ':day': d.day, ':shard': shard, ':yes': true };
    const adds = ['version :one'];
    COUNT_KEYS.forEach((k, i) => {
      if (d.delta[k] === 0) return;
      adds.push(`#c${i} :c${i}`);
      names[`#c${i}`] = k;
      values[`:c${i}`] = d.delta[k];
    });
    // The breakdown rides on the same update: same transaction, same exactly-once.
    let n = 0;
    for (const [dim, counts] of breakdown) {
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
    const sets = ['#scope = :scope', '#day = :day', '#shard = :shard'];
    const conditions = ['(attribute_not_exists(sealed) OR sealed <> :yes)'];
    if (d.delta.firstClickAt !== null && (!known || known.firstClickAt === null || d.delta.firstClickAt < known.firstClickAt)) {
      sets.push('firstClickAt = :first');
      conditions.push('(attribute_not_exists(firstClickAt) OR firstClickAt > :first)');
      values[':first'] = d.delta.firstClickAt;
    }
    if (d.delta.lastClickAt !== null && (!known || known.lastClickAt === null || d.delta.lastClickAt > known.lastClickAt)) {
      sets.push('lastClickAt = :last');
      conditions.push('(attribute_not_exists(lastClickAt) OR lastClickAt < :last)');
      values[':last'] = d.delta.lastClickAt;
    }
    return {
      Update: {
        TableName: this.tables.state,
        Key: marshall(projectionKey(generation, d.vendorCode, d.day, shard)),
        UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
      },
    };
  }
}

/** The breakdown values a projection item already has, per dimension (what the caps count). */
function storedValues(item: Record<string, unknown>): Map<BreakdownDimension, Set<string>> {
  return new Map([...breakdownFromItem(item)].map(([dim, values]) => [dim, new Set(values.keys())]));
}

function cancellationIsRetryable(error: TransactionCanceledException): boolean {
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.every((c) => ['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded'].includes(c));
}

/** ≤ 36 characters (DynamoDB's limit), a digest of the exact request. */
function requestToken(attempt: number, items: TransactWriteItem[]): string {
  return createHash('sha256').update(String(attempt)).update(JSON.stringify(items)).digest('base64url').slice(0, 36);
}
