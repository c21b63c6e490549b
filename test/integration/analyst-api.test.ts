import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '../../adapters/provision.ts';
import { createApiApp, type ApiAppDeps } from '../../http/api-app.ts';
import { apiDepsOn, reftrack, recordAndAggregate } from '../support/analyst.ts';
import { click } from '../support/click-events.ts';
import { freshTables } from '../support/tables.ts';
import { localAppOn } from '../support/local-app.ts';
import { telemetry } from '../support/telemetry.ts';

const TOKEN = 'test-api-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
// 2026-11-20 10:00 in Los Angeles.
const NOW = new Date('2026-11-20T18:00:00.000Z');

describe('analyst API against DynamoDB Local', () => {
  let tables: TableNames;
  let deps: ApiAppDeps;
  const app = (overrides: Partial<ApiAppDeps> = {}) => createApiApp({ ...deps, ...overrides });
  const getJson = async (path: string) => {
    const res = await app().request(path, { headers: auth });
    return { res, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    tables = await freshTables();
    deps = apiDepsOn(tables, NOW, TOKEN);
    await recordAndAggregate(tables, [
      click({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:00:00.000Z' }),
      click({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:01:00.000Z' }),
      click({ vendor: 'solare', visitor: 'b', at: '2026-11-03T18:00:00.000Z', bot: true }),
      click({ vendor: 'solare', visitor: 'c', at: '2026-11-05T20:00:00.000Z', internal: true }),
      // 23:30 in Los Angeles on Nov 5 is Nov 6 in UTC: counted on the business day, the 5th.
      click({ vendor: 'solare', visitor: 'd', at: '2026-11-06T07:30:00.000Z' }),
      click({ vendor: 'puesto', visitor: 'a', at: '2026-11-05T21:00:00.000Z' }),
      click({ vendor: 'boardbrew', visitor: 'e', at: '2026-11-19T21:00:00.000Z' }),
    ]);
  });

  it('refuses calls without the right bearer token: 401 JSON, never cached', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }, { authorization: 'Bearer' }]) {
      for (const path of ['/api/v1/vendors', '/api/v1/rollups?vendor=solare', '/api/v1/rollups?format=csv']) {
        const res = await app().request(path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      }
    }
  });

  it('GET /api/v1/vendors: every vendor with status, link and running totals', async () => {
    const { res, body } = await getJson('/api/v1/vendors');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.timeZone).toBe('America/Los_Angeles');
    expect(body.vendors.map((v: { code: string }) => v.code)).toEqual(['boardbrew', 'gbvintners', 'puesto', 'smallgoods', 'solare', 'totalwine', 'wholefoods']);
    const solare = body.vendors.find((v: { code: string }) => v.code === 'solare');
    expect(solare).toEqual({
      code: 'solare',
      name: 'Solare',
      status: 'active',
      link: 'https://refs.example.com/ref/solare',
      totals: { clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 2, subresourceClicks: 0, internalClicks: 1, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 1, bookings: 0, bookingValueCents: 0, firstClickAt: '2026-11-03T17:00:00.000Z', lastClickAt: '2026-11-06T07:30:00.000Z' },
    });
    const idle = body.vendors.find((v: { code: string }) => v.code === 'totalwine');
    expect(idle.totals).toEqual({ clicks: 0, botClicks: 0, humanClicks: 0, uniqueVisitors: 0, qualifiedClicks: 0, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0, bookings: 0, bookingValueCents: 0, firstClickAt: null, lastClickAt: null });
  });

  it('GET /api/v1/rollups: zero-filled inclusive days, a total, the time zone stated', async () => {
    const { res, body } = await getJson('/api/v1/rollups?vendor=solare&from=2026-11-02&to=2026-11-06');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.timeZone).toBe('America/Los_Angeles');
    expect(body.vendor).toBe('solare');
    expect([body.from, body.to]).toEqual(['2026-11-02', '2026-11-06']);
    expect(body.days.map((d: any) => [d.day, d.clicks, d.botClicks, d.humanClicks, d.uniqueVisitors, d.qualifiedClicks])).toEqual([
      ['2026-11-02', 0, 0, 0, 0, 0],
      ['2026-11-03', 3, 1, 2, 2, 1],
      ['2026-11-04', 0, 0, 0, 0, 0],
      ['2026-11-05', 2, 0, 2, 2, 1],
      ['2026-11-06', 0, 0, 0, 0, 0],
    ]);
    expect(body.days[0]).toEqual({ day: '2026-11-02', clicks: 0, botClicks: 0, humanClicks: 0, uniqueVisitors: 0, qualifiedClicks: 0, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0, bookings: 0, bookingValueCents: 0, firstClickAt: null, lastClickAt: null });
    expect(body.total).toEqual({ clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 4, qualifiedClicks: 2, subresourceClicks: 0, internalClicks: 1, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 1, bookings: 0, bookingValueCents: 0, firstClickAt: '2026-11-03T17:00:00.000Z', lastClickAt: '2026-11-06T07:30:00.000Z' });

    const all = (await getJson('/api/v1/rollups?from=2026-11-05&to=2026-11-05')).body;
    expect(all.vendor).toBe('*');
    expect(all.total).toMatchObject({ clicks: 3, qualifiedClicks: 2, uniqueVisitors: 3 });
  });

  it('defaults to the last 30 business days ending today in the business time zone', async () => {
    const { body } = await getJson('/api/v1/rollups');
    expect([body.vendor, body.from, body.to, body.days.length]).toEqual(['*', '2026-10-22', '2026-11-20', 30]);
    expect(body.total.clicks).toBe(7);
    const late = (await getJson('/api/v1/rollups?to=2026-11-10')).body;
    expect([late.from, late.to]).toEqual(['2026-10-12', '2026-11-10']);
    // `from` alone runs to today, not one day; vendor codes are case-insensitive, as in the CLI and the redirect.
    const since = (await getJson('/api/v1/rollups?vendor=SOLARE&from=2026-11-03')).body;
    expect([since.vendor, since.from, since.to, since.days.length]).toEqual(['solare', '2026-11-03', '2026-11-20', 18]);
  });

  it('JSON and CSV agree with `reftrack rollups --format json|csv`', async () => {
    for (const query of [{ vendor: 'solare', from: '2026-11-01', to: '2026-11-30' }, { from: '2026-11-03', to: '2026-11-19' }] as Array<Record<string, string>>) {
      const flags = Object.entries(query).flatMap(([k, v]) => [`--${k}`, v]);
      const params = new URLSearchParams(query).toString();
      const cliJson = await reftrack(tables, ['rollups', ...flags, '--format', 'json']);
      expect(cliJson.code, cliJson.stderr).toBe(0);
      expect((await getJson(`/api/v1/rollups?${params}`)).body).toEqual(JSON.parse(cliJson.stdout));

      const cliCsv = await reftrack(tables, ['rollups', ...flags, '--format', 'csv']);
      const res = await app().request(`/api/v1/rollups?${params}&format=csv`, { headers: auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      expect(res.headers.get('x-reftrack-time-zone')).toBe('America/Los_Angeles');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="rollups-(solare|all-vendors)-2026-11-\d\d-to-2026-11-\d\d-America_Los_Angeles\.csv"$/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const csv = await res.text();
      expect(csv).toBe(cliCsv.stdout);
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe('vendor,day,clicks,botClicks,humanClicks,uniqueVisitors,qualifiedClicks,subresourceClicks,internalClicks,suspiciousClicks,networkCapClicks,repeatVisitorClicks,bookings,bookingValueCents,firstClickAt,lastClickAt');
      expect(lines.at(-1)).toMatch(/,TOTAL,/);
    }
  }, 120_000); // four CLI processes: slow on a loaded machine

  it('400 naming the parameter for bad vendors, bad days, reversed and over-long ranges; 404 for an unknown vendor', async () => {
    const cases: Array<[string, number, RegExp]> = [
      ['/api/v1/rollups?vendor=Not%20A%20Code!', 400, /^vendor: /],
      ['/api/v1/rollups?from=2026-13-01&to=2026-11-05', 400, /^from: /],
      ['/api/v1/rollups?from=2026-11-01&to=yesterday', 400, /^to: /],
      ['/api/v1/rollups?from=2026-11-05&to=2026-11-01', 400, /from: 2026-11-05 is after to: 2026-11-01/],
      ['/api/v1/rollups?from=2025-01-01&to=2026-02-05', 400, /spans 401 days; at most 400 days/],
      ['/api/v1/rollups?format=xml', 400, /^format: /],
      ['/api/v1/rollups?vendor=nosuch', 404, /no vendor with code "nosuch"/],
    ];
    for (const [path, status, message] of cases) {
      const res = await app().request(path, { headers: auth });
      expect(res.status, path).toBe(status);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, path).toBe(status === 400 ? 'bad_request' : 'not_found');
      expect(body.error.message, path).toMatch(message);
    }
    // Exactly 400 days is served.
    const longest = await getJson('/api/v1/rollups?from=2025-01-01&to=2026-02-04');
    expect(longest.res.status).toBe(200);
    expect(longest.body.days).toHaveLength(400);
  });

  it('on Lambda (the deployed entry, handlers/api.ts) it trusts API Gateway only when an authorizer ran (IAM or JWT)', async () => {
    process.env.STATE_TABLE = tables.state; // the entry reads its configuration once, when imported
    const { handler: lambda } = await import('../../handlers/api.ts');
    const event = (authorizer: unknown): Parameters<typeof lambda>[0] =>
      ({
        version: '2.0',
        routeKey: 'GET /api/v1/vendors',
        rawPath: '/api/v1/vendors',
        rawQueryString: '',
        headers: { host: 'api.example.com' },
        isBase64Encoded: false,
        requestContext: {
          accountId: '000000000000', apiId: 'api', domainName: 'api.example.com', domainPrefix: 'api', requestId: 'r', routeKey: 'GET /api/v1/vendors', stage: '$default', time: '', timeEpoch: 0,
          http: { method: 'GET', path: '/api/v1/vendors', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'curl' },
          ...(authorizer ? { authorizer } : {}),
        },
      }) as unknown as Parameters<typeof lambda>[0];
    const iam = (await lambda(event({ iam: { accessKey: 'AKIA', accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/analyst' } }), {} as Context)) as { statusCode: number; body: string };
    expect(iam.statusCode).toBe(200);
    expect(JSON.parse(iam.body).vendors).toHaveLength(7);
    const jwt = (await lambda(event({ jwt: { claims: { sub: 'x' }, scopes: null } }), {} as Context)) as { statusCode: number };
    expect(jwt.statusCode).toBe(200);
    const none = (await lambda(event(undefined), {} as Context)) as { statusCode: number; body: string };
    expect(none.statusCode).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe('unauthorized');
  });

  it('the local server guards /api with the token from secrets.json', async () => {
    const { app: local, apiToken } = localAppOn(tables, mkdtempSync(join(tmpdir(), 'reftrack-api-')));
    for (const path of ['/api/v1/vendors', '/api/v1/rollups', '/api/v1/outreach/cards']) {
      expect((await local.request(path)).status, path).toBe(401);
      expect((await local.request(path, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status, path).toBe(401);
      expect((await local.request(path, { headers: { authorization: `Bearer ${apiToken}` } })).status, path).toBe(200);
    }
    const vendors = (await (await local.request('/api/v1/vendors', { headers: { authorization: `Bearer ${apiToken}` } })).json()) as any;
    // PUBLIC_BASE_URL's local default follows PORT (outreachConfig()).
    expect(vendors.vendors[0].link).toMatch(/^http:\/\/localhost:\d+\/ref\/boardbrew$/);
  });
});
