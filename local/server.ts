/** The local HTTP server: the very apps the Lambdas run, served by @hono/node-server. */
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { createDashboardApp } from '../http/dashboard-app.ts';
import { createApiApp } from '../http/api-app.ts';
import { apiAuth, wireApi } from '../http/api-wiring.ts';
import { createOutreachApp } from '../http/outreach-app.ts';
import { wireOutreach } from '../http/outreach-wiring.ts';
import { createRedirectApp } from '../http/redirect-app.ts';
import { wireRedirect } from '../http/wiring.ts';

export function createLocalApp(): Hono {
  const root = new Hono();
  // One middleware guards every JSON route: the bearer token locally (REFTRACK_TARGET decides).
  const auth = apiAuth();
  root.route('/', createRedirectApp({ ...wireRedirect(), clientIp: (c) => getConnInfo(c).remote.address }));
  root.route('/', createOutreachApp(wireOutreach(auth)));
  root.route('/', createApiApp(wireApi(auth)));
  root.route('/', createDashboardApp());
  return root;
}

export function startServer(app: Hono, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(server));
    server.once('error', reject);
  });
}
