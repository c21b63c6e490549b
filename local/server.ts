/** The local HTTP server: the very apps the Lambdas run, served by @hono/node-server. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import type { AwsConfig, BusinessConfig, OutreachConfig, RedirectConfig, SpillConfig } from '../config/config.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { createApiApp } from '../http/api-app.ts';
import { bearerTokenAuth } from '../http/api-auth.ts';
import { wireApi } from '../http/api-wiring.ts';
import { createDashboardApp } from '../http/dashboard-app.ts';
import { jsonErrorHandler, jsonNotFound } from '../http/errors.ts';
import { createOutreachApp } from '../http/outreach-app.ts';
import { wireOutreach } from '../http/outreach-wiring.ts';
import { createRedirectApp } from '../http/redirect-app.ts';
import { wireRedirect } from '../http/wiring.ts';

/** What the local server is built from; local/start.ts parses and builds these once. */
export interface LocalAppWiring {
  readonly aws: AwsConfig;
  readonly redirect: RedirectConfig;
  readonly spill: SpillConfig;
  readonly business: BusinessConfig;
  readonly outreach: OutreachConfig;
  readonly dynamodb: DynamoDBClient;
  readonly kinesis: KinesisClient;
  readonly visitorHashKey: string;
  /** Guards every JSON route (analyst API and outreach board): `Authorization: Bearer <token>`. */
  readonly apiToken: string;
  readonly telemetry: Telemetry;
}

export function createLocalApp(w: LocalAppWiring): Hono {
  const root = new Hono();
  const auth = bearerTokenAuth(w.apiToken);
  const redirectApp = createRedirectApp({ ...wireRedirect(w), clientIp: (c) => getConnInfo(c).remote.address });
  // URL parsing folds dot segments, so `/ref/%2e%2e`, `/./ref/..` or `/ref;/%2e%2e` arrive here
  // as `/` and would open the dashboard. On Lambda the redirect function sees every /ref/* path
  // and sends such guests to the fallback; locally, check the raw request line so they get the
  // same redirect.
  root.use(async (c, next) => {
    const raw = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url ?? '';
    if (isMangledReferralPath(raw) && !/^\/ref(\/|$)/.test(c.req.path)) return redirectApp.fetch(new Request(new URL('/ref/', c.req.url)), c.env);
    return next();
  });
  root.route('/', redirectApp);
  root.route('/', createOutreachApp(wireOutreach({ ...w, apiAuth: auth })));
  root.route('/', createApiApp(wireApi({ ...w, auth })));
  root.route('/', createDashboardApp(w));
  // What no app routes (an unknown /api/... path, say) answers like the API does on Lambda.
  root.notFound(jsonNotFound(w.telemetry));
  root.onError(jsonErrorHandler(w.telemetry));
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
