/**
 * No click lost, no guest stranded: load and faults against `npm start` itself (a child process
 * with its own data directory), ending with exact counts everywhere:
 * event log = rollups = distinct exported click ids = the click ids guests were sent with.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { clickLoad } from '../support/load.ts';
import { localPorts, startLocalRuntime, type LocalRuntime } from '../support/local-runtime.ts';

const run = promisify(execFile);
const cli = (runtime: LocalRuntime, ...args: string[]) => run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { env: runtime.env, maxBuffer: 64 * 1024 * 1024 });

/** Every clickId in the runtime's Events table (a Scan: the test's view, not a product path). */
async function storedClickIds(runtime: LocalRuntime): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint: runtime.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  const ids: string[] = [];
  let start: Record<string, any> | undefined;
  try {
    do {
      const page = await client.send(new ScanCommand({ TableName: 'reftrack-events', ProjectionExpression: 'clickId', ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) ids.push(item.clickId!.S!);
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return ids;
}

async function rollupClicks(runtime: LocalRuntime): Promise<number> {
  const { stdout } = await cli(runtime, 'rollups', '--format', 'json', '--from', '2026-01-01', '--to', '2026-12-31');
  return JSON.parse(stdout).total.clicks;
}

async function exportedClickIds(runtime: LocalRuntime): Promise<string[]> {
  const { stdout } = await cli(runtime, 'exports', 'ls', '--from', '2026-01-01', '--to', '2026-12-31');
  const days = [...new Set([...stdout.matchAll(/dt=(\d{4}-\d{2}-\d{2})/g)].map((m) => m[1]!))];
  const ids: string[] = [];
  for (const day of days) {
    const out = await cli(runtime, 'exports', 'cat', '--day', day, '--dedupe');
    ids.push(...out.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line).clickId));
  }
  return ids;
}

/**
 * Waits until `remaining()` reaches 0. A slow pipeline is not a lost click: on a loaded machine
 * DynamoDB Local can take minutes over a backlog, so this fails only when nothing moved for
 * `stallMs` (a lost click never arrives, and the count stops falling) or after `maxMs` in all.
 */
async function drained(what: string, remaining: () => Promise<number>, { stallMs = 90_000, maxMs = 300_000 } = {}): Promise<void> {
  const started = Date.now();
  let best = Number.POSITIVE_INFINITY;
  let movedAt = started;
  for (;;) {
    const left = await remaining();
    if (left === 0) return;
    if (left < best) {
      best = left;
      movedAt = Date.now();
    }
    if (Date.now() - movedAt > stallMs) throw new Error(`timed out waiting for ${what}: ${left} left, none for ${stallMs / 1000} s`);
    if (Date.now() - started > maxMs) throw new Error(`timed out waiting for ${what}: ${left} left after ${maxMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * Ends the DynamoDB Local of a runtime abruptly, mid-load. SIGTERM, not SIGKILL: DynamoDB Local
 * (SQLite underneath) does not promise that a write it acknowledged survives a SIGKILL of its JVM,
 * while the service it stands in for does; the test is about reftrack's behaviour, not that.
 */
async function killEngine(port: string): Promise<void> {
  execFileSync('pkill', ['-TERM', '-f', `DynamoDBLocal.jar.*-port ${port}`]);
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`]);
    } catch {
      return; // pgrep exits 1: gone
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectExact(runtime: LocalRuntime, guestClickIds: string[]): Promise<void> {
  const sent = new Set(guestClickIds);
  expect(sent.size).toBe(guestClickIds.length);
  // Every click a guest was redirected with is in the log (the log may also hold clicks whose
  // answer never reached a guest because the server died in between: stored, not lost).
  let missing: string[] = [];
  await drained('every redirected click in the event log', async () => {
    const stored = new Set(await storedClickIds(runtime));
    missing = [...sent].filter((id) => !stored.has(id));
    return missing.length;
  }).catch((error: Error) => {
    // Late or lost? The runtime's own log says which path each missing click took.
    const output = runtime.output();
    const lines = (id: string) => output.split('\n').filter((l) => l.includes(id));
    const spilled = missing.filter((id) => lines(id).some((l) => l.includes('click spilled')));
    const unrecorded = missing.filter((id) => lines(id).some((l) => l.includes('click-unrecorded')));
    throw new Error(`${error.message}: ${missing.length} missing; ${spilled.length} logged as spilled (late: still in the spill stream), ${unrecorded.length} as unrecorded (kept in unrecorded.ndjson), ${missing.length - spilled.length - unrecorded.length} with no log line; first: ${missing.slice(0, 3).join(', ')}`);
  });
  const stored = await storedClickIds(runtime);
  expect(new Set(stored).size).toBe(stored.length);
  let rolled = -1;
  await drained(`rollups to catch up (event log ${stored.length})`, async () => stored.length - (rolled = await rollupClicks(runtime))).catch((error: Error) => {
    throw new Error(`${error.message}; rollups say ${rolled}`);
  });
  await drained('exports to catch up', async () => stored.length - new Set(await exportedClickIds(runtime)).size);
  expect(new Set(await exportedClickIds(runtime))).toEqual(new Set(stored));
  await cli(runtime, 'verify'); // exits 1 (and throws here) on any vendor/day difference
}

describe('reliability of the local pipeline', () => {
  const dirs: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'reftrack-reliability-'));
    dirs.push(dir);
    return dir;
  };

  it('10,000 clicks at concurrency 64, DynamoDB killed and restarted mid-load, Firehose failing 30%: every guest 302, every click once', async () => {
    const dir = dataDir();
    const ports = await localPorts();
    const runtime = await startLocalRuntime(dir, ports, { LOCAL_FIREHOSE_FAIL_RATE: '0.3', LOCAL_FIREHOSE_INTERVAL_SECONDS: '2' });
    cleanups.push(() => runtime.stop());
    let restarted: RunningDynamoDbLocal | undefined;
    let outage: Promise<void> | undefined;
    const load = await clickLoad(runtime.baseUrl, 10_000, 64, (done) => {
      if (done === 2_500) {
        outage = killEngine(ports.DYNAMODB_LOCAL_PORT!).then(async () => {
          await new Promise((r) => setTimeout(r, 1_500));
          restarted = await startDynamoDbLocal({ port: Number(ports.DYNAMODB_LOCAL_PORT), dbPath: join(dir, 'dynamodb') });
          cleanups.push(() => restarted!.stop());
        });
      }
    });
    await outage;
    expect(load.connectionErrors, `requests with no answer: ${JSON.stringify(load.connectionErrorKinds)}`).toBe(0);
    expect(Object.fromEntries(load.statuses)).toEqual({ 302: 10_000 });
    // 1 in 4 user agents is a link-preview bot: still a click (counted as a bot click), still redirected.
    expect(load.clickIds).toHaveLength(10_000);
    expect(runtime.output()).toMatch(/click spilled/);
    await expectExact(runtime, load.clickIds);
  }, 600_000);

  it('npm start killed mid-load (consumers mid-batch) and started again: every redirected click counted once', async () => {
    const dir = dataDir();
    const ports = await localPorts();
    let runtime = await startLocalRuntime(dir, ports, { LOCAL_FIREHOSE_INTERVAL_SECONDS: '2' });
    let restart: Promise<void> | undefined;
    const load = await clickLoad(runtime.baseUrl, 3_000, 32, (done) => {
      if (done === 1_000) {
        const dying = runtime;
        restart = (async () => {
          await dying.stop('SIGKILL');
          await killEngine(ports.DYNAMODB_LOCAL_PORT!); // the runtime's JVM goes down with it
          runtime = await startLocalRuntime(dir, ports, { LOCAL_FIREHOSE_INTERVAL_SECONDS: '2' });
        })();
      }
    });
    await restart;
    cleanups.push(() => runtime.stop());
    expect(load.connectionErrors).toBeGreaterThan(0); // guests did hit the dead server: this test did kill it
    expect([...load.statuses.keys()]).toEqual([302]);
    await expectExact(runtime, load.clickIds);
  }, 600_000);
});
