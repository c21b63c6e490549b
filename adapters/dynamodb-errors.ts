import { ReftrackError, StoreUnavailableError } from '../core/errors.ts';

/** Turns whatever the SDK threw into a domain error; the cause keeps the SDK's detail. */
export function storeError(action: string, error: unknown): ReftrackError {
  if (error instanceof ReftrackError) return error;
  return new StoreUnavailableError(`${action} failed (${describeSdkError(error)})`, { cause: error });
}

/**
 * The useful part of an SDK failure: the network code and where it tried to connect
 * (`ECONNREFUSED 127.0.0.1:8000`) rather than the bare class name `Error`.
 */
export function describeSdkError(error: unknown): string {
  if (!(error instanceof Error)) return 'UnknownError';
  const e = error as Error & { code?: string; address?: string; port?: number; errors?: unknown[] };
  // Node reports a refused dual-stack connect as an AggregateError of one error per address.
  const inner = (e.errors?.[0] ?? e) as typeof e;
  const code = e.code ?? inner.code;
  if (code) return inner.address ? `${code} ${inner.address}${inner.port ? `:${inner.port}` : ''}` : code;
  return e.name === 'Error' ? e.message.slice(0, 120) || e.name : e.name;
}
