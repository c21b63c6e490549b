/**
 * What the code reports, as ports: a structured log and named counters. The Powertools
 * implementation lives in adapters/telemetry.ts; each composition root builds one and passes it
 * to whatever reports, so nothing creates a logger when imported.
 */

import type { MetricName } from './metric-names.ts';

// The names live in a module of their own (no imports), which the CDK alarms read too.
export { MetricName } from './metric-names.ts';

/** A structured log: a message and the attributes that go with it (one JSON line each). */
export interface Log {
  debug(message: string, ...attributes: Array<Record<string, unknown>>): void;
  info(message: string, ...attributes: Array<Record<string, unknown>>): void;
  warn(message: string, ...attributes: Array<Record<string, unknown>>): void;
  error(message: string, ...attributes: Array<Record<string, unknown>>): void;
  /** False when debug lines are dropped anyway: a hot path then skips building them. Absent: assume true. */
  isDebugEnabled?(): boolean;
}

export interface Telemetry {
  readonly logger: Log;
  count(name: MetricName, value?: number): void;
  /** Publishes what was counted since the last flush (on Lambda: once per invocation). */
  flush(): void;
}
