/**
 * Starts one in-memory DynamoDB Local for the run and points every worker at it through
 * the environment (workers are forked after this runs, so they inherit it).
 */
import { quietLocalRuntime } from '../../config/config.ts';
import { freePort } from '../../local/free-port.ts';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../local/dynamodb-local.ts';

let engine: RunningDynamoDbLocal | undefined;

export async function setup(): Promise<void> {
  quietLocalRuntime();
  engine = await startDynamoDbLocal({ port: await freePort() });
  process.env.REFTRACK_TARGET = 'local';
  process.env.DYNAMODB_ENDPOINT = engine.endpoint;
  process.env.VISITOR_HASH_KEY ??= 'test-visitor-hash-key-0123456789abcdef';
}

export async function teardown(): Promise<void> {
  await engine?.stop();
}
