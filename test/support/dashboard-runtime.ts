/**
 * The dashboard's world as a user has it: `npm start` (test/support/local-runtime.ts) on free
 * ports and its own data directory, the token from the link it prints, and the CLI for what
 * a user does from the terminal (add a vendor, create an approval card).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localPorts, startLocalRuntime } from './local-runtime.ts';

const run = promisify(execFile);

export interface DashboardStack {
  readonly baseUrl: string;
  readonly token: string;
  /** The runtime's environment (ports, data directory), for the CLI. */
  readonly env: Record<string, string>;
  /** `npx reftrack ...` against this runtime; resolves with its stdout. */
  cli(...args: string[]): Promise<string>;
  /** What `npm start` printed. */
  output(): string;
  /** `npx reftrack outreach add-task` for a vendor: a pending-send approval card. */
  addCard(vendor: string): Promise<void>;
  /** `npx reftrack vendors add`. */
  addVendor(code: string, name: string): Promise<void>;
  stop(): Promise<number | null>;
}

export async function startDashboardStack(): Promise<DashboardStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'reftrack-dashboard-'));
  const runtime = await startLocalRuntime(dataDir, await localPorts());
  const { apiToken } = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as { apiToken: string };
  const cli = async (...args: string[]) => (await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { env: runtime.env })).stdout;
  return {
    baseUrl: runtime.baseUrl,
    token: apiToken,
    env: runtime.env,
    cli,
    output: runtime.output,
    addCard: async (vendor) => void (await cli('outreach', 'add-task', '--card-type', 'vendor-approval', '--vendor', vendor, '--preview-url', `${runtime.baseUrl}/outreach#${vendor}`, '--status', 'pending-send')),
    addVendor: async (code, name) => void (await cli('vendors', 'add', '--code', code, '--name', name)),
    async stop() {
      const code = await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
