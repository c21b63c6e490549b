/**
 * The spill drain (Kinesis): re-appends each spilled click to the Events table. The append is
 * the same conditional put the redirect uses, so a click whose original write landed after all
 * is found present and counted once.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { AwsConfig } from '../config/config.ts';
import type { ClickLog } from '../core/ports.ts';
import { ReftrackError } from '../core/errors.ts';
import { MetricName, type Telemetry } from '../core/telemetry.ts';
import { DynamoClickLog } from '../adapters/dynamodb-click-log.ts';
import { decodeSpilled } from '../adapters/kinesis-spill.ts';
import { kinesisStreamResponse } from './partial-batch.ts';

export interface SpillDrainDeps {
  readonly clicks: ClickLog;
  readonly telemetry: Telemetry;
}

export type SpillDrainHandler = (event: KinesisStreamEvent, context?: Context) => Promise<KinesisStreamBatchResponse>;

/** A record after a failed one in the same batch: not tried, because it is redelivered anyway. */
export class NotTriedAfterFailure extends ReftrackError {}

export function createSpillDrainHandler(deps: SpillDrainDeps): SpillDrainHandler {
  return async (event, context) => {
    // The event source mapping redelivers from the lowest failed sequence number, so every record
    // after a failure comes back whatever happens to it now. Trying them would only cost time: in
    // an outage each would wait out its own timeout (a batch of 100 took minutes), and the whole
    // shard waits behind it.
    let failed: unknown;
    const drainOne = async (record: KinesisStreamRecord): Promise<void> => {
      if (failed !== undefined) throw new NotTriedAfterFailure('an earlier record of this batch failed; redelivered with it', { cause: failed });
      try {
        // A record that is not a click event throws here and is reported as a batch item failure,
        // so the event source mapping retries, bisects and finally hands it to the on-failure destination.
        const result = await deps.clicks.append(decodeSpilled(record.kinesis.data));
        deps.telemetry.count(result === 'appended' ? MetricName.SpillDrained : MetricName.SpillAlreadyPresent);
      } catch (error) {
        failed = error;
        throw error;
      }
    };
    try {
      return await kinesisStreamResponse(event, drainOne, { throwOnFullBatchFailure: false, context });
    } finally {
      deps.telemetry.flush();
    }
  };
}

/** The deployed wiring (Lambda and `npm start`): the Events table through the process's client. */
export function spillDrainDeps(aws: Pick<AwsConfig, 'EVENTS_TABLE'>, dynamodb: DynamoDBClient, telemetry: Telemetry): SpillDrainDeps {
  return { clicks: new DynamoClickLog(dynamodb, aws.EVENTS_TABLE), telemetry };
}
