/** Lambda entry for `GET|HEAD /ref/{code}` behind the HTTP API (payload v2). */
import { getConnInfo, handle } from 'hono/aws-lambda';
import { redirectConfig, secretsExtensionConfig } from '../config/config.ts';
import { secretsExtensionReader } from '../adapters/secrets-extension.ts';
import { resolveOriginSecret, resolveVisitorHashKey } from '../adapters/visitor-key.ts';
import { createRedirectApp } from '../http/redirect-app.ts';
import { wireRedirect } from '../http/wiring.ts';

// Once per cold start (top-level await in the ESM bundle): in AWS the visitor-hash key and the
// origin-verify secret are read by ARN through the Parameters and Secrets extension (no Secrets
// Manager client in this bundle); a bad or unreadable secret fails the init, not a guest's click.
const cfg = redirectConfig();
const readSecret = secretsExtensionReader(secretsExtensionConfig());
const [visitorHashKey, originSecret] = await Promise.all([resolveVisitorHashKey(cfg, readSecret), resolveOriginSecret(cfg, readSecret)]);
const app = createRedirectApp({ ...wireRedirect({ visitorHashKey, originSecret }), clientIp: (c) => getConnInfo(c).remote.address });

export const handler = handle(app);
