/** Lambda entry for `POST /api/v1/conversions` (payload v2, no authorizer: the HMAC signature is checked inside). */
import { handle } from 'hono/aws-lambda';
import { conversionConfig } from '../config/config.ts';
import { resolveConversionSecret } from '../adapters/visitor-key.ts';
import { createConversionsApp } from '../http/conversions-app.ts';
import { wireConversions } from '../http/conversions-wiring.ts';

// Once per cold start: the signing key is read from Secrets Manager by ARN.
const secret = await resolveConversionSecret(conversionConfig());

export const handler = handle(createConversionsApp(wireConversions({ secret })));
