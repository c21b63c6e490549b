/**
 * The dashboard's and the vendor portal's static files.
 *
 *   GET /                       dashboard/index.html (hash routes #/, #/vendor/<code>, #/outreach)
 *   GET /portal                 dashboard/portal.html (a vendor's own page, opened with its private link)
 *   GET /assets/dashboard.js    dashboard/main.ts and its modules, uPlot included, minified
 *   GET /assets/portal.js       dashboard/portal-main.ts, the same way
 *   GET /assets/dashboard.css   dashboard/dashboard.css with uPlot's stylesheet, minified
 *
 * `buildDashboard()` is the one build: it returns every file with its type and caching, so
 * the local server serves it from memory and a deployment can upload the same files to S3.
 * Scripts and styles are minified (no inline source map) and served gzip- or
 * brotli-compressed when the browser accepts it. The browser code reads only the APIs; this
 * app holds no data.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { Hono } from 'hono';
import { logger } from '../adapters/telemetry.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

// Scripts only from this origin, API calls and frames (the outreach preview, a statement)
// only to it. Styles allow inline: uPlot positions its cursor and plot with style attributes.
export const DASHBOARD_CSP = [
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

export interface DashboardFile {
  /** URL path, e.g. `/assets/dashboard.js`. */
  readonly path: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly body: Uint8Array;
  readonly gzip: Uint8Array;
  readonly brotli: Uint8Array;
}

const HTML_HEADERS = 'no-store';
// The file names are not content-hashed, so browsers revalidate after a short while.
const ASSET_CACHE = 'public, max-age=300';

function file(path: string, contentType: string, cacheControl: string, body: Uint8Array): DashboardFile {
  return {
    path,
    contentType,
    cacheControl,
    body,
    gzip: new Uint8Array(gzipSync(body, { level: 9 })),
    brotli: new Uint8Array(brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } })),
  };
}

/** Every file of the dashboard and the portal, built and compressed once. */
export async function buildDashboard(): Promise<DashboardFile[]> {
  const out = await build({
    entryPoints: { dashboard: join(DASHBOARD_DIR, 'main.ts'), portal: join(DASHBOARD_DIR, 'portal-main.ts'), 'dashboard-css': join(DASHBOARD_DIR, 'dashboard.css') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    outdir: '/out',
  });
  const named = (suffix: string) => out.outputFiles.find((f) => f.path.endsWith(suffix))!.contents;
  const [index, portal] = await Promise.all([readFile(join(DASHBOARD_DIR, 'index.html')), readFile(join(DASHBOARD_DIR, 'portal.html'))]);
  return [
    file('/', 'text/html; charset=utf-8', HTML_HEADERS, new Uint8Array(index)),
    file('/portal', 'text/html; charset=utf-8', HTML_HEADERS, new Uint8Array(portal)),
    file('/assets/dashboard.js', 'text/javascript; charset=utf-8', ASSET_CACHE, named('/dashboard.js')),
    file('/assets/portal.js', 'text/javascript; charset=utf-8', ASSET_CACHE, named('/portal.js')),
    file('/assets/dashboard.css', 'text/css; charset=utf-8', ASSET_CACHE, named('/dashboard-css.css')),
  ];
}

let built: Promise<DashboardFile[]> | undefined;

/** Built once per process (a failed build is retried on the next request). */
function dashboardFiles(): Promise<DashboardFile[]> {
  built ??= buildDashboard().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

/** The dashboard bundle's text (what /assets/dashboard.js serves). */
export async function dashboardBundle(): Promise<string> {
  const js = (await dashboardFiles()).find((f) => f.path === '/assets/dashboard.js')!;
  return new TextDecoder().decode(js.body);
}

export function createDashboardApp(): Hono {
  const app = new Hono();
  for (const path of ['/', '/portal', '/assets/dashboard.js', '/assets/portal.js', '/assets/dashboard.css']) {
    app.get(path, async (c) => {
      let f: DashboardFile;
      try {
        f = (await dashboardFiles()).find((x) => x.path === path)!;
      } catch (error) {
        logger.error('dashboard bundle failed to build', { error });
        return c.text('dashboard bundle failed to build; see the server log', 500);
      }
      const accepts = c.req.header('accept-encoding') ?? '';
      const [body, encoding] = /\bbr\b/.test(accepts) ? [f.brotli, 'br'] : /\bgzip\b/.test(accepts) ? [f.gzip, 'gzip'] : [f.body, null];
      const headers: Record<string, string> = { 'Content-Type': f.contentType, 'Cache-Control': f.cacheControl, 'X-Content-Type-Options': 'nosniff', Vary: 'Accept-Encoding' };
      if (encoding) headers['Content-Encoding'] = encoding;
      if (f.contentType.startsWith('text/html')) {
        headers['Content-Security-Policy'] = DASHBOARD_CSP;
        // Tokens travel in the fragment, which is never sent; this keeps the page's own URL out of Referer too.
        headers['Referrer-Policy'] = 'no-referrer';
      }
      return c.body(body as Uint8Array<ArrayBuffer>, 200, headers);
    });
  }
  return app;
}
