import { beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '../../adapters/provision.ts';
import { parseCsv } from '../../core/finance/csv.ts';
import { createApiApp, type ApiAppDeps } from '../../http/api-app.ts';
import { telemetry } from '../support/telemetry.ts';
import { apiDepsOn, recordAndAggregate } from '../support/analyst.ts';
import { click } from '../support/click-events.ts';
import { freshTables } from '../support/tables.ts';

const TOKEN = 'test-api-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const NOW = new Date('2026-11-20T18:00:00.000Z');
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36';

describe('GET /api/v1/breakdowns against DynamoDB Local', () => {
  let tables: TableNames;
  let deps: ApiAppDeps;
  const get = async (path: string) => {
    const res = await createApiApp(deps).request(path, { headers: auth });
    return { res, body: res.headers.get('content-type')?.includes('json') ? ((await res.json()) as any) : await res.text() };
  };

  beforeAll(async () => {
    tables = await freshTables();
    deps = apiDepsOn(tables, NOW, TOKEN);
    await recordAndAggregate(tables, [
      // October: two shared-link clicks.
      click({ vendor: 'solare', visitor: 'o1', at: '2026-10-10T18:00:00.000Z', userAgent: DESKTOP }),
      click({ vendor: 'solare', visitor: 'o2', at: '2026-10-11T18:00:00.000Z', userAgent: DESKTOP }),
      // November: QR scans from phones in Mexico via Instagram, one e-mail click, a repeat, a bot, staff.
      click({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:00:00.000Z', placement: 'qr', refererHost: 'l.instagram.com', country: 'MX', userAgent: PHONE }),
      click({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:01:00.000Z', placement: 'qr', refererHost: 'l.instagram.com', country: 'MX', userAgent: PHONE }),
      click({ vendor: 'solare', visitor: 'b', at: '2026-11-04T17:00:00.000Z', placement: 'qr', country: 'US', userAgent: PHONE }),
      click({ vendor: 'solare', visitor: 'c', at: '2026-11-05T17:00:00.000Z', placement: 'email', country: null, userAgent: DESKTOP }),
      click({ vendor: 'solare', visitor: 'd', at: '2026-11-05T18:00:00.000Z', bot: true }),
      click({ vendor: 'solare', visitor: 'e', at: '2026-11-05T19:00:00.000Z', internal: true, userAgent: DESKTOP }),
      click({ vendor: 'puesto', visitor: 'z', at: '2026-11-05T19:00:00.000Z', placement: 'qr', userAgent: PHONE }),
    ]);
  });

  it('placement for solare last month, and the month before', async () => {
    const nov = await get('/api/v1/breakdowns?vendor=solare&from=2026-11-01&to=2026-11-30&by=placement');
    expect(nov.res.status).toBe(200);
    expect(nov.res.headers.get('cache-control')).toBe('no-store');
    expect(nov.body).toEqual({
      timeZone: 'America/Los_Angeles',
      vendor: 'solare',
      by: 'placement',
      from: '2026-11-01',
      to: '2026-11-30',
      rows: [
        { value: 'qr', clicks: 3, qualifiedClicks: 2 },
        { value: 'link', clicks: 2, qualifiedClicks: 0 },
        { value: 'email', clicks: 1, qualifiedClicks: 1 },
      ],
      total: { clicks: 6, qualifiedClicks: 3 },
    });
    const oct = await get('/api/v1/breakdowns?vendor=solare&from=2026-10-01&to=2026-10-31&by=placement');
    expect(oct.body.rows).toEqual([{ value: 'link', clicks: 2, qualifiedClicks: 2 }]);
  });

  it('referrer, country, device and counted-as add up to the period; all vendors include puesto', async () => {
    const q = (by: string, vendor = 'solare') => get(`/api/v1/breakdowns?vendor=${vendor}&from=2026-11-01&to=2026-11-30&by=${by}`).then((r) => r.body.rows);
    expect(await q('referrer')).toEqual([
      { value: '(direct)', clicks: 4, qualifiedClicks: 2 },
      { value: 'l.instagram.com', clicks: 2, qualifiedClicks: 1 },
    ]);
    expect(await q('country')).toEqual([
      { value: 'US', clicks: 3, qualifiedClicks: 1 },
      { value: 'MX', clicks: 2, qualifiedClicks: 1 },
      { value: '(unknown)', clicks: 1, qualifiedClicks: 1 },
    ]);
    expect(await q('device')).toEqual([
      { value: 'phone', clicks: 3, qualifiedClicks: 2 },
      { value: 'desktop', clicks: 2, qualifiedClicks: 1 },
      { value: 'bot', clicks: 1, qualifiedClicks: 0 },
    ]);
    expect(await q('reason')).toEqual([
      { value: 'qualified', clicks: 3, qualifiedClicks: 3 },
      { value: 'bot', clicks: 1, qualifiedClicks: 0 },
      { value: 'internal', clicks: 1, qualifiedClicks: 0 },
      { value: 'repeat-visitor', clicks: 1, qualifiedClicks: 0 },
    ]);
    const all = await get('/api/v1/breakdowns?from=2026-11-01&to=2026-11-30&by=placement');
    expect(all.body.vendor).toBe('*');
    expect(all.body.rows[0]).toEqual({ value: 'qr', clicks: 4, qualifiedClicks: 3 });
  });

  it('several dimensions in one request: each answer exactly what its own request gives', async () => {
    const dims = ['placement', 'referrer', 'country', 'device', 'reason'];
    const both = await get(`/api/v1/breakdowns?vendor=solare&from=2026-11-01&to=2026-11-30&by=${dims.join(',')}`);
    expect(both.res.status).toBe(200);
    expect(both.body).toMatchObject({ vendor: 'solare', from: '2026-11-01', to: '2026-11-30', timeZone: expect.any(String) });
    expect(both.body.breakdowns.map((b: { by: string }) => b.by)).toEqual(dims);
    for (const [i, by] of dims.entries()) expect(both.body.breakdowns[i]).toEqual((await get(`/api/v1/breakdowns?vendor=solare&from=2026-11-01&to=2026-11-30&by=${by}`)).body);
    const csv = await get('/api/v1/breakdowns?vendor=solare&by=placement,device&format=csv');
    expect(csv.res.status).toBe(400);
    expect(csv.body.error.message).toMatch(/^by: a CSV file holds one dimension/);
    expect((await get('/api/v1/breakdowns?by=device,device')).body.error.message).toMatch(/^by: names a dimension twice/);
    expect((await get('/api/v1/breakdowns?by=device,colour')).res.status).toBe(400);
  });

  it('CSV: header, rows, TOTAL; time zone in a header and the file name', async () => {
    const { res, body } = await get('/api/v1/breakdowns?vendor=solare&from=2026-11-01&to=2026-11-30&by=placement&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('x-reftrack-time-zone')).toBe('America/Los_Angeles');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="breakdown-placement-solare-2026-11-01-to-2026-11-30-America_Los_Angeles.csv"');
    expect(parseCsv(body as string).map((r) => r.fields)).toEqual([
      ['vendor', 'from', 'to', 'placement', 'clicks', 'qualifiedClicks'],
      ['solare', '2026-11-01', '2026-11-30', 'qr', '3', '2'],
      ['solare', '2026-11-01', '2026-11-30', 'link', '2', '0'],
      ['solare', '2026-11-01', '2026-11-30', 'email', '1', '1'],
      ['solare', '2026-11-01', '2026-11-30', 'TOTAL', '6', '3'],
    ]);
  });

  it('400 naming the parameter, 404 for an unknown vendor, 401 without the token', async () => {
    const bad = await get('/api/v1/breakdowns?by=colour');
    expect(bad.res.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^by: must be one of placement, referrer, country, device, reason/);
    expect((await get('/api/v1/breakdowns?vendor=nope&by=device')).res.status).toBe(404);
    expect((await get('/api/v1/breakdowns?from=2026-11-30&to=2026-11-01')).res.status).toBe(400);
    expect((await createApiApp(deps).request('/api/v1/breakdowns')).status).toBe(401);
  });
});
