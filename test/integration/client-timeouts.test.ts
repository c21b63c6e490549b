/**
 * A hung engine (accepts the connection, reads the request, never answers) must end the call at
 * the configured timeout, so a consumer retries and a guest waiting on the spill gets the
 * unrecorded path instead of waiting for as long as the socket lives.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClientConfig } from '../../adapters/dynamodb-client.ts';
import { createKinesisClient } from '../../adapters/kinesis-client.ts';
import { awsConfig } from '../../config/config.ts';

describe('AWS clients against an engine that never answers', () => {
  let server: Server;
  let endpoint: string;
  const sockets = new Set<Socket>();
  let closedByClient = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => undefined); // read the request, answer nothing
      socket.on('close', () => {
        sockets.delete(socket);
        closedByClient++;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  async function timed(call: () => Promise<unknown>): Promise<{ error: Error; ms: number }> {
    const started = performance.now();
    const error = await call().then(
      () => new Error('answered'),
      (e: Error) => e,
    );
    return { error, ms: performance.now() - started };
  }

  it('DynamoDB: each attempt ends at DYNAMODB_REQUEST_TIMEOUT_MS and the connection is closed', async () => {
    const client = new DynamoDBClient(dynamoClientConfig({ ...awsConfig(), REFTRACK_TARGET: 'local', DYNAMODB_ENDPOINT: endpoint, DYNAMODB_MAX_ATTEMPTS: 1, DYNAMODB_REQUEST_TIMEOUT_MS: 300 }));
    const before = closedByClient;
    try {
      const { error, ms } = await timed(() => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })));
      expect(error.name).toBe('TimeoutError');
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(5_000);
      await expect.poll(() => closedByClient - before).toBe(1);
    } finally {
      client.destroy();
    }
  });

  it('Kinesis (the spill): both attempts end at KINESIS_REQUEST_TIMEOUT_MS', async () => {
    const client = createKinesisClient({ ...awsConfig(), REFTRACK_TARGET: 'local' }, { KINESIS_ENDPOINT: endpoint, KINESIS_REQUEST_TIMEOUT_MS: 300 });
    try {
      const { error, ms } = await timed(() => client.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: new Uint8Array([1]) })));
      expect(error.name).toBe('TimeoutError');
      expect(ms).toBeGreaterThanOrEqual(590);
      expect(ms).toBeLessThan(8_000);
    } finally {
      client.destroy();
    }
  });
});
