import { Agent } from 'node:http';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsConfig, type AwsConfig } from '../config/config.ts';
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

/** Created once per process (per Lambda container), reused by every request. */
export const dynamodb = new DynamoDBClient(dynamoClientConfig(awsConfig()));
