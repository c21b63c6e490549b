/** The local server's app composed the way local/start.ts composes it, on a test's tables and data dir. */
import type { Hono } from 'hono';
import { awsConfig, businessConfig, environment, outreachConfig, redirectConfig, spillConfig } from '../../config/config.ts';
import { createKinesisClient } from '../../adapters/kinesis-client.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { loadOrCreateSecrets } from '../../local/secrets.ts';
import { createLocalApp } from '../../local/server.ts';
import { dynamodb } from './clients.ts';
import { telemetry } from './telemetry.ts';

export function localAppOn(tables: TableNames, dataDir: string): { app: Hono; apiToken: string } {
  const env = { ...environment(), EVENTS_TABLE: tables.events, STATE_TABLE: tables.state, REFTRACK_DATA_DIR: dataDir };
  const aws = awsConfig(env);
  const spill = spillConfig(env);
  const redirect = redirectConfig(env);
  const { apiToken, visitorHashKey } = loadOrCreateSecrets(dataDir);
  const app = createLocalApp({ aws, redirect, spill, business: businessConfig(env), outreach: outreachConfig(env), dynamodb, kinesis: createKinesisClient(aws, spill), visitorHashKey, apiToken, telemetry });
  return { app, apiToken };
}
