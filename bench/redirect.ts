/**
 * Redirect figures, each beside its ceiling measured in the same run:
 * - HTTP throughput and latency of the redirect server on DynamoDB Local, vs raw conditional
 *   PutItem calls at the same concurrency (the most clicks this engine can record here) and a
 *   bare node:http 302 (the most our own CPU could answer with no work at all);
 * - CPU microseconds per click inside the redirect handler with in-memory stores, vs a bare Hono redirect.
 * Load is generated in this process; servers run in child processes so they do not share its event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { CachedVendorDirectory } from '../core/cached-vendor-directory.ts';
import { parseCidrs } from '../core/internal-traffic.ts';
import { Vendor } from '../core/vendor.ts';
import { environment } from '../config/config.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { systemClock, ulidGenerator } from '../adapters/clock.ts';
import { createRedirectApp } from '../http/redirect-app.ts';
import { freePort } from '../local/free-port.ts';
import type { BenchRow } from './row.ts';

const CONCURRENCY = 32;
const DURATION_S = 5;

function startChild(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), args, { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function load(url: string): Promise<{ rps: number; p50: number; p99: number; non302: number }> {
  const result = await autocannon({ url, connections: CONCURRENCY, duration: DURATION_S, headers: { 'user-agent': 'Mozilla/5.0 (bench) Chrome/131.0' } });
  const total = result.requests.total;
  const ok = result['3xx'];
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non302: total - ok };
}

async function rawPutItem(client: DynamoDBClient, table: string): Promise<{ rps: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const deadline = Date.now() + DURATION_S * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        const id = randomUUID();
        const started = performance.now();
        await client.send(new PutItemCommand({ TableName: table, Item: marshall({ pk: `bench#raw`, sk: id, payload: 'x'.repeat(600) }), ConditionExpression: 'attribute_not_exists(pk)' }));
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / DURATION_S, p50: at(0.5), p99: at(0.99) };
}

async function cpuPerRequest(app: Hono, path: string, n: number): Promise<number> {
  for (let i = 0; i < 500; i++) await app.request(path); // warm up the JIT
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await app.request(path, { headers: { 'user-agent': 'Mozilla/5.0 (bench) Chrome/131.0' } });
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

export async function benchRedirect(ctx: { client: DynamoDBClient; endpoint: string; tables: { events: string; state: string }; telemetry: Telemetry }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const port = await freePort();
  const env = { ...environment(), PORT: String(port), DYNAMODB_ENDPOINT: ctx.endpoint, EVENTS_TABLE: ctx.tables.events, STATE_TABLE: ctx.tables.state, REFTRACK_TARGET: 'local', POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', WRITE_BUDGET_MS: '10000', VISITOR_HASH_KEY: 'bench-visitor-hash-key-0123456789abcdef', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const server = await startChild('./servers/redirect.ts', [], env);
  const barePort = await freePort();
  const bare = await startChild('./servers/bare.ts', [String(barePort)], env);
  try {
    await load(`http://127.0.0.1:${port}/ref/solare`); // warm up the JVM and the server
    const redirect = await load(`http://127.0.0.1:${port}/ref/solare`);
    const raw = await rawPutItem(ctx.client, ctx.tables.events);
    const baseline = await load(`http://127.0.0.1:${barePort}/ref/solare`);
    rows.push(
      { section: 'redirect', metric: `redirect server + DynamoDB Local, c=${CONCURRENCY}`, value: redirect.rps, unit: 'req/s', baseline: raw.rps, baselineName: 'raw conditional PutItem', note: `p50 ${redirect.p50} ms, p99 ${redirect.p99} ms (raw PutItem p50 ${raw.p50.toFixed(1)}, p99 ${raw.p99.toFixed(1)}); non-302: ${redirect.non302}` },
      { section: 'redirect', metric: `redirect server vs bare node:http 302, c=${CONCURRENCY}`, value: redirect.rps, unit: 'req/s', baseline: baseline.rps, baselineName: 'bare node:http 302', note: `bare p50 ${baseline.p50} ms, p99 ${baseline.p99} ms` },
    );
  } finally {
    server.kill();
    bare.kill();
  }

  const inMemory = createRedirectApp({
    vendors: new CachedVendorDirectory({ list: async () => [Vendor.parse({ code: 'solare', name: 'Solare' })] }, systemClock, 3_600_000),
    clicks: { append: async () => 'appended' },
    clock: systemClock,
    ids: ulidGenerator(),
    settings: { defaultDestination: 'https://queenofsandiego.com/', fallbackUrl: 'https://queenofsandiego.com/', timeZone: 'America/Los_Angeles', utmPreset: 'ga4', visitorHashKey: 'k'.repeat(32), internalRanges: parseCidrs([]), writeBudgetMs: 1_000 },
    clientIp: () => '198.51.100.7',
    trustCloudFront: false,
    telemetry: ctx.telemetry,
  });
  const bareHono = new Hono().get('/ref/:code', (c) => c.redirect('https://queenofsandiego.com/?utm_source=solare', 302));
  const handlerUs = await cpuPerRequest(inMemory, '/ref/solare', 20_000);
  const bareUs = await cpuPerRequest(bareHono, '/ref/solare', 20_000);
  rows.push({ section: 'redirect', metric: 'CPU per click in the redirect handler (in-memory stores)', value: handlerUs, unit: 'µs', baseline: bareUs, baselineName: 'bare Hono 302', note: 'process.cpuUsage over 20,000 in-process requests' });
  return rows;
}
