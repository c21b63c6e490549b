/**
 * The local stand-in for the event source mapping's S3 on-failure destination: one JSON
 * file per batch that exhausted its retries, holding the full records (an SQS/SNS
 * destination would only get metadata), so an operator can inspect and replay them.
 * Both local pollers write it: DynamoDB stream batches (`DDBStreamBatchInfo`) and Kinesis
 * ones (`KinesisBatchInfo`), in the shape Lambda gives each.
 */
import { join } from 'node:path';
import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { writeJsonAtomic } from './atomic-file.ts';

/** Why the last invocation failed: the thrown error, or a reported batch item failure. */
export interface FailureReason {
  readonly kind: 'FunctionError' | 'BatchItemFailure';
  readonly errorType?: string;
  readonly errorMessage?: string;
}

export interface DeadLetter<R> {
  readonly consumer: string;
  readonly streamArn: string;
  readonly shardId: string;
  /** Invocations that saw these records, the last one included. */
  readonly attempts: number;
  readonly reason: FailureReason;
  readonly records: readonly R[];
}

/** How one kind of stream names its batch info and where a record keeps its position and arrival. */
export interface StreamRecordShape<R> {
  readonly batchInfoKey: 'DDBStreamBatchInfo' | 'KinesisBatchInfo';
  sequenceOf(record: R): string | undefined;
  arrivalOf(record: R): number | undefined;
}

export const DYNAMODB_RECORDS: StreamRecordShape<DynamoDBRecord> = {
  batchInfoKey: 'DDBStreamBatchInfo',
  sequenceOf: (r) => r.dynamodb?.SequenceNumber,
  arrivalOf: (r) => r.dynamodb?.ApproximateCreationDateTime,
};

export const KINESIS_RECORDS: StreamRecordShape<KinesisStreamRecord> = {
  batchInfoKey: 'KinesisBatchInfo',
  sequenceOf: (r) => r.kinesis.sequenceNumber,
  arrivalOf: (r) => r.kinesis.approximateArrivalTimestamp,
};

/** The reason of a failed invocation: `undefined` means the handler answered with batch item failures. */
export function failureReason(error: unknown): FailureReason {
  if (error === undefined) return { kind: 'BatchItemFailure' };
  return { kind: 'FunctionError', errorType: error instanceof Error ? error.name : typeof error, errorMessage: error instanceof Error ? error.message : String(error) };
}

/** Writes the entry in the shape of an S3 failure record (requestContext, <batch info>, payload) and returns its path. */
export async function writeDeadLetter<R>(dir: string, shape: StreamRecordShape<R>, entry: DeadLetter<R>, now = new Date()): Promise<string> {
  const first = entry.records[0];
  const last = entry.records.at(-1);
  const startSequenceNumber = first === undefined ? undefined : shape.sequenceOf(first);
  const file = join(dir, `${now.toISOString().replace(/[:.]/g, '-')}-${entry.shardId}-${startSequenceNumber ?? 'empty'}.json`);
  await writeJsonAtomic(file, {
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: { condition: 'RetryAttemptsExhausted', consumer: entry.consumer, approximateInvokeCount: entry.attempts },
    responseContext: entry.reason,
    [shape.batchInfoKey]: {
      shardId: entry.shardId,
      startSequenceNumber,
      endSequenceNumber: last === undefined ? undefined : shape.sequenceOf(last),
      approximateArrivalOfFirstRecord: first === undefined ? undefined : shape.arrivalOf(first),
      approximateArrivalOfLastRecord: last === undefined ? undefined : shape.arrivalOf(last),
      batchSize: entry.records.length,
      streamArn: entry.streamArn,
    },
    payload: { Records: entry.records },
  });
  return file;
}
