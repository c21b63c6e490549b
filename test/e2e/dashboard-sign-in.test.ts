/**
 * The dashboard's AWS sign-in adapter in real headless Chromium against a real OpenID Connect
 * provider started here (oidc-provider, standing in for Cognito's managed login): the page is told
 * by /dashboard-config.json to use the authorization code flow with PKCE, goes to the provider,
 * signs in, comes back with a code, exchanges it (the provider requires PKCE for a public client),
 * calls the analyst API with the access token, and signs out. The API's check of the token stands
 * in for API Gateway's JWT authorizer: it asks the provider's userinfo endpoint.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '../../adapters/provision.ts';
import { createApiApp } from '../../http/api-app.ts';
import { wireApi } from '../../http/api-wiring.ts';
import { awsConfig, businessConfig, outreachConfig } from '../../config/config.ts';
import { createDashboardApp } from '../../http/dashboard-app.ts';
import { freePort } from '../../local/free-port.ts';
import { launchChromium } from '../support/chromium.ts';
import { freshTables } from '../support/tables.ts';
import { dynamodb } from '../support/clients.ts';
import { telemetry } from '../support/telemetry.ts';

describe('dashboard sign-in with an OpenID Connect provider (authorization code + PKCE)', () => {
  let tables: TableNames;
  let provider: Provider;
  let issuerServer: ReturnType<Provider['listen']>;
  let dashboard: ServerType;
  let browser: Browser;
  let page: Page;
  let issuer: string;
  let dashboardUrl: string;
  const tokenRequests: Array<Record<string, string>> = [];
  const apiAuthorizations: string[] = [];

  beforeAll(async () => {
    tables = await freshTables();
    process.env.STATE_TABLE = tables.state;
    process.env.EVENTS_TABLE = tables.events;
    const [issuerPort, dashboardPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${issuerPort}`;
    dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
    provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'reftrack-dashboard',
          token_endpoint_auth_method: 'none', // a public client, like the Cognito app client (no secret)
          application_type: 'native', // lets the test use http://127.0.0.1 callbacks
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [`${dashboardUrl}/`],
          post_logout_redirect_uris: [`${dashboardUrl}/`],
        },
      ],
      clientBasedCORS: () => true,
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@example.com` }) }),
      claims: { openid: ['sub'], email: ['email'] },
    });
    provider.on('grant.success', (ctx: { oidc: { params?: Record<string, string> }; request: { body?: Record<string, string> } }) => tokenRequests.push({ ...(ctx.oidc.params ?? {}) }));
    issuerServer = provider.listen(issuerPort);

    // The stand-in for API Gateway's JWT authorizer: the bearer token must be one the provider issued.
    const oidcAuth: MiddlewareHandler = async (c, next) => {
      const authorization = c.req.header('authorization') ?? '';
      apiAuthorizations.push(authorization);
      const res = await fetch(`${issuer}/me`, { headers: { authorization } });
      if (!res.ok) return c.json({ error: { code: 'unauthorized', message: 'sign in again' } }, 401);
      await next();
    };
    const app = new Hono();
    app.route('/', createApiApp(wireApi({ aws: awsConfig(), business: businessConfig(), outreach: outreachConfig(), dynamodb, auth: oidcAuth, telemetry })));
    app.route(
      '/',
      createDashboardApp({
        telemetry,
        config: {
          signIn: {
            kind: 'oidc',
            clientId: 'reftrack-dashboard',
            authorizeUrl: `${issuer}/auth`,
            tokenUrl: `${issuer}/token`,
            logoutUrl: `${issuer}/session/end?client_id=reftrack-dashboard&post_logout_redirect_uri=${encodeURIComponent(`${dashboardUrl}/`)}`,
            redirectUri: `${dashboardUrl}/`,
            scopes: ['openid', 'email'],
          },
        },
      }),
    );
    dashboard = serve({ fetch: app.fetch, port: dashboardPort, hostname: '127.0.0.1' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    dashboard?.close();
    issuerServer?.close();
  });

  it('asks to sign in, signs in on the provider, comes back with a code exchanged with PKCE and shows the seven vendors', async () => {
    await page.goto(`${dashboardUrl}/#/vendor/solare`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 30_000 }).toBe('Sign in to the reftrack dashboard');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The provider's own pages (Cognito's managed login in AWS): a login form, then consent.
    await page.waitForURL((url) => url.origin === issuer, { timeout: 30_000 });
    await page.locator('input[name="login"]').fill('ana');
    await page.locator('input[name="password"]').fill('any-password');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click({ timeout: 30_000 }); // consent: "Continue"

    await page.waitForURL((url) => url.origin === dashboardUrl, { timeout: 30_000 });
    // Back on the route the analyst asked for, with the code gone from the address bar.
    await expect.poll(() => page.url(), { timeout: 30_000 }).toBe(`${dashboardUrl}/#/vendor/solare`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 30_000 }).toBe('Solare');
    await page.goto(`${dashboardUrl}/#/`);
    await expect.poll(() => page.locator('#vendors-table tbody tr').count(), { timeout: 30_000 }).toBe(7);

    // The code was exchanged with a PKCE verifier and no secret; the API got the provider's access token.
    const exchange = tokenRequests.find((r) => r.grant_type === 'authorization_code')!;
    expect(exchange).toMatchObject({ client_id: 'reftrack-dashboard', redirect_uri: `${dashboardUrl}/` });
    expect(exchange.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(exchange.client_secret).toBeUndefined();
    const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('reftrack.oidc.token') ?? 'null') as { accessToken: string } | null);
    expect(stored?.accessToken).toBeTruthy();
    expect(apiAuthorizations.at(-1)).toBe(`Bearer ${stored!.accessToken}`);
    expect(await page.evaluate(() => sessionStorage.getItem('reftrack.oidc.pending'))).toBeNull();
  });

  it('a forged or replayed callback is ignored (state must match the request this tab made)', async () => {
    const other = await page.context().newPage();
    await other.goto(`${dashboardUrl}/?code=stolen&state=not-mine#/`);
    await expect.poll(() => other.getByRole('heading', { level: 1 }).textContent(), { timeout: 30_000 }).toBe('Sign in to the reftrack dashboard');
    expect(other.url()).toBe(`${dashboardUrl}/#/`);
    expect(tokenRequests.filter((r) => r.code === 'stolen')).toEqual([]);
    await other.close();
  });

  it('signs out: the token is dropped, the provider ends the session and the page asks to sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === issuer, { timeout: 30_000 });
    // oidc-provider confirms the sign-out with a form (Cognito's /logout does not ask).
    await page.locator('button[autofocus], button[type="submit"]').first().click();
    await page.waitForURL((url) => url.origin === dashboardUrl, { timeout: 30_000 });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 30_000 }).toBe('Sign in to the reftrack dashboard');
    expect(await page.evaluate(() => sessionStorage.getItem('reftrack.oidc.token'))).toBeNull();
  });
});
