/**
 * The one delivery loop of the local event source mappings (local/stream-poller.ts for the
 * DynamoDB stream, local/kinesis-poller.ts for the spill stream): invoke the handler with a
 * batch read from one shard, checkpoint what it handled, retry what it did not, and finally
 * send what keeps failing to the dead-letter dir. The pollers only read shards and say how a
 * record is checkpointed and dead-lettered; how a batch is delivered is defined here, once.
 *
 * Rules (Lambda's, for ReportBatchItemFailures + BisectBatchOnFunctionError):
 * - A fresh copy of the records per invocation, as Lambda deserializes a fresh event: a handler
 *   that mutates its records cannot change a retry.
 * - `batchItemFailures`: checkpoint before the lowest failed sequence number and redeliver from
 *   it; an entry that names no record of the batch (empty, unknown) fails the whole batch.
 * - A thrown error with bisecting on splits the batch in halves (not counted as a retry).
 * - The record at the head of a delivery is retried until it has failed 1 + maxRetries
 *   invocations in a row; then it (or, when the handler threw and bisecting is off, the whole
 *   remainder: a thrown error names no record) is dead-lettered and checkpointed, and the rest
 *   flows on. Retries wait a full-jitter backoff (core/backoff.ts).
 * - Stopping abandons pending retries without checkpointing them: the next start redelivers.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { fullJitterDelay, type Backoff } from '../core/backoff.ts';
import { ReftrackError } from '../core/errors.ts';

/** A poller itself cannot do what was asked (not started, stopped, did not catch up in time). */
export class StreamPollerError extends ReftrackError {}

/** What a stream handler answers (DynamoDBBatchResponse and KinesisStreamBatchResponse share it). */
export interface BatchResponse {
  readonly batchItemFailures: ReadonlyArray<{ readonly itemIdentifier?: string | undefined } | null | undefined>;
}

export interface DeliverySettings {
  readonly maxRetries: number;
  readonly bisectOnError: boolean;
  readonly retry: Backoff;
}

/** What one poller tells the loop: how to invoke, read a record's position, checkpoint and dead-letter. */
export interface DeliveryPorts<R> {
  /** Runs the consumer's handler on `{ Records }` (already a fresh copy). */
  invoke(records: R[]): Promise<BatchResponse | void | null | undefined>;
  sequenceOf(record: R): string;
  /** Records up to and including `sequenceNumber` are handled. */
  checkpoint(shardId: string, sequenceNumber: string): Promise<void>;
  deadLetter(shardId: string, records: R[], attempts: number, error: unknown): Promise<void>;
  stopping(): boolean;
  /** A wait that stopping cuts short. */
  sleep(ms: number): Promise<void>;
  readonly log: Logger;
}

/** The invocation's result: every record handled, or where redelivery starts (and the thrown error, if any). */
type Outcome = { readonly ok: true } | { readonly ok: false; readonly failedAt: number; readonly error?: unknown };

/** Sequence numbers are decimal strings of unequal length (21-40 digits on DynamoDB, more on Kinesis): compare as numbers. */
function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Index in the batch (given by its sequence numbers) where redelivery must start, or undefined
 * when the batch succeeded. Like the event source mapping: restart from the lowest failed
 * sequence number; a failure entry that names no record of the batch fails the whole batch.
 */
function firstFailedIndex(sequences: readonly string[], response: BatchResponse | void | null | undefined): number | undefined {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return undefined;
  let lowest: number | undefined;
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    const index = id && /^\d+$/.test(id) ? sequences.findIndex((seq) => /^\d+$/.test(seq) && compareSequence(seq, id) === 0) : -1;
    if (index < 0) return 0;
    lowest = lowest === undefined ? index : Math.min(lowest, index);
  }
  return lowest;
}

export class ShardDelivery<R> {
  constructor(
    private readonly settings: DeliverySettings,
    private readonly ports: DeliveryPorts<R>,
  ) {}

  /** Delivers until every record is handled or dead-lettered; false if stopped first (the rest redelivers next start). */
  async deliver(shardId: string, records: R[]): Promise<boolean> {
    const { ports, settings } = this;
    let pending = records;
    let failures = 0; // consecutive failed invocations with the same head record
    while (pending.length > 0) {
      if (ports.stopping()) return false;
      const outcome = await this.invoke(pending);
      if (outcome.ok) {
        await ports.checkpoint(shardId, ports.sequenceOf(pending.at(-1)!));
        return true;
      }

      if (outcome.error !== undefined && settings.bisectOnError && pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        ports.log.warn('handler threw; bisecting the batch', { shardId, size: pending.length, error: outcome.error });
        return (await this.deliver(shardId, pending.slice(0, half))) && (await this.deliver(shardId, pending.slice(half)));
      }

      if (outcome.failedAt > 0) {
        await ports.checkpoint(shardId, ports.sequenceOf(pending[outcome.failedAt - 1]!));
        pending = pending.slice(outcome.failedAt);
        failures = 0;
      }
      failures += 1;
      if (outcome.error !== undefined) ports.log.warn('handler threw', { shardId, size: pending.length, failures, error: outcome.error });
      else ports.log.warn('batch item failure; redelivering from the lowest failed sequence number', { shardId, from: ports.sequenceOf(pending[0]!), failures });

      if (failures > settings.maxRetries) {
        // A thrown error names no record: without bisecting, the whole remainder is suspect.
        const dead = outcome.error !== undefined ? pending : pending.slice(0, 1);
        await ports.deadLetter(shardId, dead, failures, outcome.error);
        await ports.checkpoint(shardId, ports.sequenceOf(dead.at(-1)!));
        pending = pending.slice(dead.length);
        failures = 0;
        continue;
      }
      // The one retry delay, so retries of many shards (or consumers) do not fire in step.
      await ports.sleep(fullJitterDelay(failures, settings.retry));
    }
    return true;
  }

  private async invoke(records: R[]): Promise<Outcome> {
    try {
      const response = await this.ports.invoke(structuredClone(records));
      const failedAt = firstFailedIndex(records.map((r) => this.ports.sequenceOf(r)), response);
      return failedAt === undefined ? { ok: true } : { ok: false, failedAt };
    } catch (error) {
      return { ok: false, failedAt: 0, error };
    }
  }
}

/** A poller's stop switch: `sleep` waits that `stop()` cuts short, so stopping never waits out a backoff. */
export class StopSignal {
  private stopped = false;
  private readonly sleepers = new Set<() => void>();

  get stopping(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
  }

  /** `onWake` receives the wake function, for a caller that wants to cut this one sleep short itself. */
  sleep(ms: number, onWake?: (wake: () => void) => void): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
      onWake?.(wake);
    });
  }
}
