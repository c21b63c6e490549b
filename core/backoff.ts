/**
 * The one retry delay: exponential backoff with "full jitter", a random wait in
 * [0, min(max, base * 2^(retry-1))). Randomness spreads out the retries of many consumers (or
 * shards) that failed together, instead of retrying in lock-step. Every retry loop uses it: the
 * rollup store's transactions, the Firehose sender, the local pollers.
 */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** `retry` counts from 1 (the first retry waits below `baseMs`). */
export function fullJitterDelay(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
