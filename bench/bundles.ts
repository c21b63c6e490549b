/**
 * Each Lambda bundle exactly as the CDK stack builds it (a real `cdk synth`, bundled by the local
 * esbuild): its size, and its cold module initialisation, i.e. `node` importing the bundle in a
 * fresh process, median of 10. Beside them, the same run's floor: a fresh `node` importing an
 * empty module, and a bundle of nothing but the bare DynamoDB client (built with the functions'
 * own esbuild options), the least a function that writes to DynamoDB can weigh.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { FUNCTION_DEFAULTS } from '../infra/constructs/reftrack-function.ts';
import { environment } from '../config/config.ts';
import type { BenchRow } from './row.ts';
import { median } from './stats.ts';
import { measureColdStarts, type ColdStartEngines } from './coldstart.ts';
import { synthesizeOnce } from './synth.ts';

const RUNS = 10;
/** Budgets from the lean-Lambdas issue: the redirect is on every guest's path, the rest are not. */
const KIB_BUDGET: Record<string, number> = { redirect: 400 };
const KIB_BUDGET_DEFAULT = 450;
const INIT_MS_BUDGET: Record<string, number> = { redirect: 45 };

export interface BundledFunction {
  /** The function's Powertools service name (`redirect`, `spill-drain`, ...). */
  readonly service: string;
  readonly bundle: string;
}

/** Each function's bundle in the synthesized app, by its Powertools service name. */
export function bundledFunctions(): BundledFunction[] {
  const app = synthesizeOnce();
  const found: BundledFunction[] = [];
  for (const resource of app.resources) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    const service = resource.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    if (resource.Type !== 'AWS::Lambda::Function' || !assetPath || !service) continue;
    const dir = join(app.dir, assetPath);
    const main = readdirSync(dir).find((f) => /^index\.(m?js)$/.test(f));
    if (main) found.push({ service, bundle: join(dir, main) });
  }
  return found.sort((a, b) => a.service.localeCompare(b.service));
}

/** `spill-drain` -> `spill_drain`: row ids are `[a-z0-9_]` words. */
export function idPart(service: string): string {
  return service.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/** The environment a deployed function has (names from config/config.ts); nothing is called at import. */
export const DEPLOYED_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  REFTRACK_TARGET: 'aws',
  VISITOR_HASH_KEY: 'bench-visitor-hash-key-0123456789abcdef',
  CONVERSION_SECRET: 'bench-conversion-secret-0123456789abcdef',
  ASSETS_BUCKET: 'reftrack-assets',
  EVENTS_TABLE: 'reftrack-events',
  STATE_TABLE: 'reftrack-state',
  PUBLIC_BASE_URL: 'https://refs.example.com',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as const;

function initTimes(moduleFile: string, env: NodeJS.ProcessEnv): number[] {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(moduleFile).href)});console.log(performance.now()-t);`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`importing ${moduleFile} failed: ${out.stderr.slice(0, 500)}`);
    times.push(Number(out.stdout.trim().split('\n').at(-1)));
  }
  return times;
}

/** Bundles `entry` with the functions' own esbuild settings (infra/constructs/reftrack-function.ts), plus extra aliases. */
async function bundleLikeTheFunctions(entry: string, outfile: string, alias: Record<string, string> = {}): Promise<string> {
  const b = FUNCTION_DEFAULTS.bundling;
  const [aliased, replacement] = b.esbuildArgs['--alias'].split('=') as [string, string];
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: b.target,
    mainFields: [...b.mainFields],
    minify: b.minify,
    keepNames: b.keepNames,
    alias: { [aliased]: replacement, ...alias },
    banner: { js: b.banner },
    nodePaths: [join(process.cwd(), 'node_modules')],
    logLevel: 'error',
  });
  return outfile;
}

/** The bare DynamoDB client: the least a function that writes to DynamoDB can weigh. */
function dynamoDbFloor(dir: string): Promise<string> {
  const entry = join(dir, 'floor.ts');
  writeFileSync(entry, "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\nexport const command = PutItemCommand;\n");
  return bundleLikeTheFunctions(entry, join(dir, 'floor.mjs'));
}

/**
 * What the Parameters and Secrets extension saves the redirect: the bare DynamoDB client with
 * and without the Secrets Manager client (the redirect's SDK path before the extension), both
 * built like the functions, imported alternately three times.
 */
async function secretsClientCost(dir: string, env: NodeJS.ProcessEnv, floor: string): Promise<{ kib: number; initMs: number; spreadMs: number[] }> {
  const entry = join(dir, 'floor-with-secrets.ts');
  writeFileSync(
    entry,
    "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';\nimport { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';\nexport const client = new DynamoDBClient({});\nexport const command = PutItemCommand;\nexport const secrets = new SecretsManagerClient({});\nexport const read = GetSecretValueCommand;\n",
  );
  const withClient = await bundleLikeTheFunctions(entry, join(dir, 'floor-with-secrets.mjs'));
  const deltas: number[] = [];
  for (let i = 0; i < 3; i++) deltas.push(median(initTimes(withClient, env)) - median(initTimes(floor, env)));
  return { kib: (statSync(withClient).size - statSync(floor).size) / 1024, initMs: median(deltas), spreadMs: deltas };
}

export async function benchBundles(engines: ColdStartEngines): Promise<BenchRow[]> {
  const functions = bundledFunctions();
  const scratch = mkdtempSync(join(tmpdir(), 'reftrack-bundles-'));
  try {
    const env = { PATH: environment().PATH, ...DEPLOYED_ENV };
    const empty = join(scratch, 'empty.mjs');
    writeFileSync(empty, 'export {};\n');
    const baseline = median(initTimes(empty, env));
    const floor = await dynamoDbFloor(scratch);
    const floorKib = statSync(floor).size / 1024;
    const floorMs = median(initTimes(floor, env));
    const rows: BenchRow[] = [
      { id: 'bundle.empty_module.init_ms', section: 'bundles', metric: 'empty module: cold module init', value: baseline, unit: 'ms', note: `median of ${RUNS} fresh node processes` },
      { id: 'bundle.dynamodb_client.kib', section: 'bundles', metric: 'bare DynamoDB client bundle (the floor)', value: floorKib, unit: 'KiB', note: 'DynamoDBClient + PutItemCommand, the functions\' esbuild options' },
      { id: 'bundle.dynamodb_client.init_ms', section: 'bundles', metric: 'bare DynamoDB client: cold module init', value: floorMs, unit: 'ms', baseline, baselineName: 'empty module', note: `median of ${RUNS} fresh node processes` },
    ];
    for (const f of functions) {
      const id = idPart(f.service);
      const kib = statSync(f.bundle).size / 1024;
      rows.push(
        { id: `bundle.${id}.kib`, section: 'bundles', metric: `${f.service}: bundle size`, value: kib, unit: 'KiB', baseline: floorKib, baselineName: 'bare DynamoDB client', target: { max: KIB_BUDGET[f.service] ?? KIB_BUDGET_DEFAULT }, note: 'as cdk synth bundles it (minified, no source map)' },
        { id: `bundle.${id}.init_ms`, section: 'bundles', metric: `${f.service}: cold module init`, value: median(initTimes(f.bundle, env)), unit: 'ms', baseline, baselineName: 'empty module', ...(INIT_MS_BUDGET[f.service] ? { target: { max: INIT_MS_BUDGET[f.service]! } } : {}), note: `median of ${RUNS} fresh node processes; floor ${floorMs.toFixed(1)} ms (bare DynamoDB client)` },
      );
    }
    for (const c of await measureColdStarts(functions, synthesizeOnce().resources, engines, RUNS)) {
      rows.push({
        id: `coldstart.${idPart(c.service)}.ms`, section: 'bundles', metric: `${c.service}: cold start (import + first invocation)`, value: c.totalMs, unit: 'ms', baseline, baselineName: 'empty module',
        note: `median of ${RUNS} fresh processes: import ${c.importMs.toFixed(1)} + first invocation ${c.firstInvokeMs.toFixed(1)} ms, against local engines`,
      });
    }
    const secrets = await secretsClientCost(scratch, env, floor);
    rows.push(
      { id: 'bundle.redirect.secrets_client.kib', section: 'bundles', metric: 'redirect: Secrets Manager client the extension keeps out of the bundle', value: secrets.kib, unit: 'KiB', note: 'bare DynamoDB client with the Secrets Manager client, minus without' },
      {
        id: 'bundle.redirect.secrets_client.init_ms', section: 'bundles', metric: 'redirect: cold module init the extension saves (the Secrets Manager client)', value: secrets.initMs, unit: 'ms',
        note: `median of 3 alternated medians (${secrets.spreadMs.map((d) => d.toFixed(1)).join(', ')} ms); the extension runs in its own process (its init is not in this figure) and makes the one GetSecretValue call`,
      },
    );
    return rows;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
