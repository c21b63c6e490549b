/**
 * The dashboard's static files, served by the local server at `/`.
 *
 *   GET /                          dashboard/index.html (the whole UI; hash routes #/, #/vendor/<code>, #/outreach)
 *   GET /assets/dashboard.js       dashboard/main.ts and its modules, bundled by esbuild on first request
 *   GET /assets/dashboard.css
 *   GET /assets/uplot/uPlot.esm.js, /assets/uplot/uPlot.min.css   uPlot's own dist files from node_modules
 *
 * The browser code reads only the analyst API (`/api/v1/*`) with the Bearer token it was
 * given in the URL fragment; this app serves files and holds no data. The bundle is built in
 * memory when first asked for, so there is no build step to remember: `npm start` and the
 * tests serve the sources as they are.
 */
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Telemetry } from '../core/telemetry.ts';
import { jsonErrorHandler } from './errors.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));
const UPLOT_DIST = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js'));
const UPLOT_URL = '/assets/uplot/uPlot.esm.js';

// Scripts only from this origin (the bundle and uPlot), API calls and frames (the outreach
// preview) only to it. Styles allow inline: uPlot positions its legend and cursor with style attributes.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `import uPlot from 'uplot'` in the browser code becomes an import of the served dist file. */
const uplotFromAssets: Plugin = {
  name: 'uplot-from-assets',
  setup(b) {
    b.onResolve({ filter: /^uplot$/ }, () => ({ path: UPLOT_URL, external: true }));
  },
};

let bundle: Promise<string> | undefined;

/** The browser bundle, built once per process (a failed build is retried on the next request). */
export function dashboardBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(DASHBOARD_DIR, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [uplotFromAssets],
  }).then(
    (out) => out.outputFiles[0]!.text,
    (error: unknown) => {
      bundle = undefined;
      throw error;
    },
  );
  return bundle;
}

export function createDashboardApp(deps: { readonly telemetry: Telemetry }): Hono {
  const app = new Hono();

  const file = (path: string, type: string, cache: string) => async () => {
    const body = await readFile(path);
    return new Response(new Uint8Array(body), { headers: { 'Content-Type': type, 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' } });
  };

  app.get('/', async () => {
    const html = await readFile(join(DASHBOARD_DIR, 'index.html'));
    return new Response(new Uint8Array(html), {
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': CSP,
        // The token travels in the fragment, which is never sent; this keeps the page's own URL out of Referer too.
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
  // A bundle that fails to build is a 500 through onError, logged with esbuild's messages.
  app.get('/assets/dashboard.js', async (c) => c.body(await dashboardBundle(), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }));
  app.get('/assets/dashboard.css', file(join(DASHBOARD_DIR, 'dashboard.css'), 'text/css; charset=utf-8', 'no-store'));
  app.get(UPLOT_URL, file(join(UPLOT_DIST, 'uPlot.esm.js'), 'text/javascript; charset=utf-8', 'public, max-age=3600'));
  app.get('/assets/uplot/uPlot.min.css', file(join(UPLOT_DIST, 'uPlot.min.css'), 'text/css; charset=utf-8', 'public, max-age=3600'));
  app.onError(jsonErrorHandler(deps.telemetry));
  return app;
}
