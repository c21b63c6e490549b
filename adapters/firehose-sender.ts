/**
 * Sends export lines to a Firehose delivery stream with PutRecordBatch, within Firehose's
 * limits, and retries ONLY the records Firehose says failed (a 200 answer can still carry
 * failed records: FailedPutCount). What still fails after the retry budget is returned, not
 * thrown, so the stream consumer can hand exactly those records back to Lambda.
 */
import { PutRecordBatchCommand, type FirehoseClient, type PutRecordBatchResponseEntry } from '@aws-sdk/client-firehose';
import type { ExportConfig } from '../config/config.ts';
import { fullJitterDelay } from '../core/backoff.ts';
import { MetricName, type Telemetry } from '../core/telemetry.ts';

/** Firehose service limits (PutRecordBatch). */
export const FIREHOSE_LIMITS = {
  recordsPerCall: 500,
  bytesPerCall: 4 * 1024 * 1024,
  bytesPerRecord: 1_000 * 1024,
} as const;

export interface ExportEntry {
  /** The caller's id for the record (the stream consumer uses the stream sequence number). */
  readonly id: string;
  readonly data: Uint8Array;
}

export interface FailedEntry {
  readonly id: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export interface SendResult {
  readonly sent: number;
  /** Records not delivered after the whole budget; delivering them is now the caller's job. */
  readonly failed: FailedEntry[];
  /** How many record sends were retries (0 when everything went through first time). */
  readonly retried: number;
}

export interface RetryBudget {
  /** PutRecordBatch attempts per record, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export function retryBudget(cfg: Pick<ExportConfig, 'FIREHOSE_MAX_ATTEMPTS' | 'FIREHOSE_RETRY_BASE_MS' | 'FIREHOSE_RETRY_MAX_MS'>): RetryBudget {
  return { maxAttempts: cfg.FIREHOSE_MAX_ATTEMPTS, baseDelayMs: cfg.FIREHOSE_RETRY_BASE_MS, maxDelayMs: cfg.FIREHOSE_RETRY_MAX_MS };
}

/** Splits entries into PutRecordBatch calls: at most 500 records and 4 MiB each, order kept. */
export function chunkForPutRecordBatch<T extends ExportEntry>(entries: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.data.byteLength;
    if (current.length > 0 && (current.length === FIREHOSE_LIMITS.recordsPerCall || bytes + size > FIREHOSE_LIMITS.bytesPerCall)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FirehoseSender {
  constructor(
    private readonly client: FirehoseClient,
    private readonly deliveryStreamName: string,
    private readonly budget: RetryBudget,
    private readonly telemetry: Telemetry,
    private readonly timing: { sleep: (ms: number) => Promise<void>; random: () => number } = { sleep: sleepFor, random: Math.random },
  ) {}

  async send(entries: readonly ExportEntry[]): Promise<SendResult> {
    const failed: FailedEntry[] = [];
    let pending: ExportEntry[] = [];
    for (const entry of entries) {
      // Firehose would reject it on every attempt: fail it now instead of spending the budget.
      if (entry.data.byteLength > FIREHOSE_LIMITS.bytesPerRecord) {
        failed.push({ id: entry.id, errorCode: 'RecordTooLarge', errorMessage: `record is ${entry.data.byteLength} bytes; Firehose takes at most ${FIREHOSE_LIMITS.bytesPerRecord}` });
      } else {
        pending.push(entry);
      }
    }

    const lastError = new Map<string, FailedEntry>();
    let retried = 0;
    for (let attempt = 1; attempt <= this.budget.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) {
        retried += pending.length;
        this.telemetry.count(MetricName.ExportRecordRetried, pending.length);
        await this.timing.sleep(fullJitterDelay(attempt - 1, { baseMs: this.budget.baseDelayMs, maxMs: this.budget.maxDelayMs }, this.timing.random));
      }
      const stillFailing: ExportEntry[] = [];
      for (const chunk of chunkForPutRecordBatch(pending)) {
        for (const entry of await this.putBatch(chunk, attempt)) {
          lastError.set(entry.id, entry);
          stillFailing.push(chunk.find((c) => c.id === entry.id)!);
        }
      }
      pending = stillFailing;
    }

    for (const entry of pending) failed.push(lastError.get(entry.id)!);
    const sent = entries.length - failed.length;
    this.telemetry.count(MetricName.ExportRecordSent, sent);
    if (failed.length > 0) {
      this.telemetry.count(MetricName.ExportRecordFailed, failed.length);
      this.telemetry.logger.warn('export records undelivered after retry budget', { deliveryStreamName: this.deliveryStreamName, failed: failed.length, attempts: this.budget.maxAttempts, sample: failed.slice(0, 5) });
    }
    return { sent, failed, retried };
  }

  /** One PutRecordBatch call; returns the entries that failed in it (all of them if the call itself failed). */
  private async putBatch(chunk: readonly ExportEntry[], attempt: number): Promise<FailedEntry[]> {
    let responses: PutRecordBatchResponseEntry[];
    let failedPutCount: number;
    try {
      const answer = await this.client.send(new PutRecordBatchCommand({ DeliveryStreamName: this.deliveryStreamName, Records: chunk.map((e) => ({ Data: e.data })) }));
      responses = answer.RequestResponses ?? [];
      failedPutCount = answer.FailedPutCount ?? 0;
    } catch (error) {
      // After the SDK's own retries: throttling, 5xx, network, or a missing stream. Treat every
      // record of this call as failed; the budget decides whether it is tried again.
      const errorCode = error instanceof Error ? error.name : 'UnknownError';
      this.telemetry.logger.warn('PutRecordBatch call failed', { deliveryStreamName: this.deliveryStreamName, attempt, records: chunk.length, errorCode });
      return chunk.map((e) => ({ id: e.id, errorCode, errorMessage: error instanceof Error ? error.message : String(error) }));
    }
    if (failedPutCount === 0 && responses.length === chunk.length) return [];
    // Entries answer the records in order; a record counts as delivered only with a RecordId and no ErrorCode.
    const failed = chunk.flatMap((entry, i) => {
      const response = responses[i];
      if (response?.RecordId && !response.ErrorCode) return [];
      return [{ id: entry.id, errorCode: response?.ErrorCode ?? 'MissingResponse', errorMessage: response?.ErrorMessage ?? 'no answer for this record' }];
    });
    if (failed.length !== failedPutCount) {
      this.telemetry.logger.warn('FailedPutCount disagrees with the per-record answers', { deliveryStreamName: this.deliveryStreamName, failedPutCount, failedEntries: failed.length });
    }
    return failed;
  }
}
