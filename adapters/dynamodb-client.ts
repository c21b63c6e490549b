import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { AwsConfig } from '../config/config.ts';
import { awsClientConfig, requestHandler } from './aws-client-config.ts';

export function dynamoClientConfig(cfg: AwsConfig): DynamoDBClientConfig {
  return {
    ...awsClientConfig(cfg, cfg.DYNAMODB_ENDPOINT),
    maxAttempts: cfg.DYNAMODB_MAX_ATTEMPTS,
    requestHandler: requestHandler({ connectMs: cfg.DYNAMODB_REQUEST_TIMEOUT_MS, requestMs: cfg.DYNAMODB_REQUEST_TIMEOUT_MS, maxSockets: 256 }),
  };
}

/** One per process (per Lambda container), built by its composition root and reused by every request. */
export function createDynamoClient(cfg: AwsConfig): DynamoDBClient {
  return new DynamoDBClient(dynamoClientConfig(cfg));
}

/** Streams API client (the local poller uses it; in AWS, Lambda's event source mapping reads the stream). */
export function createDynamoStreamsClient(cfg: AwsConfig): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(dynamoClientConfig(cfg));
}
