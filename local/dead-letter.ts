/**
 * The local stand-in for the event source mapping's S3 on-failure destination: one JSON
 * file per batch that exhausted its retries, holding the full records (an SQS/SNS
 * destination would only get metadata), so an operator can inspect and replay them.
 */
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { writeJsonAtomic } from './atomic-file.ts';

export interface DeadLetter {
  readonly consumer: string;
  readonly streamArn: string;
  readonly shardId: string;
  /** Invocations that saw these records, the last one included. */
  readonly attempts: number;
  /** Why the last invocation failed: the thrown error, or a reported batch item failure. */
  readonly reason: { readonly kind: 'FunctionError' | 'BatchItemFailure'; readonly errorType?: string; readonly errorMessage?: string };
  readonly records: readonly DynamoDBRecord[];
}

/** Writes the entry in the shape of an S3 failure record (requestContext, DDBStreamBatchInfo, payload) and returns its path. */
export async function writeDeadLetter(dir: string, entry: DeadLetter, now = new Date()): Promise<string> {
  const first = entry.records[0]?.dynamodb;
  const last = entry.records.at(-1)?.dynamodb;
  const file = join(dir, `${now.toISOString().replace(/[:.]/g, '-')}-${entry.shardId}-${first?.SequenceNumber ?? 'empty'}.json`);
  await writeJsonAtomic(file, {
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: { condition: 'RetryAttemptsExhausted', consumer: entry.consumer, approximateInvokeCount: entry.attempts },
    responseContext: entry.reason,
    DDBStreamBatchInfo: {
      shardId: entry.shardId,
      startSequenceNumber: first?.SequenceNumber,
      endSequenceNumber: last?.SequenceNumber,
      approximateArrivalOfFirstRecord: first?.ApproximateCreationDateTime,
      approximateArrivalOfLastRecord: last?.ApproximateCreationDateTime,
      batchSize: entry.records.length,
      streamArn: entry.streamArn,
    },
    payload: { Records: entry.records },
  });
  return file;
}
