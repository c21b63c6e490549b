/**
 * The analyst API's dependencies from configuration and the process's DynamoDB client. Who
 * authenticates callers is the root's choice, passed in as middleware: on Lambda API Gateway
 * (IAM / Cognito JWT, `apiGatewayAuthorized`), locally the bearer token from
 * `<REFTRACK_DATA_DIR>/secrets.json` (`bearerTokenAuth`, local/start.ts).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareHandler } from 'hono';
import type { AwsConfig, BusinessConfig, OutreachConfig } from '../config/config.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { systemClock } from '../adapters/clock.ts';
import { RollupReader } from '../adapters/dynamodb-rollup-reader.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import { RollupGenerations } from '../adapters/rollup-generation.ts';
import type { ApiAppDeps } from './api-app.ts';

export interface ApiWiring {
  readonly aws: Pick<AwsConfig, 'STATE_TABLE'>;
  readonly business: Pick<BusinessConfig, 'TIME_ZONE'>;
  readonly outreach: Pick<OutreachConfig, 'PUBLIC_BASE_URL'>;
  readonly dynamodb: DynamoDBClient;
  readonly auth: MiddlewareHandler;
  readonly telemetry: Telemetry;
}

/** What the analyst API and the vendor portal both read figures through (one definition, so both read alike). */
export type FigureReaders = Pick<ApiAppDeps, 'vendors' | 'rollups' | 'clock' | 'timeZone' | 'publicBaseUrl' | 'telemetry'>;

/** The vendors, the rollups (same 5 s generation cache as the consumers: a replay's switch shows within seconds), the clock and the business settings. */
export function wireFigureReaders(w: Omit<ApiWiring, 'auth'>): FigureReaders & { readonly vendors: DynamoVendorStore } {
  const { STATE_TABLE } = w.aws;
  return {
    vendors: new DynamoVendorStore(w.dynamodb, STATE_TABLE),
    rollups: new RollupReader(w.dynamodb, STATE_TABLE, new RollupGenerations(w.dynamodb, STATE_TABLE)),
    clock: systemClock,
    timeZone: w.business.TIME_ZONE,
    publicBaseUrl: w.outreach.PUBLIC_BASE_URL,
    telemetry: w.telemetry,
  };
}

export function wireApi(w: ApiWiring): ApiAppDeps {
  return { ...wireFigureReaders(w), auth: w.auth };
}
