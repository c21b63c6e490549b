import { KinesisClient } from '@aws-sdk/client-kinesis';
import type { AwsConfig, SpillConfig } from '../config/config.ts';
import { awsClientConfig, requestHandler } from './aws-client-config.ts';

/**
 * The spill stream's client, one per process. Plain HTTP/1.1 handler: kinesalite does not speak
 * HTTP/2, and PutRecord/GetRecords do not need it in AWS either (only SubscribeToShard does,
 * which reftrack does not use). Kinesis is the last resort on the hot path: short timeouts.
 */
export function createKinesisClient(aws: AwsConfig, spill: Pick<SpillConfig, 'KINESIS_ENDPOINT' | 'KINESIS_REQUEST_TIMEOUT_MS'>): KinesisClient {
  return new KinesisClient({
    ...awsClientConfig(aws, spill.KINESIS_ENDPOINT),
    maxAttempts: 2,
    requestHandler: requestHandler({ connectMs: spill.KINESIS_REQUEST_TIMEOUT_MS, requestMs: spill.KINESIS_REQUEST_TIMEOUT_MS, maxSockets: 64 }),
  });
}
