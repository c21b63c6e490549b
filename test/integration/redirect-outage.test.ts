import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClientConfig } from '../../adapters/dynamodb-client.ts';
import { provision } from '../../adapters/provision.ts';
import { awsConfig } from '../../config/config.ts';
import { loadSeedVendors } from '../../config/seed-vendors.ts';
import { freePort } from '../../local/free-port.ts';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { testRedirectApp } from '../support/redirect-app.ts';

/** A DynamoDB Local of this file's own, so it can be stopped mid-test like a regional outage. */
describe('redirect during a DynamoDB outage', () => {
  let engine: RunningDynamoDbLocal;
  let client: DynamoDBClient;
  const tables = { events: 'outage-events', state: 'outage-state' };

  beforeAll(async () => {
    engine = await startDynamoDbLocal({ port: await freePort() });
    client = new DynamoDBClient(dynamoClientConfig({ ...awsConfig(), DYNAMODB_ENDPOINT: engine.endpoint, DYNAMODB_MAX_ATTEMPTS: 2, DYNAMODB_REQUEST_TIMEOUT_MS: 500 }));
    await provision(client, tables, loadSeedVendors());
  });
  afterAll(async () => {
    client.destroy();
    await engine.stop();
  });

  it('keeps redirecting every guest when the engine goes away', async () => {
    const warm = testRedirectApp(tables, { client });
    const cold = testRedirectApp(tables, { client });
    expect((await warm.request('/ref/solare')).status).toBe(302);

    await engine.stop();

    // A server that already knows the vendors still sends the guest to the vendor's destination.
    const during = await warm.request('/ref/solare', { headers: { 'user-agent': 'Mozilla/5.0 Chrome/131.0' } });
    expect(during.status).toBe(302);
    expect(during.headers.get('location')).toContain('utm_source=solare');

    // A fresh server that could not load vendors sends guests to the fallback, still a 302.
    const fresh = await cold.request('/ref/solare');
    expect(fresh.status).toBe(302);
    expect(fresh.headers.get('location')).toBe('https://queenofsandiego.com/?ref=fallback');

    const many = await Promise.all(Array.from({ length: 50 }, () => warm.request('/ref/boardbrew')));
    expect(many.every((r) => r.status === 302)).toBe(true);
  });
});
