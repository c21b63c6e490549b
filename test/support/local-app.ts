/** The local server's app composed the way local/start.ts composes it, on a test's tables and data dir. */
import type { Hono } from 'hono';
import { awsConfig, businessConfig, conversionConfig, environment, localConfig, outreachConfig, portalConfig, redirectConfig, spillConfig } from '../../config/config.ts';
import { createKinesisClient } from '../../adapters/kinesis-client.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { loadOrCreateSecrets, portalSigningKey } from '../../local/secrets.ts';
import { createLocalApp } from '../../local/server.ts';
import { dynamodb } from './clients.ts';
import { telemetry } from './telemetry.ts';

export function localAppOn(tables: TableNames, dataDir: string): { app: Hono; apiToken: string } {
  const env = { ...environment(), EVENTS_TABLE: tables.events, STATE_TABLE: tables.state, REFTRACK_DATA_DIR: dataDir };
  const aws = awsConfig(env);
  const spill = spillConfig(env);
  const redirect = redirectConfig(env);
  const { apiToken, visitorHashKey, conversionSecret } = loadOrCreateSecrets(dataDir);
  const conversion = conversionConfig(env);
  const portal = portalConfig(env);
  const app = createLocalApp({
    aws,
    redirect,
    spill,
    business: businessConfig(env),
    outreach: outreachConfig(env),
    conversion,
    portal,
    local: localConfig(env),
    dynamodb,
    kinesis: createKinesisClient(aws, spill),
    visitorHashKey,
    apiToken,
    conversionSecret: conversion.CONVERSION_SECRET ?? conversionSecret,
    portalSigningKey: portalSigningKey(portal, dataDir),
    telemetry,
  });
  return { app, apiToken };
}
