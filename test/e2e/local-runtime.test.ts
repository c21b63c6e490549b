import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { localPorts, startLocalRuntime } from '../support/local-runtime.ts';

const run = promisify(execFile);
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('npm start, as a developer runs it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reftrack-e2e-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the seed links, stops cleanly on Ctrl-C and keeps every click across a restart', async () => {
    const ports = await localPorts();
    const first = await startLocalRuntime(dataDir, ports);
    expect(first.output()).toContain(`${first.baseUrl}/ref/solare`);
    expect(first.output()).toContain('Board & Brew');

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${first.baseUrl}/ref/solare`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
      expect(res.status).toBe(302);
      ids.push(new URL(res.headers.get('location')!).searchParams.get('ref_cid')!);
    }
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('stopped');

    const second = await startLocalRuntime(dataDir, ports);
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'clicks', '--vendor', 'solare', '--limit', '5', '--json'], { env: second.env });
      const seen = stdout.trim().split('\n').map((line) => JSON.parse(line).clickId);
      expect(seen.sort()).toEqual([...ids].sort());
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 120_000);
});
