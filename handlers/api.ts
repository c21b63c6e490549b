/**
 * Lambda entry for `/api/v1/*` behind the HTTP API (payload v2). API Gateway authorizes every
 * route (IAM or a Cognito JWT) before the function runs; the app checks that one did.
 */
import { handle } from 'hono/aws-lambda';
import { awsConfig, businessConfig, outreachConfig, telemetryConfig } from '../config/config.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { createApiApp } from '../http/api-app.ts';
import { apiGatewayAuthorized } from '../http/api-auth.ts';
import { wireApi } from '../http/api-wiring.ts';

const aws = awsConfig();
const deps = wireApi({
  aws,
  business: businessConfig(),
  outreach: outreachConfig(),
  dynamodb: createDynamoClient(aws),
  auth: apiGatewayAuthorized,
  telemetry: new PowertoolsTelemetry(telemetryConfig()),
});

export const handler = handle(createApiApp(deps));
