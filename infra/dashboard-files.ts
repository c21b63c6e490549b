import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../http/dashboard-app.ts';

/** Writes the dashboard's files (http/dashboard-app.ts's one build) in the layout the browser asks for: `/` is index.html. */
export async function writeDashboardFiles(outDir: string): Promise<void> {
  for (const f of await buildDashboard()) {
    const path = join(outDir, f.path === '/' ? 'index.html' : f.path === '/portal' ? 'portal.html' : f.path.slice(1));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.body);
  }
}

const THIS_FILE = fileURLToPath(import.meta.url);

/** The same, synchronously, for CDK's local bundling hook (which cannot await): in a child Node process. */
export function writeDashboardFilesSync(outDir: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', THIS_FILE, outDir], { stdio: ['ignore', 'inherit', 'inherit'] });
}

if (process.argv[1] === THIS_FILE && process.argv[2]) await writeDashboardFiles(process.argv[2]);
