/**
 * Runs `npm start`'s entry (local/start.ts) as a child process on free ports and its own data
 * directory, the way a developer runs it, so tests can click links, stop it with SIGINT and start it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../local/free-port.ts';

export interface LocalRuntime {
  readonly baseUrl: string;
  readonly env: Record<string, string>;
  readonly output: () => string;
  /** Ctrl-C: resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function localPorts(): Promise<Record<string, string>> {
  return {
    PORT: String(await freePort()),
    DYNAMODB_LOCAL_PORT: String(await freePort()),
    KINESALITE_PORT: String(await freePort()),
    FIREHOSE_PORT: String(await freePort()),
  };
}

/**
 * `cwd`: where it runs (default this repository). `explicitEndpoints: false` starts it the way a
 * user does, with port settings only (the endpoints follow from them).
 */
export async function startLocalRuntime(dataDir: string, ports: Record<string, string>, extraEnv: Record<string, string> = {}, opts: { cwd?: string; explicitEndpoints?: boolean } = {}): Promise<LocalRuntime> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...ports,
    REFTRACK_DATA_DIR: dataDir,
    ...(opts.explicitEndpoints === false
      ? {}
      : { DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.DYNAMODB_LOCAL_PORT}`, KINESIS_ENDPOINT: `http://127.0.0.1:${ports.KINESALITE_PORT}` }),
    FIREHOSE_ENDPOINT: `http://127.0.0.1:${ports.FIREHOSE_PORT}`,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...extraEnv,
  };
  if (opts.explicitEndpoints === false) {
    delete env.DYNAMODB_ENDPOINT;
    delete env.KINESIS_ENDPOINT;
  }
  // The test harness's own table names and visitor key must not leak into the runtime.
  delete env.EVENTS_TABLE;
  delete env.STATE_TABLE;
  delete env.VISITOR_HASH_KEY;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Generous: on a loaded 2-core machine the JVM alone can take a minute.
  const deadline = Date.now() + 180_000;
  while (!output.includes('Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not come up within 180 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl: `http://localhost:${ports.PORT}`,
    env,
    output: () => output,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
