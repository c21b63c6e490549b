/**
 * Each Lambda bundle exactly as the CDK stack builds it (a real `cdk synth`, bundled by the local
 * esbuild): its size, and its cold module initialisation, i.e. `node` importing the bundle in a
 * fresh process, median of 10. Baseline: a fresh `node` importing an empty module.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { environment } from '../config/config.ts';
import type { BenchRow } from './row.ts';

interface BundledFunction {
  readonly service: string;
  readonly bundle: string;
}

/** Synthesizes the app into a temp dir and lists each function's bundle by its Powertools service name. */
function synthesizeBundles(outDir: string): BundledFunction[] {
  execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', outDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const found: BundledFunction[] = [];
  for (const file of readdirSync(outDir).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(join(outDir, file), 'utf8')) as { Resources: Record<string, { Type: string; Properties?: any; Metadata?: Record<string, string> }> };
    for (const resource of Object.values(template.Resources)) {
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const service = resource.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
      if (resource.Type !== 'AWS::Lambda::Function' || !assetPath || !service) continue;
      const dir = join(outDir, assetPath);
      const main = readdirSync(dir).find((f) => /^index\.(m?js)$/.test(f));
      if (main) found.push({ service, bundle: join(dir, main) });
    }
  }
  return found.sort((a, b) => a.service.localeCompare(b.service));
}

function medianInitMs(moduleFile: string, env: NodeJS.ProcessEnv, runs = 10): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(moduleFile).href)});console.log(performance.now()-t);`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`importing ${moduleFile} failed: ${out.stderr.slice(0, 500)}`);
    times.push(Number(out.stdout.trim().split('\n').at(-1)));
  }
  times.sort((a, b) => a - b);
  return (times[4]! + times[5]!) / 2;
}

export async function benchBundles(): Promise<BenchRow[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'reftrack-synth-'));
  try {
    const functions = synthesizeBundles(outDir);
    // The environment a deployed function has (names from config/config.ts); nothing is called at import.
    const env = {
      PATH: environment().PATH,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      REFTRACK_TARGET: 'aws',
      VISITOR_HASH_KEY: 'bench-visitor-hash-key-0123456789abcdef',
      EVENTS_TABLE: 'reftrack-events',
      STATE_TABLE: 'reftrack-state',
      PUBLIC_BASE_URL: 'https://refs.example.com',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const empty = join(outDir, 'empty.mjs');
    writeFileSync(empty, 'export {};\n');
    const baseline = medianInitMs(empty, env);
    return functions.map((f) => ({
      section: 'bundles',
      metric: `${f.service}: bundle ${(statSync(f.bundle).size / 1024).toFixed(0)} KiB, cold module init`,
      value: medianInitMs(f.bundle, env),
      unit: 'ms',
      baseline,
      baselineName: 'empty module',
      note: 'median of 10 fresh node processes importing the bundle',
    }));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
