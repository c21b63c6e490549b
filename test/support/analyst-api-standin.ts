/**
 * TEST-ONLY stand-in for the analyst API (`/api/v1/vendors`, `/api/v1/rollups`) until the real
 * one is on this branch. It serves the agreed contract from the REAL RollupReader and
 * DynamoVendorStore on the given tables, so the dashboard tests read real rollups built by
 * the real aggregate consumer. Delete it once the analyst API lands.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Hono, type MiddlewareHandler } from 'hono';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { parseBusinessDay } from '../../core/business-day.ts';
import { ALL_VENDORS, figuresOf } from '../../core/rollup.ts';
import { parseVendorCode } from '../../core/vendor-code.ts';

export function bearerAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${token}`) return c.json({ error: { code: 'unauthorized', message: 'missing or wrong Bearer token' } }, 401);
    await next();
  };
}

export function analystApiStandIn(opts: { client: DynamoDBClient; tables: TableNames; token: string; baseUrl: () => string; timeZone: string }): Hono {
  const vendors = new DynamoVendorStore(opts.client, opts.tables.state);
  const reader = new RollupReader(opts.client, opts.tables.state, new RollupGenerations(opts.client, opts.tables.state, 0));
  const app = new Hono();
  app.use('/api/v1/vendors', bearerAuth(opts.token));
  app.use('/api/v1/rollups', bearerAuth(opts.token));
  app.get('/api/v1/vendors', async (c) => {
    const list = await vendors.list();
    const rows = await Promise.all(
      list.map(async (v) => ({ code: v.code, name: v.name, status: v.status, link: `${opts.baseUrl()}/ref/${v.code}`, totals: figuresOf(await reader.totals(v.code)) })),
    );
    return c.json({ timeZone: opts.timeZone, vendors: rows });
  });
  app.get('/api/v1/rollups', async (c) => {
    const vendor = c.req.query('vendor');
    const scope = vendor ? parseVendorCode(vendor) : ALL_VENDORS;
    const from = parseBusinessDay(c.req.query('from') ?? '');
    const to = parseBusinessDay(c.req.query('to') ?? '');
    const { days, total } = await reader.range(scope, from, to);
    return c.json({ timeZone: opts.timeZone, vendor: vendor ?? null, from, to, days: days.map((d) => ({ day: d.day, ...figuresOf(d) })), total: figuresOf(total) });
  });
  return app;
}
