/**
 * Lambda for the spill stream (Kinesis): re-appends each spilled click to the Events table.
 * The append is the same conditional put the redirect uses, so a click whose original write
 * landed after all is found present and counted once.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { awsConfig } from '../config/config.ts';
import { dynamodb } from '../adapters/dynamodb-client.ts';
import { DynamoClickLog } from '../adapters/dynamodb-click-log.ts';
import { decodeSpilled } from '../adapters/kinesis-spill.ts';
import { count, MetricName, metrics } from '../adapters/telemetry.ts';

const processor = new BatchProcessor(EventType.KinesisDataStreams);
const clicks = new DynamoClickLog(dynamodb, awsConfig().EVENTS_TABLE);

async function drainOne(record: KinesisStreamRecord): Promise<void> {
  // A record that is not a click event throws here and is reported as a batch item failure,
  // so the event source mapping retries, bisects and finally hands it to the on-failure destination.
  const event = decodeSpilled(record.kinesis.data);
  const result = await clicks.append(event);
  count(result === 'appended' ? MetricName.SpillDrained : MetricName.SpillAlreadyPresent);
}

export async function handler(event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> {
  try {
    return await processPartialResponse(event, drainOne, processor, { context, processInParallel: false, throwOnFullBatchFailure: false });
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
