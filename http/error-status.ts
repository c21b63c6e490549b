import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConflictError, NotFoundError, StoreUnavailableError, UnauthorizedError, ValidationError } from '../core/errors.ts';

/** The one map from domain error to HTTP status. Anything not listed is a 500. */
const STATUS: ReadonlyArray<[new (...args: any[]) => Error, ContentfulStatusCode]> = [
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [NotFoundError, 404],
  [ConflictError, 409],
  [StoreUnavailableError, 503],
];

export function statusFor(error: unknown): ContentfulStatusCode {
  for (const [type, status] of STATUS) if (error instanceof type) return status;
  return 500;
}
