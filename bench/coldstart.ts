/**
 * Cold start as AWS bills it: importing the bundle plus its first invocation, in a fresh node
 * process, for every function. Each bundle runs with its deployed environment (the plain values
 * from the synthesized template) pointed at real local engines: DynamoDB Local for the tables
 * and the local Firehose for the export. Each first invocation is a real one (a guest's click,
 * a stream batch of one click, a spilled click, an API call), and it must succeed or the bench
 * fails: a cold start that errors is not a measurement.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { marshall } from '@aws-sdk/util-dynamodb';
import { environment } from '../config/config.ts';
import type { Log } from '../core/telemetry.ts';
import { toEventItem } from '../adapters/dynamodb-click-log.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signConversion } from '../core/conversion-signature.ts';
import { encodeSpilled } from '../adapters/kinesis-spill.ts';
import { freePort } from '../local/free-port.ts';
import { startLocalFirehose } from '../local/firehose-server.ts';
import { loadOrCreateSecrets } from '../local/secrets.ts';
import { syntheticClicks } from './aggregate.ts';
import type { BundledFunction } from './bundles.ts';
import { median } from './stats.ts';
import type { TemplateResource } from './synth.ts';

export interface ColdStartEngines {
  readonly dynamodbEndpoint: string;
  readonly tables: { readonly events: string; readonly state: string };
  /** The bench's log (the local Firehose the export function sends to reports through it). */
  readonly log: Log;
}

export interface ColdStart {
  readonly service: string;
  /** Medians over the runs, ms. */
  readonly importMs: number;
  readonly firstInvokeMs: number;
  readonly totalMs: number;
  readonly totals: readonly number[];
}

interface Invocation {
  readonly event: unknown;
  /** What a successful answer looks like; anything else fails the bench. */
  readonly ok: string;
}

const CONVERSION_SECRET = 'bench-conversion-secret-0123456789abcdef';
/** What each secret the functions read at cold start holds, by the variable that names its ARN. */
const SECRET_VALUES: Record<string, string> = {
  VISITOR_HASH_KEY_SECRET_ARN: 'bench-visitor-hash-key-0123456789abcdef',
  CONVERSION_SECRET_ARN: CONVERSION_SECRET,
};
const SESSION_TOKEN = 'bench-session-token';
const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/605.1';

function httpEvent(path: string, authorizer?: unknown, extraHeaders: Record<string, string> = {}, post?: { readonly body: string }): Record<string, any> {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'refs.example.com', 'user-agent': USER_AGENT, 'cloudfront-viewer-address': '198.51.100.7:46532', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', ...extraHeaders },
    requestContext: {
      accountId: '123456789012', apiId: 'bench', domainName: 'refs.example.com', domainPrefix: 'refs', requestId: 'bench', routeKey: '$default', stage: '$default', time: '01/Dec/2026:10:00:00 +0000', timeEpoch: 1_796_000_000_000,
      http: { method: post ? 'POST' : 'GET', path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: USER_AGENT },
      ...(authorizer ? { authorizer } : {}),
    },
    ...(post ? { body: post.body } : {}),
    isBase64Encoded: false,
  };
}

/** One fresh click for each run, so no first invocation finds its work already done. */
function invocationFor(service: string, run: number, apiToken: string): Invocation | undefined {
  const click = syntheticClicks(run + 1, 1000 + run)[run]!;
  const streamRecord = { eventID: `bench-${run}`, eventName: 'INSERT', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/reftrack-events/stream/2026-12-01T00:00:00.000', dynamodb: { SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(run)), NewImage: marshall(toEventItem(click), { removeUndefinedValues: true }), StreamViewType: 'NEW_IMAGE' } };
  switch (service) {
    case 'redirect':
      // A recorded click's destination carries its click id; the fallback would not.
      // As the function URL hands over a request CloudFront signed (OAC): no origin secret to check.
      return { event: httpEvent('/ref/solare'), ok: '"statusCode":302.*ref_cid' };
    case 'analyst-api':
      // Locally the API checks the bearer token itself (in AWS, API Gateway's authorizer does).
      return { event: httpEvent('/api/v1/vendors', { iam: { accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:user/bench' } }, { authorization: `Bearer ${apiToken}` }), ok: '"statusCode":200' };
    case 'aggregate':
    case 'export':
      return { event: { Records: [streamRecord] }, ok: '^\\{"batchItemFailures":\\[\\]\\}$' };
    case 'conversions': {
      // A signed booking report (new per run, so each first invocation stores one).
      const body = JSON.stringify({ bookingId: `bench-${process.pid}-${run}`, refCid: null, valueCents: 125_00, currency: 'USD', bookedAt: '2026-12-01T10:00:00Z', tripDate: '2026-12-20', status: 'booked' });
      const ts = Math.floor(Date.now() / 1000);
      return { event: httpEvent('/api/v1/conversions', undefined, { 'content-type': 'application/json', [TIMESTAMP_HEADER.toLowerCase()]: String(ts), [SIGNATURE_HEADER.toLowerCase()]: signConversion(CONVERSION_SECRET, ts, body) }, { body }), ok: '"statusCode":201' };
    }
    case 'vendor-seed':
      // A deploy-time custom resource: its Create publishes QR images to S3, which the bench has no
      // engine for, so its first invocation is a Delete (import plus a no-op answer).
      return { event: { RequestType: 'Delete', PhysicalResourceId: 'reftrack-vendor-seed', ResourceProperties: {} }, ok: '"PhysicalResourceId":"reftrack-vendor-seed"' };
    case 'spill-drain':
      return { event: { Records: [{ eventSource: 'aws:kinesis', eventID: `bench-${run}`, kinesis: { partitionKey: click.clickId, sequenceNumber: String(run + 1), data: Buffer.from(encodeSpilled(click)).toString('base64'), approximateArrivalTimestamp: 1_796_000_000, kinesisSchemaVersion: '1.0' } }] }, ok: '^\\{"batchItemFailures":\\[\\]\\}$' };
    default:
      return undefined;
  }
}

const DRIVER = `
const t0 = performance.now();
const mod = await import(process.env.BENCH_BUNDLE_URL);
const t1 = performance.now();
const context = { awsRequestId: 'bench', functionName: 'bench', functionVersion: '$LATEST', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 10000, callbackWaitsForEmptyEventLoop: true };
const result = await mod.handler(JSON.parse(process.env.BENCH_EVENT), context);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, invokeMs: t2 - t1, result }) + '\\n');
process.exit(0);
`;

/** Runs the driver in a fresh node process; `status` is null when it was killed (the 60 s limit). */
function runDriver(env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', DRIVER], { env, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * A stand-in for the AWS Parameters and Secrets Lambda Extension (which only runs inside Lambda):
 * the functions that read a secret at cold start make the same local HTTP call as in AWS, so
 * their first invocation includes it. Answers as the extension documents it.
 */
async function startSecretsExtension(): Promise<{ port: number; stop: () => Promise<void> }> {
  const byArn = new Map(Object.entries(SECRET_VALUES).map(([name, value]) => [benchSecretArn(name), value]));
  const server: Server = createServer((req, res) => {
    const id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('secretId') ?? '';
    const value = byArn.get(id);
    if (req.headers['x-aws-parameters-secrets-token'] !== SESSION_TOKEN || value === undefined) {
      res.writeHead(400).end('ResourceNotFoundException');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ARN: id, SecretString: value, VersionStages: ['AWSCURRENT'] }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen({ port, host: '::', ipv6Only: false }, resolve));
  return { port, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

function benchSecretArn(variable: string): string {
  return `arn:aws:secretsmanager:us-east-1:123456789012:secret:bench/${variable.toLowerCase()}`;
}

/** The secret-ARN variables a function has in its template (their values are references), with a bench ARN each. */
function secretArnVariables(resources: readonly TemplateResource[], service: string): Record<string, string> {
  const vars = functionVariables(resources, service);
  return Object.fromEntries(Object.keys(vars).filter((name) => name in SECRET_VALUES && typeof vars[name] !== 'string').map((name) => [name, benchSecretArn(name)]));
}

/** The secrets a function without the extension is given as values (locally, as the CLI and npm start do). */
function plainSecrets(arns: Record<string, string>): Record<string, string> {
  return {
    ...('VISITOR_HASH_KEY_SECRET_ARN' in arns ? {} : { VISITOR_HASH_KEY: SECRET_VALUES.VISITOR_HASH_KEY_SECRET_ARN! }),
    ...('CONVERSION_SECRET_ARN' in arns ? {} : { CONVERSION_SECRET }),
  };
}

function functionVariables(resources: readonly TemplateResource[], service: string): Record<string, unknown> {
  const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service);
  return (fn?.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
}

/** The function's deployed variables that are plain strings (table names and ARNs are references, replaced below). */
function deployedVariables(resources: readonly TemplateResource[], service: string): Record<string, string> {
  const vars = functionVariables(resources, service);
  return Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export async function measureColdStarts(functions: readonly BundledFunction[], resources: readonly TemplateResource[], engines: ColdStartEngines, runs: number): Promise<ColdStart[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reftrack-coldstart-'));
  const apiToken = loadOrCreateSecrets(dataDir).apiToken;
  const extension = await startSecretsExtension();
  const firehose = await startLocalFirehose({ port: await freePort(), dataDir, bucket: 'reftrack-exports', deliveryStreams: ['reftrack-clicks'], bufferingIntervalMs: 3_600_000, logger: engines.log });
  try {
    const results: ColdStart[] = [];
    for (const f of functions) {
      const samples: Array<{ importMs: number; invokeMs: number }> = [];
      for (let run = 0; run < runs; run++) {
        const invocation = invocationFor(f.service, run, apiToken);
        if (!invocation) throw new Error(`no first invocation defined for the ${f.service} function: add one to bench/coldstart.ts`);
        const env = {
          PATH: environment().PATH,
          // The deployed variables (NODE_OPTIONS included, were there any); the engines' addresses below.
          ...deployedVariables(resources, f.service),
          // Secrets come through the extension where the function has it (the same call as in AWS).
          ...secretArnVariables(resources, f.service),
          PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port),
          AWS_SESSION_TOKEN: SESSION_TOKEN,
          REFTRACK_TARGET: 'local',
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          DYNAMODB_ENDPOINT: engines.dynamodbEndpoint,
          EVENTS_TABLE: engines.tables.events,
          STATE_TABLE: engines.tables.state,
          FIREHOSE_ENDPOINT: firehose.endpoint,
          DELIVERY_STREAM_NAME: 'reftrack-clicks',
          REFTRACK_DATA_DIR: dataDir,
          ...plainSecrets(secretArnVariables(resources, f.service)),
          PUBLIC_BASE_URL: 'https://refs.example.com',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          POWERTOOLS_METRICS_DISABLED: 'true',
          BENCH_BUNDLE_URL: pathToFileURL(f.bundle).href,
          BENCH_EVENT: JSON.stringify(invocation.event),
        };
        // Asynchronously: the local Firehose the export function sends to runs in this process, and
        // a synchronous spawn would block the very event loop that has to answer it.
        const out = await runDriver(env);
        const line = out.stdout.trim().split('\n').at(-1) ?? '';
        let parsed: { importMs: number; invokeMs: number; result: unknown } | undefined;
        try {
          parsed = JSON.parse(line);
        } catch {
          parsed = undefined;
        }
        if (out.status !== 0 || !parsed || !new RegExp(invocation.ok, 's').test(JSON.stringify(parsed.result))) {
          throw new Error(`cold start of ${f.service} did not succeed (exit ${out.status}): ${line.slice(0, 400)} ${out.stderr.slice(0, 800)}`);
        }
        samples.push({ importMs: parsed.importMs, invokeMs: parsed.invokeMs });
      }
      const totals = samples.map((s) => s.importMs + s.invokeMs);
      results.push({ service: f.service, importMs: median(samples.map((s) => s.importMs)), firstInvokeMs: median(samples.map((s) => s.invokeMs)), totalMs: median(totals), totals });
    }
    return results;
  } finally {
    await firehose.stop();
    await extension.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
