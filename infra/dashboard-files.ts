import { execFileSync } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DASHBOARD_BUILD_OPTIONS, DASHBOARD_BUNDLE_PATH, DASHBOARD_STATIC_FILES } from '../http/dashboard-app.ts';

/**
 * Writes the dashboard as static files, in the layout the local server serves (http/dashboard-app.ts):
 * index.html, assets/dashboard.js (minified, no source map), the stylesheet and uPlot's files.
 */
export async function writeDashboardFiles(outDir: string): Promise<void> {
  for (const [path, source] of Object.entries(DASHBOARD_STATIC_FILES)) {
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    await copyFile(source, join(outDir, path));
  }
  await build({ ...DASHBOARD_BUILD_OPTIONS, entryPoints: [...DASHBOARD_BUILD_OPTIONS.entryPoints], plugins: [...DASHBOARD_BUILD_OPTIONS.plugins], minify: true, outfile: join(outDir, DASHBOARD_BUNDLE_PATH) });
}

const THIS_FILE = fileURLToPath(import.meta.url);

/**
 * The same, synchronously, for CDK's local bundling hook (which cannot await). esbuild's
 * synchronous API takes no plugins, so the build runs in a child Node process (this file).
 */
export function writeDashboardFilesSync(outDir: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', THIS_FILE, outDir], { stdio: ['ignore', 'inherit', 'inherit'] });
}

if (process.argv[1] === THIS_FILE && process.argv[2]) await writeDashboardFiles(process.argv[2]);
