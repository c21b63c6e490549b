/** The local HTTP server: the very apps the Lambdas run, served by @hono/node-server. */
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { createDashboardApp } from '../http/dashboard-app.ts';
import { createApiApp } from '../http/api-app.ts';
import { createConversionsApp } from '../http/conversions-app.ts';
import { wireConversions } from '../http/conversions-wiring.ts';
import { conversionConfig, localConfig } from '../config/config.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { apiAuth, wireApi } from '../http/api-wiring.ts';
import { createOutreachApp } from '../http/outreach-app.ts';
import { createPortalApp } from '../http/portal-app.ts';
import { wirePortal } from '../http/portal-wiring.ts';
import { wireOutreach } from '../http/outreach-wiring.ts';
import { createRedirectApp } from '../http/redirect-app.ts';
import { wireRedirect } from '../http/wiring.ts';
import type { ClickEvent } from '../core/click-event.ts';
import type { UnrecordedJournal } from './unrecorded-journal.ts';

export function createLocalApp(opts: { readonly unrecorded?: UnrecordedJournal } = {}): Hono {
  const root = new Hono();
  // One middleware guards every JSON route: the bearer token locally (REFTRACK_TARGET decides).
  const auth = apiAuth();
  const journal = opts.unrecorded;
  const redirectApp = createRedirectApp({
    ...wireRedirect(),
    clientIp: (c) => getConnInfo(c).remote.address,
    ...(journal ? { keepUnrecorded: (outcome: { event: ClickEvent }) => journal.keep(outcome.event) } : {}),
  });
  // URL parsing folds dot segments, so `/ref/%2e%2e`, `/./ref/..` or `/ref;/%2e%2e` arrive here
  // as `/` and would open the dashboard. On Lambda the redirect function sees every /ref/* path
  // and sends such guests to the fallback; locally, check the raw request line so they get the
  // same redirect.
  root.use(async (c, next) => {
    const raw = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url ?? '';
    if (isMangledReferralPath(raw) && !/^\/ref(\/|$)/.test(c.req.path)) return redirectApp.fetch(new Request(new URL('/ref/', c.req.url)), c.env);
    return next();
  });
  // JSON answers compressed for browsers (the static files come compressed from their build).
  root.use('/api/*', compress());
  root.use('/portal/api/*', compress());
  root.route('/', redirectApp);
  root.route('/', createOutreachApp(wireOutreach(auth)));
  // Signed by the booking system, not by an analyst: before the API's /api/v1/* credentials check.
  root.route('/', createConversionsApp(wireConversions({ secret: conversionConfig().CONVERSION_SECRET ?? loadOrCreateSecrets(localConfig().REFTRACK_DATA_DIR).conversionSecret })));
  root.route('/', createApiApp(wireApi(auth)));
  // The vendor portal: its own signed, vendor-scoped credential, never the analyst token.
  root.route('/', createPortalApp(wirePortal()));
  root.route('/', createDashboardApp());
  return root;
}

/**
 * A raw request path that names /ref but that URL parsing rewrites: it starts with /ref (any
 * case), or mentions a /ref segment together with a dot segment (`.`, `..`, `%2e`), a `;`
 * parameter or an encoded slash. Ordinary dashboard, API and outreach paths have none of these.
 */
export function isMangledReferralPath(rawUrl: string): boolean {
  const path = rawUrl.split(/[?#]/, 1)[0] ?? '';
  if (/^\/ref([/;?]|$)/i.test(path)) return true;
  const mentionsRef = /\/ref([/;%]|$)/i.test(path);
  const mangled = /(^|\/)(\.|%2e){1,2}([/;]|$)/i.test(path) || /[;\\]|%2f|%5c/i.test(path);
  return mentionsRef && mangled;
}

export function startServer(app: Hono, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(server));
    server.once('error', reject);
  });
}
