import { Agent } from 'node:http';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConfig } from '../config/config.ts';

/**
 * Region, endpoint and credentials for every AWS client (DynamoDB, Kinesis, Firehose); local and
 * cloud differ only here. Its own module, so importing it creates no client (only functions).
 */
export function awsClientConfig(cfg: AwsConfig, endpoint: string): Pick<DynamoDBClientConfig, 'region' | 'endpoint' | 'credentials'> {
  return cfg.REFTRACK_TARGET === 'local'
    ? { region: cfg.AWS_REGION, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : { region: cfg.AWS_REGION };
}

export interface RequestLimits {
  /** Connecting, and then the whole answer: each ends the attempt when exceeded (the SDK retries per maxAttempts). */
  readonly connectMs: number;
  readonly requestMs: number;
  /** Open connections kept per client (local endpoints are plain HTTP; AWS endpoints use the SDK's HTTPS agent). */
  readonly maxSockets: number;
}

/**
 * The HTTP handler every client uses. `throwOnRequestTimeout`: since @smithy/node-http-handler
 * 4.x a `requestTimeout` alone only logs a warning and the call keeps waiting, so a hung
 * connection held a consumer (or a guest waiting on the spill) for as long as the socket lived.
 */
export function requestHandler(limits: RequestLimits): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: limits.connectMs,
    requestTimeout: limits.requestMs,
    throwOnRequestTimeout: true,
    httpAgent: new Agent({ keepAlive: true, maxSockets: limits.maxSockets }),
  });
}
