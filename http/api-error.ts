import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { statusFor } from './error-status.ts';

/** The machine-readable `error.code` of each status the API answers with. */
const CODES: Readonly<Record<number, string>> = { 400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 409: 'conflict', 503: 'unavailable' };

export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * The JSON error every `/api/` route answers with: `{ "error": { "code", "message" } }`.
 * The status comes from the one error map (http/error-status.ts); a 5xx never shows its
 * message (it may hold internals), the caller logs it.
 */
export function apiError(error: unknown): { status: ContentfulStatusCode; body: ApiErrorBody } {
  const status = statusFor(error);
  const code = CODES[status] ?? 'internal';
  const message = status >= 500 && status !== 503 ? 'internal error' : error instanceof Error ? error.message : String(error);
  return { status, body: { error: { code, message } } };
}
