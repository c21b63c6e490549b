/** Helpers for the analyst tests: clicks through the real aggregate consumer, the CLI as a child process. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dynamodb } from './clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import type { ApiAppDeps } from '../../http/api-app.ts';
import { bearerTokenAuth } from '../../http/api-auth.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { insertRecord, streamEvent } from './stream-records.ts';
import { telemetry } from './telemetry.ts';

const run = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npx reftrack ...` on the given tables, as a separate process. */
export async function reftrack(tables: TableNames, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const fullEnv = { ...process.env, EVENTS_TABLE: tables.events, STATE_TABLE: tables.state, REFTRACK_TARGET: 'local', ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, ['cli/bin.js', ...args], { env: fullEnv, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Appends the events to the log and applies them through the aggregate consumer, as the stream would. */
export async function recordAndAggregate(tables: TableNames, events: readonly ClickEvent[]): Promise<void> {
  const log = new DynamoClickLog(dynamodb, tables.events);
  for (const e of events) await log.append(e);
  const handler = createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables, { sleep: async () => {} }), generations: new RollupGenerations(dynamodb, tables.state, 0), telemetry });
  const result = await handler(streamEvent(events.map(insertRecord)));
  if (result.batchItemFailures.length > 0) throw new Error(`aggregate reported failures: ${JSON.stringify(result.batchItemFailures)}`);
}

/** The analyst API's dependencies on the test tables, at a fixed instant, behind a bearer token (Los Angeles days). */
export function apiDepsOn(tables: TableNames, now: Date, token: string): ApiAppDeps {
  return {
    vendors: new DynamoVendorStore(dynamodb, tables.state),
    rollups: new RollupReader(dynamodb, tables.state, new RollupGenerations(dynamodb, tables.state, 0)),
    clock: { now: () => now },
    timeZone: 'America/Los_Angeles',
    publicBaseUrl: 'https://refs.example.com',
    auth: bearerTokenAuth(token),
    telemetry,
  };
}

/** Appends clicks to the real event log (so `verify` recounts exactly what the stream carried). */
export async function appendClicks(tables: TableNames, events: readonly ClickEvent[]): Promise<readonly ClickEvent[]> {
  const log = new DynamoClickLog(dynamodb, tables.events);
  for (const e of events) await log.append(e);
  return events;
}
