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
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { logger } from '../adapters/telemetry.ts';
import type { DashboardConfig } from '../dashboard/sign-in-config.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));
const UPLOT_DIST = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js'));
const UPLOT_URL = '/assets/uplot/uPlot.esm.js';

/**
 * Scripts only from this origin (the bundle and uPlot), API calls and frames (the outreach
 * preview) only to it, plus the sign-in provider's token endpoint when one is used. Styles allow
 * inline: uPlot positions its legend and cursor with style attributes. The deployment serves the
 * same policy from CloudFront (infra/constructs/dashboard-site.ts).
 */
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

/** `import uPlot from 'uplot'` in the browser code becomes an import of the served dist file. */
const uplotFromAssets: Plugin = {
  name: 'uplot-from-assets',
  setup(b) {
    b.onResolve({ filter: /^uplot$/ }, () => ({ path: UPLOT_URL, external: true }));
  },
};

/**
 * The static files as the browser asks for them: URL path -> source file. The CDK app uploads the
 * same layout to the dashboard bucket (infra/dashboard-files.ts), so both servers serve one tree.
 */
export const DASHBOARD_STATIC_FILES = {
  'index.html': join(DASHBOARD_DIR, 'index.html'),
  'assets/dashboard.css': join(DASHBOARD_DIR, 'dashboard.css'),
  'assets/uplot/uPlot.esm.js': join(UPLOT_DIST, 'uPlot.esm.js'),
  'assets/uplot/uPlot.min.css': join(UPLOT_DIST, 'uPlot.min.css'),
} as const;

/** Where the bundle of dashboard/main.ts is served. */
export const DASHBOARD_BUNDLE_PATH = 'assets/dashboard.js';

/** esbuild options for the browser bundle (the local server builds in memory, the CDK app to a file). */
export const DASHBOARD_BUILD_OPTIONS = {
  entryPoints: [join(DASHBOARD_DIR, 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'silent',
  plugins: [uplotFromAssets],
} as const satisfies BuildOptions;

/** The sign-in adapter the page uses locally: the token from the URL fragment (see dashboard/sign-in.ts). */
export const LOCAL_DASHBOARD_CONFIG: DashboardConfig = { signIn: { kind: 'local-token' } };

let bundle: Promise<string> | undefined;

/** The browser bundle, built once per process (a failed build is retried on the next request). */
export function dashboardBundle(): Promise<string> {
  bundle ??= build({ ...DASHBOARD_BUILD_OPTIONS, plugins: [...DASHBOARD_BUILD_OPTIONS.plugins], entryPoints: [...DASHBOARD_BUILD_OPTIONS.entryPoints], write: false, sourcemap: 'inline' }).then(
    (out) => out.outputFiles[0]!.text,
    (error: unknown) => {
      bundle = undefined;
      throw error;
    },
  );
  return bundle;
}

export interface DashboardAppOptions {
  /** The sign-in adapter the page is told to use. @default the local token (`#token=` link) */
  readonly config?: DashboardConfig;
}

export function createDashboardApp(opts: DashboardAppOptions = {}): Hono {
  const app = new Hono();
  const config = opts.config ?? LOCAL_DASHBOARD_CONFIG;
  const csp = dashboardCsp(config.signIn.kind === 'oidc' ? new URL(config.signIn.tokenUrl).origin : undefined);

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
        'Content-Security-Policy': csp,
        // The token travels in the fragment, which is never sent; this keeps the page's own URL out of Referer too.
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
  app.get('/assets/dashboard.js', async (c) => {
    try {
      return c.body(await dashboardBundle(), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    } catch (error) {
      logger.error('dashboard bundle failed to build', { error });
      return c.text('dashboard bundle failed to build; see the server log', 500);
    }
  });
  app.get('/assets/dashboard.css', file(DASHBOARD_STATIC_FILES['assets/dashboard.css'], 'text/css; charset=utf-8', 'no-store'));
  app.get(UPLOT_URL, file(DASHBOARD_STATIC_FILES['assets/uplot/uPlot.esm.js'], 'text/javascript; charset=utf-8', 'public, max-age=3600'));
  app.get('/assets/uplot/uPlot.min.css', file(DASHBOARD_STATIC_FILES['assets/uplot/uPlot.min.css'], 'text/css; charset=utf-8', 'public, max-age=3600'));
  // Which sign-in adapter the page uses; in AWS the deployment writes this file with Cognito's endpoints.
  app.get('/dashboard-config.json', (c) => c.json(config, 200, { 'Cache-Control': 'no-store' }));
  return app;
}
