/** Lambda entry for `GET|HEAD /ref/{code}` behind the HTTP API (payload v2): composed once per container. */
import { getConnInfo, handle } from 'hono/aws-lambda';
import { awsConfig, redirectConfig, secretsExtensionConfig, spillConfig, telemetryConfig } from '../config/config.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { createKinesisClient } from '../adapters/kinesis-client.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { secretsExtensionReader } from '../adapters/secrets-extension.ts';
import { resolveOriginSecret, resolveVisitorHashKey } from '../adapters/visitor-key.ts';
import { createRedirectApp } from '../http/redirect-app.ts';
import { wireRedirect } from '../http/wiring.ts';

const aws = awsConfig();
const redirect = redirectConfig();
const spill = spillConfig();
// Once per cold start (top-level await in the ESM bundle): in AWS the visitor-hash key and the
// origin-verify secret are read by ARN through the Parameters and Secrets extension (no Secrets
// Manager client in this bundle); a bad or unreadable secret fails the init, not a guest's click.
const readSecret = secretsExtensionReader(secretsExtensionConfig());
const [visitorHashKey, originSecret] = await Promise.all([resolveVisitorHashKey(redirect, readSecret), resolveOriginSecret(redirect, readSecret)]);
const deps = wireRedirect({
  aws,
  redirect,
  spill,
  dynamodb: createDynamoClient(aws),
  kinesis: createKinesisClient(aws, spill),
  visitorHashKey,
  originSecret,
  telemetry: new PowertoolsTelemetry(telemetryConfig()),
});

export const handler = handle(createRedirectApp({ ...deps, clientIp: (c) => getConnInfo(c).remote.address }));
