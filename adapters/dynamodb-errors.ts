import { ReftrackError, StoreUnavailableError } from '../core/errors.ts';

/** Turns whatever the SDK threw into a domain error; the cause keeps the SDK's detail. */
export function storeError(action: string, error: unknown): ReftrackError {
  if (error instanceof ReftrackError) return error;
  const name = error instanceof Error ? error.name : 'UnknownError';
  return new StoreUnavailableError(`${action} failed (${name})`, { cause: error });
}
