/**
 * Redirect figures. The floor is what the redirect cannot avoid: one conditional PutItem.
 * Both servers are child processes of the same kind (node, the same SDK client configuration,
 * the same DynamoDB Local), driven by the same load generator in this process:
 * - the redirect app alone (bench/servers/redirect.ts), as the redirect Lambda runs it;
 * - a bare node:http server doing one conditional PutItem of a click-sized item and a 302
 *   (bench/servers/raw-put.ts).
 * On a shared 2-core machine one measurement of each swings by 2x, so they alternate
 * (redirect, put, put, redirect, ...) ROUNDS times and each figure is the median of the rounds.
 * Plus the redirect handler's CPU per click with in-memory stores, against a bare Hono 302.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { CachedVendorDirectory } from '../core/cached-vendor-directory.ts';
import { parseCidrs } from '../core/internal-traffic.ts';
import { Vendor } from '../core/vendor.ts';
import { environment } from '../config/config.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { systemClock, ulidGenerator } from '../adapters/clock.ts';
import { createRedirectApp } from '../http/redirect-app.ts';
import { freePort } from '../local/free-port.ts';
import type { BenchRow } from './row.ts';
import { median, quantile, spread } from './stats.ts';

const ROUNDS = 3;
const C32 = 32;
const C32_SECONDS = 5;
const C1_REQUESTS = 1_500;
const USER_AGENT = 'Mozilla/5.0 (bench) Chrome/131.0';

export interface RedirectBenchContext {
  readonly endpoint: string;
  readonly tables: { readonly events: string; readonly state: string };
  readonly telemetry: Telemetry;
}

/** The child's process.cpuUsage(), in µs (both servers answer a 'cpu' message with it). */
function childCpuUs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu.user + m.cpu.system));
    child.send('cpu');
  });
}

function startChild(script: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Latencies {
  readonly p50: number;
  readonly p99: number;
  readonly non302: number;
}

/** Concurrency 1: one request after another on a kept-alive connection, timed in this process (µs resolution). */
async function sequential(url: string, n: number): Promise<Latencies> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let non302 = 0;
  try {
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(url, { agent, headers: { 'user-agent': USER_AGENT } }, (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
        });
        req.once('error', reject);
        req.end();
      });
      times.push(performance.now() - started);
      if (status !== 302) non302++;
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), non302 };
}

interface Throughput {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non302: number;
}

async function concurrent(url: string, connections: number, seconds: number): Promise<Throughput> {
  const result = await autocannon({ url, connections, duration: seconds, headers: { 'user-agent': USER_AGENT } });
  return { rps: result.requests.total / seconds, p50: result.latency.p50, p99: result.latency.p99, non302: result.requests.total - result['3xx'] };
}

async function cpuPerRequest(app: Hono, path: string, n: number): Promise<number> {
  for (let i = 0; i < 500; i++) await app.request(path); // warm up the JIT
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await app.request(path, { headers: { 'user-agent': USER_AGENT } });
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

export async function benchRedirect(ctx: RedirectBenchContext): Promise<BenchRow[]> {
  const env = (port: number): NodeJS.ProcessEnv => ({
    ...environment(),
    PORT: String(port),
    DYNAMODB_ENDPOINT: ctx.endpoint,
    EVENTS_TABLE: ctx.tables.events,
    STATE_TABLE: ctx.tables.state,
    REFTRACK_TARGET: 'local',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // Measure the write, never the spill path.
    WRITE_BUDGET_MS: '10000',
    VISITOR_HASH_KEY: 'bench-visitor-hash-key-0123456789abcdef',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const redirectPort = await freePort();
  const putPort = await freePort();
  const redirectServer = await startChild('./servers/redirect.ts', env(redirectPort));
  const putServer = await startChild('./servers/raw-put.ts', env(putPort));
  const redirectUrl = `http://127.0.0.1:${redirectPort}/ref/solare`;
  const putUrl = `http://127.0.0.1:${putPort}/ref/solare`;
  const c1 = { redirect: [] as Latencies[], put: [] as Latencies[] };
  const cpuMs = { redirect: [] as number[], put: [] as number[] };
  const c32 = { redirect: [] as Throughput[], put: [] as Throughput[] };
  try {
    // Warm up the JVM, both servers' JITs and their connection pools.
    await concurrent(redirectUrl, C32, 2);
    await concurrent(putUrl, C32, 2);
    for (let round = 0; round < ROUNDS; round++) {
      // ABBA order, so neither side always runs first (DynamoDB Local slows as its table grows).
      const order = round % 2 === 0 ? (['redirect', 'put'] as const) : (['put', 'redirect'] as const);
      for (const side of order) {
        const server = side === 'redirect' ? redirectServer : putServer;
        const before = await childCpuUs(server);
        c1[side].push(await sequential(side === 'redirect' ? redirectUrl : putUrl, C1_REQUESTS));
        cpuMs[side].push(((await childCpuUs(server)) - before) / 1000 / C1_REQUESTS);
      }
      for (const side of [...order].reverse()) c32[side].push(await concurrent(side === 'redirect' ? redirectUrl : putUrl, C32, C32_SECONDS));
    }
  } finally {
    redirectServer.kill();
    putServer.kill();
  }

  const overheads = c1.redirect.map((r, i) => r.p50 - c1.put[i]!.p50);
  const ratios = c32.redirect.map((r, i) => r.rps / c32.put[i]!.rps);
  const med = <T, K extends keyof T>(xs: readonly T[], k: K) => median(xs.map((x) => Number(x[k])));
  const non302 = [...c1.redirect, ...c32.redirect].reduce((n, r) => n + r.non302, 0);
  const rows: BenchRow[] = [
    {
      id: 'redirect.c1.p50_ms', section: 'redirect', metric: 'redirect p50 latency, concurrency 1', value: med(c1.redirect, 'p50'), unit: 'ms',
      baseline: med(c1.put, 'p50'), baselineName: 'raw conditional PutItem server',
      note: `medians of ${ROUNDS} alternated rounds of ${C1_REQUESTS} requests; p99 ${med(c1.redirect, 'p99').toFixed(2)} vs ${med(c1.put, 'p99').toFixed(2)} ms`,
    },
    {
      id: 'redirect.c1.cpu_ms_per_click', section: 'redirect', metric: 'CPU per click of the redirect server (process.cpuUsage), concurrency 1', value: median(cpuMs.redirect), unit: 'ms',
      baseline: median(cpuMs.put), baselineName: 'raw conditional PutItem server', note: `median of ${ROUNDS} rounds; includes the SDK's request pipeline and GC`,
    },
    {
      id: 'redirect.c1.overhead_ms', section: 'redirect', metric: 'redirect p50 minus raw PutItem p50, concurrency 1', value: median(overheads), unit: 'ms',
      target: { max: 0.5 }, note: `median ${spread(overheads, 3)} ms per round`,
    },
    {
      id: 'redirect.c32.rps', section: 'redirect', metric: `redirect throughput, concurrency ${C32}`, value: med(c32.redirect, 'rps'), unit: 'req/s',
      baseline: med(c32.put, 'rps'), baselineName: 'raw conditional PutItem server',
      note: `medians of ${ROUNDS} alternated ${C32_SECONDS} s rounds; p50 ${med(c32.redirect, 'p50')} / p99 ${med(c32.redirect, 'p99')} ms vs ${med(c32.put, 'p50')} / ${med(c32.put, 'p99')} ms`,
    },
    {
      id: 'redirect.c32.ratio_vs_put', section: 'redirect', metric: `redirect throughput / raw PutItem throughput, concurrency ${C32}`, value: median(ratios), unit: 'x',
      target: { min: 0.8 }, note: `median ${spread(ratios)} of per-round ratios`,
    },
    { id: 'redirect.non_302', section: 'redirect', metric: 'redirect answers other than 302', value: non302, unit: 'responses', target: { max: 0 }, note: `of every request in the ${ROUNDS * 2} redirect measurements` },
  ];

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
  rows.push({
    id: 'redirect.cpu_us_per_click', section: 'redirect', metric: 'CPU per click in the redirect handler (in-memory stores)', value: await cpuPerRequest(inMemory, '/ref/solare', 20_000), unit: 'µs',
    baseline: await cpuPerRequest(bareHono, '/ref/solare', 20_000), baselineName: 'bare Hono 302', note: 'process.cpuUsage over 20,000 in-process requests',
  });
  return rows;
}
