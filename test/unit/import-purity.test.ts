/**
 * Nothing is built or read when a module is imported: every module of core/, adapters/, http/,
 * consumers/, config/, local/ (but its entry scripts) and cli/ (but its entry) is imported with an
 * empty environment that records every variable read (none may be one of reftrack's settings),
 * and with every AWS SDK client and the Powertools logger and metrics counting their constructions. A composition root (a Lambda entry)
 * is imported last, to show the detector sees what a root does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const built = vi.hoisted(() => [] as string[]);

/** The module with its class replaced by a subclass that records each construction. */
async function counting(load: () => Promise<unknown>, name: string): Promise<Record<string, unknown>> {
  const original = (await load()) as Record<string, unknown>;
  const Base = original[name] as new (...args: unknown[]) => object;
  return { ...original, [name]: class extends Base { constructor(...args: unknown[]) { built.push(name); super(...args); } } };
}

vi.mock('@aws-sdk/client-dynamodb', (load) => counting(load, 'DynamoDBClient'));
vi.mock('@aws-sdk/client-dynamodb-streams', (load) => counting(load, 'DynamoDBStreamsClient'));
vi.mock('@aws-sdk/client-firehose', (load) => counting(load, 'FirehoseClient'));
vi.mock('@aws-sdk/client-kinesis', (load) => counting(load, 'KinesisClient'));
vi.mock('@aws-sdk/client-s3', (load) => counting(load, 'S3Client'));
vi.mock('@aws-sdk/client-secrets-manager', (load) => counting(load, 'SecretsManagerClient'));
vi.mock('@aws-sdk/client-cloudwatch-logs', (load) => counting(load, 'CloudWatchLogsClient'));
vi.mock('@aws-lambda-powertools/logger', (load) => counting(load, 'Logger'));
vi.mock('@aws-lambda-powertools/metrics', (load) => counting(load, 'Metrics'));

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Entry scripts: they are composition roots (or run when imported) by design. */
const ENTRIES = new Set(['local/start.ts', 'local/firehose-main.ts', 'cli/main.ts']);

function modulesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((file) => !ENTRIES.has(file))
    .sort();
}

const modules = ['core', 'adapters', 'http', 'consumers', 'config', 'local', 'cli'].flatMap(modulesUnder);

/** Every variable reftrack's configuration declares: the keys of the zod schemas in config/config.ts (a zod call or one of its helpers). */
function configurationVariables(): Set<string> {
  const source = readFileSync(join(ROOT, 'config/config.ts'), 'utf8');
  return new Set([...source.matchAll(/^\s+([A-Z][A-Z0-9_]+): [a-zA-Z_.]+/gm)].map((m) => m[1]!));
}

let settings: Set<string>;

/** Swaps process.env for an empty one that records what is read, while `run` imports. */
async function withRecordingEnv(run: () => Promise<void>): Promise<string[]> {
  const reads = new Set<string>();
  const saved = process.env;
  process.env = new Proxy({} as NodeJS.ProcessEnv, {
    get: (target, key) => (typeof key === 'string' && reads.add(key), Reflect.get(target, key)),
    has: (target, key) => (typeof key === 'string' && reads.add(key), Reflect.has(target, key)),
  });
  try {
    await run();
  } finally {
    process.env = saved;
  }
  return [...reads].sort();
}

describe('importing a module builds nothing and reads no configuration', () => {
  beforeAll(() => {
    settings = configurationVariables();
  });
  beforeEach(() => {
    built.length = 0;
  });

  it('holds for every module of core/, adapters/, http/, consumers/, config/, local/ and cli/', async () => {
    expect(modules.length).toBeGreaterThan(60);
    expect([...settings]).toEqual(expect.arrayContaining(['AWS_REGION', 'STATE_TABLE', 'VISITOR_HASH_KEY', 'FIREHOSE_ENDPOINT', 'POWERTOOLS_SERVICE_NAME', 'PUBLIC_BASE_URL']));
    const reads = await withRecordingEnv(async () => {
      for (const file of modules) await import(pathToFileURL(join(ROOT, file)).href);
    });
    expect(built).toEqual([]);
    // Libraries probe a few variables of their own at import (AWS_EXECUTION_ENV, ESBUILD_BINARY_PATH...); none is ours.
    expect(reads.filter((key) => settings.has(key))).toEqual([]);
  }, 120_000);

  it('while a composition root (the aggregate Lambda entry) parses its config and builds its client and telemetry', async () => {
    const reads = await withRecordingEnv(async () => {
      await import('../../streams/aggregate.ts');
    });
    expect(built.sort()).toEqual(['DynamoDBClient', 'Logger', 'Metrics']);
    expect(reads.filter((key) => settings.has(key))).toEqual(expect.arrayContaining(['STATE_TABLE', 'DYNAMODB_ENDPOINT', 'POWERTOOLS_SERVICE_NAME']));
  });
});
