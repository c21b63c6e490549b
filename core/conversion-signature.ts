/**
 * Signed booking reports, the way Stripe and Dub sign webhooks:
 *   X-Reftrack-Timestamp: <unix seconds>
 *   X-Reftrack-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the source's secret>
 * The timestamp is inside the MAC, so a captured request cannot be replayed outside the window,
 * and the raw body is, so no field can be changed. Idempotency on (bookingId, status) makes a
 * replay inside the window harmless.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './errors.ts';

export const SIGNATURE_TOLERANCE_SECONDS = 300;
export const TIMESTAMP_HEADER = 'X-Reftrack-Timestamp';
export const SIGNATURE_HEADER = 'X-Reftrack-Signature';

export function signConversion(secret: string, timestampSeconds: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`, 'utf8').digest('hex')}`;
}

export interface SignedRequest {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: string;
}

/**
 * Throws UnauthorizedError saying which check failed (missing header, stale timestamp, bad
 * signature); the message names no secret and echoes nothing from the request.
 */
export function verifyConversionSignature(req: SignedRequest, secret: string, now: Date, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): void {
  if (!req.timestamp || !req.signature) throw new UnauthorizedError(`missing ${!req.timestamp ? TIMESTAMP_HEADER : SIGNATURE_HEADER} header`);
  if (!/^\d{1,12}$/.test(req.timestamp)) throw new UnauthorizedError(`${TIMESTAMP_HEADER} must be unix seconds`);
  const skew = Math.abs(now.getTime() / 1000 - Number(req.timestamp));
  if (skew > toleranceSeconds) throw new UnauthorizedError(`${TIMESTAMP_HEADER} is outside the ${toleranceSeconds / 60}-minute window (check the sender's clock)`);
  const expected = Buffer.from(signConversion(secret, Number(req.timestamp), req.rawBody), 'utf8');
  const given = Buffer.from(req.signature.trim(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedError(`${SIGNATURE_HEADER} does not match the body`);
}
