import { Agent } from 'node:http';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConfig } from '../config/config.ts';
import { awsClientConfig } from './aws-client-config.ts';

export function dynamoClientConfig(cfg: AwsConfig): DynamoDBClientConfig {
  return {
    ...awsClientConfig(cfg, cfg.DYNAMODB_ENDPOINT),
    maxAttempts: cfg.DYNAMODB_MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: cfg.DYNAMODB_REQUEST_TIMEOUT_MS,
      requestTimeout: cfg.DYNAMODB_REQUEST_TIMEOUT_MS,
      // Local endpoints are plain HTTP; keep connections open as the SDK does for HTTPS.
      httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }),
    }),
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
