/**
 * The one error model of the HTTP apps (API, outreach, dashboard; the redirect app answers every
 * failure with a 302 instead). One table maps each error class to its status, its
 * machine-readable code and whether its message may be shown; one `onError` uses it; one JSON
 * shape goes out: `{ "error": { "code", "message" } }`.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConflictError, NotFoundError, StoreUnavailableError, UnauthorizedError, ValidationError, type ReftrackError } from '../core/errors.ts';
import type { Telemetry } from '../core/telemetry.ts';

interface ErrorMapping {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  /** Whether the caller sees the error's own message (it is written for them) or a generic one. */
  readonly expose: boolean;
}

type ErrorClass = abstract new (message: string, options?: { cause?: unknown }) => ReftrackError;

/** First match wins, so a subclass listed before its parent gets its own row. */
const ERROR_TABLE: ReadonlyArray<readonly [ErrorClass, ErrorMapping]> = [
  [ValidationError, { status: 400, code: 'bad_request', expose: true }],
  [UnauthorizedError, { status: 401, code: 'unauthorized', expose: true }],
  [NotFoundError, { status: 404, code: 'not_found', expose: true }],
  [ConflictError, { status: 409, code: 'conflict', expose: true }],
  // Names the engine that is unreachable ("query State failed (TimeoutError)"), never its internals.
  [StoreUnavailableError, { status: 503, code: 'unavailable', expose: true }],
];

/** Anything else is a bug: a 500 whose message (it may hold internals) stays in the log. */
const UNEXPECTED: ErrorMapping = { status: 500, code: 'internal', expose: false };

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export function errorMapping(error: unknown): ErrorMapping {
  return ERROR_TABLE.find(([type]) => error instanceof type)?.[1] ?? UNEXPECTED;
}

/** The status and JSON body for an error. */
export function errorResponse(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const mapping = errorMapping(error);
  const message = mapping.expose && error instanceof Error ? error.message : 'internal error';
  return { status: mapping.status, body: { error: { code: mapping.code, message } } };
}

/** Answers `c` with the error: never cached, logged when it is the server's fault. */
export function respondWithError(c: Context, error: unknown, telemetry: Telemetry): Response {
  const { status, body } = errorResponse(error);
  if (status >= 500) telemetry.logger.error('request failed', { error, method: c.req.method, path: c.req.path.slice(0, 200) });
  c.header('Cache-Control', 'no-store');
  return c.json(body, status);
}

/** The `app.onError` of every JSON-speaking app. */
export function jsonErrorHandler(telemetry: Telemetry): ErrorHandler {
  return (error, c) => respondWithError(c, error, telemetry);
}

/** The `app.notFound` of every JSON-speaking app: unknown routes answer 404 in the same shape. */
export function jsonNotFound(telemetry: Telemetry): NotFoundHandler {
  return (c) => respondWithError(c, new NotFoundError(`no such route: ${c.req.method} ${c.req.path.slice(0, 100)}`), telemetry);
}
