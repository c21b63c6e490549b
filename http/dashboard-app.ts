/**
 * The dashboard's and the vendor portal's static files.
 *
 *   GET /                       dashboard/index.html (hash routes #/, #/vendor/<code>, #/outreach)
 *   GET /portal                 dashboard/portal.html (a vendor's own page, opened with its private link)
 *   GET /assets/dashboard.js    dashboard/main.ts and its modules, minified
 *   GET /assets/portal.js       dashboard/portal-main.ts, the same way
 *   GET /assets/chunk-<hash>.js uPlot, loaded by a chart when it comes near the viewport (both pages)
 *   GET /assets/dashboard.css   dashboard/dashboard.css with uPlot's stylesheet, minified
 *
 * `buildDashboard()` is the one build: it returns every file with its type and caching, so
 * the local server serves it from memory and a deployment can upload the same files to S3.
 * Scripts and styles are minified (no inline source map) and served gzip- or
 * brotli-compressed when the browser accepts it. The browser code reads only the APIs; this
 * app holds no data.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { Hono, type Context } from 'hono';
import type { Telemetry } from '../core/telemetry.ts';
import type { DashboardConfig } from '../dashboard/sign-in-config.ts';
import { jsonErrorHandler } from './errors.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

// Scripts only from this origin, API calls and frames (the outreach preview, a statement)
// only to it. Styles allow inline: uPlot positions its cursor and plot with style attributes.
// With a sign-in provider, its token endpoint too (the deployment serves the same policy from CloudFront).
export function dashboardCsp(signInOrigin?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${signInOrigin ? ` ${signInOrigin}` : ''}`,
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The sign-in adapter the page uses locally: the token from the URL fragment (see dashboard/sign-in.ts). */
export const LOCAL_DASHBOARD_CONFIG: DashboardConfig = { signIn: { kind: 'local-token' } };

export interface DashboardAppOptions {
  /** The sign-in adapter the page is told to use (`/dashboard-config.json`). @default the local token */
  readonly config?: DashboardConfig;
  /** Where a failed build is logged (through the one error handler, http/errors.ts). */
  readonly telemetry: Telemetry;
}

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
const IMMUTABLE = 'public, max-age=31536000, immutable';

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

const BUILD_OPTIONS = {
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
  // uPlot (60% of the code) is a dynamic import: its own content-named chunk, fetched and run
  // after the page's first render instead of delaying it.
  splitting: true,
  chunkNames: 'chunk-[hash]',
} as const;

/** Every file of the dashboard and the portal, built and compressed once. */
export async function buildDashboard(): Promise<DashboardFile[]> {
  // One build per page, so the only chunk is the lazily loaded one (no shared chunk that the
  // first render would wait for); both builds emit the same uPlot chunk under the same name.
  const [dashboard, portal, css] = await Promise.all([
    build({ ...BUILD_OPTIONS, entryPoints: { dashboard: join(DASHBOARD_DIR, 'main.ts') } }),
    build({ ...BUILD_OPTIONS, entryPoints: { portal: join(DASHBOARD_DIR, 'portal-main.ts') } }),
    build({ ...BUILD_OPTIONS, splitting: false, entryPoints: { 'dashboard-css': join(DASHBOARD_DIR, 'dashboard.css') } }),
  ]);
  const out = { outputFiles: [...dashboard.outputFiles, ...portal.outputFiles, ...css.outputFiles] };
  const chunks = new Map(out.outputFiles.filter((f) => /\/chunk-[A-Z0-9]+\.js$/.test(f.path)).map((f) => [`/assets/${f.path.split('/').pop()}`, f.contents]));
  const named = (suffix: string) => out.outputFiles.find((f) => f.path.endsWith(suffix))!.contents;
  const assets = [
    { path: '/assets/dashboard.js', type: 'text/javascript; charset=utf-8', body: named('/dashboard.js') },
    { path: '/assets/portal.js', type: 'text/javascript; charset=utf-8', body: named('/portal.js') },
    { path: '/assets/dashboard.css', type: 'text/css; charset=utf-8', body: named('/dashboard-css.css') },
  ];
  // The pages load content-addressed copies (`dashboard.<hash>.js`), cached for a year: a new build is a new name.
  const hashed = assets.map((a) => ({ ...a, hashedPath: a.path.replace(/\.(js|css)$/, `.${createHash('sha256').update(a.body).digest('hex').slice(0, 12)}.$1`) }));
  const page = async (name: string) => {
    let html = await readFile(join(DASHBOARD_DIR, name), 'utf8');
    for (const a of hashed) html = html.replaceAll(`"${a.path}"`, `"${a.hashedPath}"`);
    return new TextEncoder().encode(html);
  };
  return [
    file('/', 'text/html; charset=utf-8', HTML_HEADERS, await page('index.html')),
    file('/portal', 'text/html; charset=utf-8', HTML_HEADERS, await page('portal.html')),
    ...hashed.map((a) => file(a.path, a.type, ASSET_CACHE, a.body)),
    ...hashed.map((a) => file(a.hashedPath, a.type, IMMUTABLE, a.body)),
    ...[...chunks].map(([path, body]) => file(path, 'text/javascript; charset=utf-8', IMMUTABLE, body)),
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

export function createDashboardApp(opts: DashboardAppOptions): Hono {
  const app = new Hono();
  const config = opts.config ?? LOCAL_DASHBOARD_CONFIG;
  const csp = dashboardCsp(config.signIn.kind === 'oidc' ? new URL(config.signIn.tokenUrl).origin : undefined);
  const serve = (match: (path: string) => boolean) => async (c: Context) => {
      // A bundle that fails to build is a 500 through onError, logged with esbuild's messages.
      const f = (await dashboardFiles()).find((x) => match(x.path) && x.path === c.req.path);
      if (!f) return c.notFound();
      const accepts = c.req.header('accept-encoding') ?? '';
      const [body, encoding] = /\bbr\b/.test(accepts) ? [f.brotli, 'br'] : /\bgzip\b/.test(accepts) ? [f.gzip, 'gzip'] : [f.body, null];
      const headers: Record<string, string> = { 'Content-Type': f.contentType, 'Cache-Control': f.cacheControl, 'X-Content-Type-Options': 'nosniff', Vary: 'Accept-Encoding' };
      if (encoding) headers['Content-Encoding'] = encoding;
      if (f.contentType.startsWith('text/html')) {
        headers['Content-Security-Policy'] = csp;
        // Tokens travel in the fragment, which is never sent; this keeps the page's own URL out of Referer too.
        headers['Referrer-Policy'] = 'no-referrer';
      }
      return c.body(body as Uint8Array<ArrayBuffer>, 200, headers);
  };
  app.get('/', serve((p) => p === '/'));
  app.get('/portal', serve((p) => p === '/portal'));
  // Which sign-in adapter the page uses; in AWS the deployment writes this file with Cognito's endpoints.
  app.get('/dashboard-config.json', (c) => c.json(config, 200, { 'Cache-Control': 'no-store' }));
  app.get('/assets/:file{([a-z-]+(\\.[0-9a-f]{12})?|chunk-[A-Z0-9]+)\\.(js|css)}', serve((p) => p.startsWith('/assets/')));
  app.onError(jsonErrorHandler(opts.telemetry));
  return app;
}
