/** Lambda entry for `POST /api/v1/conversions` (payload v2, no authorizer: the HMAC signature is checked inside). */
import { handle } from 'hono/aws-lambda';
import { awsConfig, businessConfig, conversionConfig, secretsExtensionConfig, telemetryConfig } from '../config/config.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { secretsExtensionReader } from '../adapters/secrets-extension.ts';
import { resolveConversionSecret } from '../adapters/visitor-key.ts';
import { createConversionsApp } from '../http/conversions-app.ts';
import { wireConversions } from '../http/conversions-wiring.ts';

const aws = awsConfig();
const conversion = conversionConfig();
// Once per cold start: the signing key is read by ARN through the Parameters and Secrets extension.
const secret = await resolveConversionSecret(conversion, secretsExtensionReader(secretsExtensionConfig()));
const deps = wireConversions({
  aws,
  business: businessConfig(),
  conversion,
  dynamodb: createDynamoClient(aws),
  secret,
  telemetry: new PowertoolsTelemetry(telemetryConfig()),
});

export const handler = handle(createConversionsApp(deps));
