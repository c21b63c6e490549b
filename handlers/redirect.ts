/** Lambda entry for `GET|HEAD /ref/{code}` through its function URL behind CloudFront (payload v2): composed once per container. */
import { getConnInfo, handle } from 'hono/aws-lambda';
import { awsConfig, redirectConfig, secretsExtensionConfig, spillConfig, telemetryConfig } from '../config/config.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { secretsExtensionReader } from '../adapters/secrets-extension.ts';
import { composeRedirectApp } from '../http/wiring.ts';

// Once per cold start (top-level await in the ESM bundle): in AWS the visitor-hash key (and an
// origin-verify secret, where one is configured) is read by ARN through the Parameters and Secrets
// extension (no Secrets Manager client in this bundle); a bad or unreadable secret fails the init,
// not a guest's click.
const app = await composeRedirectApp({
  aws: awsConfig(),
  redirect: redirectConfig(),
  spill: spillConfig(),
  readSecret: secretsExtensionReader(secretsExtensionConfig()),
  telemetry: new PowertoolsTelemetry(telemetryConfig()),
  clientIp: (c) => getConnInfo(c).remote.address,
});

export const handler = handle(app);
