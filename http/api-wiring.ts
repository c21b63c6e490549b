/** The analyst API's composition root: config + adapters -> the API app's dependencies. */
import type { MiddlewareHandler } from 'hono';
import { awsConfig, businessConfig, localConfig, outreachConfig } from '../config/config.ts';
import { dynamodb } from '../adapters/dynamodb-client.ts';
import { RollupReader } from '../adapters/dynamodb-rollup-reader.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import { RollupGenerations } from '../adapters/rollup-generation.ts';
import { loadOrCreateSecrets } from '../local/secrets.ts';
import { apiGatewayAuthorized, bearerTokenAuth } from './api-auth.ts';
import type { ApiAppDeps } from './api-app.ts';
import { systemClock } from './wiring.ts';

/**
 * REFTRACK_TARGET decides who authenticates API callers: in AWS, API Gateway (IAM / Cognito
 * JWT) before the function runs; locally, this process, with the bearer token kept in
 * `<REFTRACK_DATA_DIR>/secrets.json` (printed by npm start).
 */
export function apiAuth(): MiddlewareHandler {
  if (awsConfig().REFTRACK_TARGET === 'aws') return apiGatewayAuthorized;
  return bearerTokenAuth(loadOrCreateSecrets(localConfig().REFTRACK_DATA_DIR).apiToken);
}

export function wireApi(auth: MiddlewareHandler = apiAuth()): ApiAppDeps {
  const { STATE_TABLE } = awsConfig();
  return {
    vendors: new DynamoVendorStore(dynamodb, STATE_TABLE),
    // Same 5 s generation cache as the consumers: a replay's switch shows within seconds.
    rollups: new RollupReader(dynamodb, STATE_TABLE, new RollupGenerations(dynamodb, STATE_TABLE)),
    clock: systemClock,
    timeZone: businessConfig().TIME_ZONE,
    publicBaseUrl: outreachConfig().PUBLIC_BASE_URL,
    auth,
  };
}
