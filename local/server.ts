/** The local HTTP server: the very apps the Lambdas run, served by @hono/node-server. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { AwsConfig, BusinessConfig, ConversionConfig, LocalConfig, OutreachConfig, PortalConfig, RedirectConfig, SpillConfig } from '../config/config.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { createApiApp } from '../http/api-app.ts';
import { bearerTokenAuth } from '../http/api-auth.ts';
import { wireApi } from '../http/api-wiring.ts';
import { createConversionsApp } from '../http/conversions-app.ts';
import { wireConversions } from '../http/conversions-wiring.ts';
import { createDashboardApp } from '../http/dashboard-app.ts';
import { jsonErrorHandler, jsonNotFound } from '../http/errors.ts';
import { createOutreachApp } from '../http/outreach-app.ts';
import { createPortalApp } from '../http/portal-app.ts';
import { wirePortal } from '../http/portal-wiring.ts';
import { wireOutreach } from '../http/outreach-wiring.ts';
import { createRedirectApp } from '../http/redirect-app.ts';
import { wireRedirect } from '../http/wiring.ts';
import { KinesisClickSpill } from '../adapters/kinesis-spill.ts';
import type { ClickEvent } from '../core/click-event.ts';
import type { UnrecordedJournal } from './unrecorded-journal.ts';

/** What the local server is built from; local/start.ts parses and builds these once. */
export interface LocalAppWiring {
  readonly aws: AwsConfig;
  readonly redirect: RedirectConfig;
  readonly spill: SpillConfig;
  readonly business: BusinessConfig;
  readonly outreach: OutreachConfig;
  readonly conversion: ConversionConfig;
  readonly portal: PortalConfig;
  readonly local: LocalConfig;
  readonly dynamodb: DynamoDBClient;
  readonly kinesis: KinesisClient;
  readonly visitorHashKey: string;
  /** Guards every JSON route (analyst API and outreach board): `Authorization: Bearer <token>`. */
  readonly apiToken: string;
  /** What booking reports are signed with (CONVERSION_SECRET, or the generated one in secrets.json). */
  readonly conversionSecret: string;
  /** What vendor portal links are signed with (PORTAL_SIGNING_KEY, or the generated one). */
  readonly portalSigningKey: string;
  /** Where a click neither engine took is kept until it is re-appended (local/unrecorded-journal.ts). */
  readonly unrecorded?: UnrecordedJournal | undefined;
  readonly telemetry: Telemetry;
}

export function createLocalApp(w: LocalAppWiring): Hono {
  const root = new Hono();
  const auth = bearerTokenAuth(w.apiToken);
  const journal = w.unrecorded;
  const redirectApp = createRedirectApp({
    ...wireRedirect({ ...w, clickSpill: new KinesisClickSpill(w.kinesis, w.spill.SPILL_STREAM_NAME) }),
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
  root.route('/', createOutreachApp(wireOutreach({ ...w, apiAuth: auth })));
  // Signed by the booking system, not by an analyst: before the API's /api/v1/* credentials check.
  root.route('/', createConversionsApp(wireConversions({ ...w, secret: w.conversionSecret })));
  root.route('/', createApiApp(wireApi({ ...w, auth })));
  // The vendor portal: its own signed, vendor-scoped credential, never the analyst token.
  root.route('/', createPortalApp(wirePortal(w)));
  root.route('/', createDashboardApp({ telemetry: w.telemetry }));
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
