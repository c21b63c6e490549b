/**
 * How every stream consumer answers Lambda: each record's outcome is decided first (a consumer
 * writes a whole batch at once), then Powertools' BatchProcessor turns "this record failed" into
 * the `batchItemFailures` of ReportBatchItemFailures. Sequential (per-item order holds) unless a
 * consumer's records are independent and says `inParallel`.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

export interface PartialBatchOptions {
  /**
   * When every record failed: throw (Lambda then retries the batch as a function error, and
   * bisects it) instead of listing every record. Powertools' default is to throw.
   */
  readonly throwOnFullBatchFailure: boolean;
  /** Handle every record of the batch at once (records independent of each other and of order). @default false */
  readonly inParallel?: boolean;
  readonly context?: Context | undefined;
}

/** DynamoDB Streams: `failureOf(record)` is the record's error, or undefined when it was handled. */
export function dynamoStreamResponse(event: DynamoDBStreamEvent, failureOf: (record: DynamoDBRecord) => Error | undefined, opts: PartialBatchOptions): Promise<DynamoDBBatchResponse> {
  return processPartialResponse(event, async (record: DynamoDBRecord) => rethrow(failureOf(record)), new BatchProcessor(EventType.DynamoDBStreams), powertoolsOptions(opts));
}

/** Kinesis: each record is handled in turn by `handle`, which throws when the record failed. */
export function kinesisStreamResponse(event: KinesisStreamEvent, handle: (record: KinesisStreamRecord) => Promise<void>, opts: PartialBatchOptions): Promise<KinesisStreamBatchResponse> {
  return processPartialResponse(event, handle, new BatchProcessor(EventType.KinesisDataStreams), powertoolsOptions(opts));
}

function rethrow(error: Error | undefined): void {
  if (error) throw error;
}

function powertoolsOptions(opts: PartialBatchOptions) {
  return { processInParallel: opts.inParallel ?? false, throwOnFullBatchFailure: opts.throwOnFullBatchFailure, ...(opts.context ? { context: opts.context } : {}) } as const;
}
