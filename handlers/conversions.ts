/** Lambda entry for `POST /api/v1/conversions` (payload v2, no authorizer: the HMAC signature is checked inside). */
import { handle } from 'hono/aws-lambda';
import { conversionConfig, secretsExtensionConfig } from '../config/config.ts';
import { secretsExtensionReader } from '../adapters/secrets-extension.ts';
import { resolveConversionSecret } from '../adapters/visitor-key.ts';
import { createConversionsApp } from '../http/conversions-app.ts';
import { wireConversions } from '../http/conversions-wiring.ts';

// Once per cold start: the signing key is read by ARN through the Parameters and Secrets extension.
const secret = await resolveConversionSecret(conversionConfig(), secretsExtensionReader(secretsExtensionConfig()));

export const handler = handle(createConversionsApp(wireConversions({ secret })));
