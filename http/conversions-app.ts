/**
 * `POST /api/v1/conversions`: the booking system reports a booking, cancellation or refund,
 * signed with its own secret (core/conversion-signature.ts). No analyst credentials: the
 * signature is the authentication, checked over the raw body before anything is parsed.
 *
 *   201 stored | 200 already stored (same bookingId and status) | 400 names the bad field
 *   401 bad or stale signature (nothing stored) | 409 same booking and status, other values
 *
 * Mount it before the analyst API, whose `/api/v1/*` middleware asks for analyst credentials.
 */
import { Hono } from 'hono';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyConversionSignature } from '../core/conversion-signature.ts';
import { ValidationError } from '../core/errors.ts';
import { parseConversionReport, recordConversion, type ConversionDeps } from '../core/record-conversion.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { jsonErrorHandler, jsonNotFound } from './errors.ts';

export interface ConversionsAppDeps extends ConversionDeps {
  /** The source's signing secret (`conversionSecret` locally, Secrets Manager in AWS). */
  readonly secret: string;
  /** Where a failure of ours (a 5xx) is logged, by the one error handler (http/errors.ts). */
  readonly telemetry: Telemetry;
}

/** A booking report is a few hundred bytes; anything far larger is not one. */
const MAX_BODY_BYTES = 16_384;

export function createConversionsApp(deps: ConversionsAppDeps): Hono {
  const app = new Hono();
  app.post('/api/v1/conversions', async (c) => {
    c.header('Cache-Control', 'no-store');
    const raw = await c.req.text();
    if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new ValidationError(`body: larger than ${MAX_BODY_BYTES} bytes`);
    verifyConversionSignature({ timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER), rawBody: raw }, deps.secret, deps.clock.now());
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ValidationError('body: not JSON');
    }
    const outcome = await recordConversion(parseConversionReport(body), 'api', deps);
    return c.json({ stored: outcome.kind === 'stored', conversion: outcome.event }, outcome.kind === 'stored' ? 201 : 200);
  });
  app.notFound(jsonNotFound(deps.telemetry));
  app.onError(jsonErrorHandler(deps.telemetry));
  return app;
}
