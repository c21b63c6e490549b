/**
 * `<REFTRACK_DATA_DIR>/runtime.json`: what a running `npm start` tells the CLI and a second
 * `npm start` about itself (pid, ports, endpoints). Written once everything listens, marked
 * `stopped` on Ctrl-C. A file left behind by a killed process names a pid that no longer exists,
 * which is how a stale file is told from a live one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { environment, localConfig } from './config.ts';

type Env = Record<string, string | undefined>;

const RuntimeFile = z.object({
  pid: z.number().int().positive(),
  status: z.enum(['running', 'stopped']),
  startedAt: z.string(),
  dataDir: z.string(),
  ports: z.object({ PORT: z.number(), DYNAMODB_LOCAL_PORT: z.number(), KINESALITE_PORT: z.number(), FIREHOSE_PORT: z.number() }),
  endpoints: z.object({ http: z.string(), dynamodb: z.string(), kinesis: z.string(), firehose: z.string() }),
});
export type RuntimeInfo = z.infer<typeof RuntimeFile>;

export function runtimeFilePath(dataDir: string): string {
  return join(dataDir, 'runtime.json');
}

/** The file's content, or undefined when there is none or it cannot be read as one. */
export function readRuntimeFile(dataDir: string): RuntimeInfo | undefined {
  let text: string;
  try {
    text = readFileSync(runtimeFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = RuntimeFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Temp file + rename: a reader never sees half a file. */
export function writeRuntimeFile(dataDir: string, info: RuntimeInfo): void {
  mkdirSync(dataDir, { recursive: true });
  const target = runtimeFilePath(dataDir);
  writeFileSync(`${target}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(`${target}.tmp`, target);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The `npm start` that is running on this data folder right now, if any. */
export function runningInstance(dataDir: string): RuntimeInfo | undefined {
  const info = readRuntimeFile(dataDir);
  return info && info.status === 'running' && info.pid !== process.pid && processAlive(info.pid) ? info : undefined;
}

export function describeInstance(info: RuntimeInfo): string {
  const p = info.ports;
  return `pid ${info.pid}; ports: http ${p.PORT}, DynamoDB Local ${p.DYNAMODB_LOCAL_PORT}, kinesalite ${p.KINESALITE_PORT}, Firehose ${p.FIREHOSE_PORT}`;
}

export interface CliTarget {
  /** The running `npm start` of this data folder, when there is one. */
  readonly instance?: RuntimeInfo;
  /** Where the CLI's local endpoints come from, for error messages. */
  readonly origin: string;
  /** The environment the CLI reads its configuration from: the instance's endpoints as defaults. */
  readonly env: Env;
}

/**
 * The CLI's view of "its" `npm start`: unless an endpoint is set explicitly, it talks to the
 * engines the running instance of the same data folder wrote down; without one, the endpoints
 * follow the same port settings `npm start` uses. Nothing changes with REFTRACK_TARGET=aws.
 * Nothing is written to process.env: the endpoints are defaults of the returned `env`.
 */
export function adoptRunningInstance(env: Env = process.env): CliTarget {
  if (env.REFTRACK_TARGET === 'aws') return { origin: 'REFTRACK_TARGET=aws: the AWS SDK\'s endpoints and credentials', env: environment({}, env) };
  const dataDir = resolve(localConfig(env).REFTRACK_DATA_DIR);
  const explicit = env.DYNAMODB_ENDPOINT !== undefined;
  const info = runningInstance(dataDir);
  const adopted = environment(
    info ? { DYNAMODB_ENDPOINT: info.endpoints.dynamodb, KINESIS_ENDPOINT: info.endpoints.kinesis, FIREHOSE_ENDPOINT: info.endpoints.firehose, PORT: String(info.ports.PORT) } : {},
    env,
  );
  if (explicit) return { ...(info ? { instance: info } : {}), origin: 'DYNAMODB_ENDPOINT', env: adopted };
  if (info) return { instance: info, origin: `the npm start running on ${dataDir} (${describeInstance(info)})`, env: adopted };
  return { origin: `no npm start is running on ${dataDir} (no live ${runtimeFilePath(dataDir)}); DYNAMODB_LOCAL_PORT or its default`, env: adopted };
}
