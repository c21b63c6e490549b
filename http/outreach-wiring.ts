/** Outreach's dependencies from configuration and the process's DynamoDB client (the local server). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareHandler } from 'hono';
import { outreachSettings, type AwsConfig, type OutreachConfig } from '../config/config.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { systemClock } from '../adapters/clock.ts';
import { DynamoApprovalCardStore } from '../adapters/dynamodb-outreach-store.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import type { OutreachAppDeps } from './outreach-app.ts';

export interface OutreachWiring {
  readonly aws: Pick<AwsConfig, 'STATE_TABLE'>;
  readonly outreach: OutreachConfig;
  readonly dynamodb: DynamoDBClient;
  readonly apiAuth: MiddlewareHandler;
  readonly telemetry: Telemetry;
}

export function wireOutreach(w: OutreachWiring): OutreachAppDeps {
  const { STATE_TABLE } = w.aws;
  return {
    // Read per request (no cache): the preview must show a vendor added a second ago.
    vendors: new DynamoVendorStore(w.dynamodb, STATE_TABLE),
    cards: new DynamoApprovalCardStore(w.dynamodb, STATE_TABLE),
    clock: systemClock,
    settings: outreachSettings(w.outreach),
    apiAuth: w.apiAuth,
    telemetry: w.telemetry,
  };
}
