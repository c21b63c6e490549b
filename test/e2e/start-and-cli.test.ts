import { request } from 'undici';
/**
 * `npm start` and the CLI as a new user meets them: non-default ports, a CLI that finds its own
 * `npm start` with no settings but the data folder, a second `npm start` refused (same folder, or
 * a port already taken), connection errors that name the endpoint, a banner with the real vendor
 * list, and no ERROR lines for a normal start and Ctrl-C.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportRecord } from '../../core/export-record.ts';
import { freePort } from '../../local/free-port.ts';
import { localPorts, startLocalRuntime, type LocalRuntime } from '../support/local-runtime.ts';

const run = promisify(execFile);

/** `npx reftrack ...` with only what a user's shell would have: PATH, HOME and the data folder. */
async function cli(dataDir: string, args: string[], extra: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const env = { PATH: process.env.PATH!, HOME: process.env.HOME!, REFTRACK_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
  try {
    const { stdout, stderr } = await run(process.execPath, ['cli/bin.js', ...args], { env, timeout: 120_000 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** Starts local/start.ts and waits for it to exit (for starts that must be refused). */
async function startRefused(env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'local/start.ts'], { env: { ...(process.env as Record<string, string>), ...env }, timeout: 180_000 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('npm start and the CLI on non-default ports', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'reftrack-start-'));
    dirs.push(d);
    return d;
  };
  let runtime: LocalRuntime | undefined;
  afterAll(async () => {
    await runtime?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the CLI finds its npm start through the runtime file; a second start is refused; errors name the endpoint', async () => {
    const dataDir = dir();
    const ports = await localPorts();
    // Started with port settings only, as a user does.
    runtime = await startLocalRuntime(dataDir, ports, {}, { explicitEndpoints: false });
    const info = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8'));
    expect(info).toMatchObject({ status: 'running', ports: { PORT: Number(ports.PORT), DYNAMODB_LOCAL_PORT: Number(ports.DYNAMODB_LOCAL_PORT) }, endpoints: { dynamodb: `http://127.0.0.1:${ports.DYNAMODB_LOCAL_PORT}` } });

    // A paused vendor is shown as paused after a restart; an added one is listed (the real list, not the seed file).
    expect((await cli(dataDir, ['vendors', 'add', '--code', 'newcomer', '--name', 'New Comer'])).code).toBe(0);
    expect((await cli(dataDir, ['vendors', 'pause', '--code', 'puesto'])).code).toBe(0);

    // A browser's top-level navigation. Not fetch(): it always says Sec-Fetch-Mode: cors, which is a subresource.
    const res = await request(`${runtime.baseUrl}/ref/SOLARE`, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
    await res.body.dump();
    expect(res.statusCode).toBe(302);
    const clicks = await cli(dataDir, ['clicks', '--vendor', 'SOLARE', '--json']);
    expect(clicks.code, clicks.out).toBe(0);
    const line = JSON.parse(clicks.out.trim().split('\n')[0]!);
    // One shape for a click: the export line.
    expect(ExportRecord.parse(line)).toEqual(line);
    expect(Object.keys(line).filter((k) => !(k in ExportRecord.shape))).toEqual([]);
    expect(line).toMatchObject({ schema: 'reftrack.click/1', vendorCode: 'solare', isBot: false, botReason: 'human' });
    const rollups = await cli(dataDir, ['rollups', '--vendor', 'solare', '--format', 'json']);
    expect(rollups.code, rollups.out).toBe(0);
    expect(JSON.parse(rollups.out).days).toHaveLength(30);
    const unknown = await cli(dataDir, ['rollups', '--vendor', 'nosuch']);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toMatch(/--vendor: no vendor with code "nosuch"/);
    expect((await cli(dataDir, ['exports', 'ls'])).code).toBe(0);

    // Same folder: refused with the pid and ports, before anything is touched.
    const same = await startRefused({ ...ports, REFTRACK_DATA_DIR: dataDir, FIREHOSE_ENDPOINT: `http://127.0.0.1:${ports.FIREHOSE_PORT}` });
    expect(same.code).toBe(2);
    expect(same.out).toContain(`already running on ${dataDir} (pid ${info.pid}; ports: http ${ports.PORT}, DynamoDB Local ${ports.DYNAMODB_LOCAL_PORT}`);
    expect(same.out).not.toMatch(/^\s+at /m);
    // Another folder, but the first instance's DynamoDB port: named with its setting.
    const other = await startRefused({ PORT: String(await freePort()), DYNAMODB_LOCAL_PORT: ports.DYNAMODB_LOCAL_PORT!, KINESALITE_PORT: String(await freePort()), FIREHOSE_ENDPOINT: `http://127.0.0.1:${await freePort()}`, REFTRACK_DATA_DIR: dir() });
    expect(other.code).toBe(2);
    expect(other.out).toContain(`port ${ports.DYNAMODB_LOCAL_PORT} (DYNAMODB_LOCAL_PORT, for DynamoDB Local) is already in use`);

    expect(await runtime.stop()).toBe(0);
    // A normal (first) start and Ctrl-C: nothing a user would read as broken.
    expect(runtime.output()).not.toMatch(/"level":"ERROR"|\bERROR\b/);
    expect(JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')).status).toBe('stopped');

    // The next start's banner is the real vendor list: the added vendor is there, the paused one says so.
    runtime = await startLocalRuntime(dataDir, ports, {}, { explicitEndpoints: false });
    expect(await runtime.stop()).toBe(0);
    const output = runtime.output();
    runtime = undefined;
    expect(output).toMatch(/Vendor links \(8 vendors\)/);
    expect(output).toContain('/ref/newcomer');
    expect(output).toMatch(/\/ref\/puesto\s+Puesto\s+\(paused/);
    expect(output).not.toMatch(/"level":"ERROR"|\bERROR\b/);

    // Nothing running: the error names the endpoint and where it came from, and says what to do.
    const down = await cli(dataDir, ['clicks']);
    expect(down.code).toBe(1);
    expect(down.out).toMatch(new RegExp(`DynamoDB endpoint: http://127\\.0\\.0\\.1:8000 \\(from no npm start is running on ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(down.out).toMatch(/ECONNREFUSED|ECONNRESET|TimeoutError/);
    expect(down.out).toMatch(/npm start/);
    expect(down.out).not.toMatch(/^\s+at /m);
    const explicit = await cli(dataDir, ['rollups'], { DYNAMODB_LOCAL_PORT: ports.DYNAMODB_LOCAL_PORT! });
    expect(explicit.out).toContain(`http://127.0.0.1:${ports.DYNAMODB_LOCAL_PORT}`);
  }, 600_000);

  it('a busy port is found even when the listener is on another address', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const refused = await startRefused({ PORT: String(port), DYNAMODB_LOCAL_PORT: String(await freePort()), KINESALITE_PORT: String(await freePort()), FIREHOSE_ENDPOINT: `http://127.0.0.1:${await freePort()}`, REFTRACK_DATA_DIR: dir() });
      expect(refused.code).toBe(2);
      expect(refused.out).toContain(`port ${port} (PORT, for the HTTP server) is already in use`);
    } finally {
      blocker.close();
    }
  }, 200_000);
});
