import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoPortalEpochs } from '../../adapters/dynamodb-portal-epochs.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { LocalStatementShelf, statementKey } from '../../adapters/statement-shelf.ts';
import { parsePayoutRules } from '../../core/finance/payout-rules.ts';
import { issuePortalToken, readPortalToken } from '../../core/portal-credential.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { createPortalApp, type PortalAppDeps } from '../../http/portal-app.ts';
import { recordAndAggregate, reftrack } from '../support/analyst.ts';
import { click } from '../support/click-events.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const KEY = 'portal-test-signing-key-0123456789abcdef';
const NOW = new Date('2026-11-20T18:00:00.000Z');
const nowSeconds = NOW.getTime() / 1000;
const solare = 'solare' as VendorCode;

describe('vendor portal API against DynamoDB Local', () => {
  let tables: TableNames;
  let deps: PortalAppDeps;
  let epochs: DynamoPortalEpochs;
  let vendorNames: string[];
  const app = () => createPortalApp(deps);
  const token = async (vendor = solare, overrides: { expiresAt?: number; epoch?: number } = {}) =>
    issuePortalToken({ vendor, epoch: overrides.epoch ?? (await epochs.current(vendor)), expiresAt: overrides.expiresAt ?? nowSeconds + 3600 }, KEY);
  const call = (path: string, t: string) => app().request(path, { headers: { authorization: `Bearer ${t}` } });

  beforeAll(async () => {
    tables = await freshTables();
    epochs = new DynamoPortalEpochs(dynamodb, tables.state);
    const vendors = new DynamoVendorStore(dynamodb, tables.state);
    vendorNames = (await vendors.list()).map((v) => v.name);
    const dataDir = mkdtempSync(join(tmpdir(), 'reftrack-portal-'));
    const shelfFile = join(dataDir, 's3', 'assets', statementKey('solare', '2026-10'));
    mkdirSync(join(shelfFile, '..'), { recursive: true });
    writeFileSync(shelfFile, '<!doctype html><title>Statement</title><main><h1>Solare, October</h1></main>');
    const rulesText = JSON.stringify({ currency: 'USD', vendors: { solare: { rateCents: 250, monthlyCapCents: 400 }, puesto: { rateCents: 100 } } });
    deps = {
      vendors,
      rollups: new RollupReader(dynamodb, tables.state, new RollupGenerations(dynamodb, tables.state, 0)),
      epochs,
      signingKey: KEY,
      clock: { now: () => NOW },
      timeZone: 'America/Los_Angeles',
      publicBaseUrl: 'https://refs.example.com',
      payoutRules: async () => parsePayoutRules(rulesText, 'rules.json', new Set(['solare', 'puesto'])).rules,
      statements: new LocalStatementShelf(join(dataDir, 's3'), 'assets'),
      telemetry,
    };
    await recordAndAggregate(tables, [
      click({ vendor: 'solare', visitor: 'a', at: '2026-11-03T17:00:00.000Z', placement: 'qr' }),
      click({ vendor: 'solare', visitor: 'b', at: '2026-11-04T17:00:00.000Z' }),
      click({ vendor: 'solare', visitor: 'c', at: '2026-11-04T18:00:00.000Z', bot: true }),
      click({ vendor: 'puesto', visitor: 'z', at: '2026-11-05T19:00:00.000Z', placement: 'qr' }),
      click({ vendor: 'puesto', visitor: 'y', at: '2026-11-05T19:10:00.000Z' }),
    ]);
  });

  it("answers only with the link's own vendor: no other vendor's name, code or figure in any response", async () => {
    const t = await token();
    const paths = [
      '/portal/api/v1/me',
      '/portal/api/v1/rollups?from=2026-11-01&to=2026-11-30',
      '/portal/api/v1/rollups?from=2026-11-01&to=2026-11-30&format=csv',
      ...['placement', 'referrer', 'country', 'device', 'reason'].map((by) => `/portal/api/v1/breakdowns?from=2026-11-01&to=2026-11-30&by=${by}`),
      '/portal/api/v1/breakdowns?by=placement&format=csv',
      '/portal/api/v1/estimate',
      '/portal/api/v1/statements',
      '/portal/api/v1/statements/2026-10',
    ];
    for (const path of paths) {
      const res = await call(path, t);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      const raw = await res.text();
      for (const other of ['puesto', 'boardbrew', 'gbvintners', 'smallgoods', 'totalwine', 'wholefoods', '"*"', ...vendorNames.filter((n) => !/solare/i.test(n))]) expect(raw, `${path} mentions ${other}`).not.toContain(other);
    }
    const me = (await (await call('/portal/api/v1/me', t)).json()) as any;
    expect(me.vendor).toMatchObject({ code: 'solare', link: 'https://refs.example.com/ref/solare', qrLink: 'https://refs.example.com/ref/solare?utm_content=qr' });
    const rollups = (await (await call('/portal/api/v1/rollups?from=2026-11-01&to=2026-11-30', t)).json()) as any;
    expect(rollups.vendor).toBe('solare');
    expect(rollups.total).toMatchObject({ clicks: 3, botClicks: 1, qualifiedClicks: 2 });
    const reasons = (await (await call('/portal/api/v1/breakdowns?from=2026-11-01&to=2026-11-30&by=reason', t)).json()) as any;
    expect(reasons.rows).toEqual([
      { value: 'qualified', clicks: 2, qualifiedClicks: 2 },
      { value: 'bot', clicks: 1, qualifiedClicks: 0 },
    ]);
  });

  it('a vendor parameter cannot widen the view: unknown parameters are refused', async () => {
    const t = await token();
    for (const path of ['/portal/api/v1/rollups?vendor=puesto', '/portal/api/v1/breakdowns?vendor=puesto&by=placement', '/portal/api/v1/rollups?vendor=*']) {
      const res = await call(path, t);
      expect(res.status, path).toBe(400);
      expect(await res.text()).not.toMatch(/"clicks"/);
    }
  });

  it("this month's estimate from the payout rules, capped, labelled as an estimate", async () => {
    const res = await call('/portal/api/v1/estimate', await token());
    expect(await res.json()).toMatchObject({
      month: '2026-11',
      qualifiedClicks: 2,
      estimate: { currency: 'USD', rateCents: 250, monthlyCapCents: 400, capApplied: true, amountCents: 400 },
      note: expect.stringMatching(/estimate/i),
    });
  });

  it('past statements: listed, served with a no-script CSP, unknown months 404', async () => {
    const t = await token();
    expect(await (await call('/portal/api/v1/statements', t)).json()).toEqual({ statements: [{ month: '2026-10', url: '/portal/api/v1/statements/2026-10' }] });
    const page = await call('/portal/api/v1/statements/2026-10', t);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await page.text()).toContain('Solare, October');
    expect((await call('/portal/api/v1/statements/2026-09', t)).status).toBe(404);
    expect((await call('/portal/api/v1/statements/..%2f..%2fpuesto', t)).status).toBe(400);
  });

  it('refuses tampered, forged, expired, revoked and analyst credentials with 401 and no data', async () => {
    const good = await token();
    const [prefix, payload, sig] = good.split('.') as [string, string, string];
    const otherVendorPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), v: 'puesto' })).toString('base64url');
    const laterPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), x: nowSeconds + 10 ** 8 })).toString('base64url');
    const refused = [
      `${prefix}.${otherVendorPayload}.${sig}`, // another vendor under solare's signature
      `${prefix}.${laterPayload}.${sig}`, // a later expiry
      `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`, // a changed signature
      issuePortalToken({ vendor: solare, epoch: 0, expiresAt: nowSeconds + 3600 }, 'another-signing-key-0123456789abcdefgh'),
      await token(solare, { expiresAt: nowSeconds - 1 }), // expired
      'test-api-token-0123456789', // the analyst token
      '',
    ];
    for (const t of refused) {
      for (const path of ['/portal/api/v1/me', '/portal/api/v1/rollups', '/portal/api/v1/breakdowns?by=placement']) {
        const res = await call(path, t);
        expect(res.status, `${path} with ${t.slice(0, 30)}`).toBe(401);
        const body = (await res.json()) as any;
        expect(body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
        expect(JSON.stringify(body)).not.toMatch(/solare|puesto/i);
      }
    }
    expect((await app().request('/portal/api/v1/me')).status).toBe(401);

    // Revocation: every earlier link stops at once, a new one works.
    const before = await token();
    expect((await call('/portal/api/v1/me', before)).status).toBe(200);
    await epochs.revoke(solare);
    expect((await call('/portal/api/v1/me', before)).status).toBe(401);
    expect((await call('/portal/api/v1/me', good)).status).toBe(401);
    expect((await call('/portal/api/v1/me', await token())).status).toBe(200);
  });

  it('reftrack portal link / revoke: a link that works, and a revoke that ends it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reftrack-portal-cli-'));
    const env = { REFTRACK_DATA_DIR: dataDir, PORTAL_SIGNING_KEY: KEY, PUBLIC_BASE_URL: 'https://refs.example.com' };
    const made = await reftrack(tables, ['portal', 'link', '--vendor', 'solare', '--days', '30'], env);
    expect(made.code).toBe(0);
    const link = made.stdout.trim();
    expect(link).toMatch(/^https:\/\/refs\.example\.com\/portal#key=rtp1\.[\w-]+\.[\w-]+$/);
    const t = link.split('#key=')[1]!;
    const grant = readPortalToken(t, KEY, new Date());
    expect(grant.vendor).toBe('solare');
    expect(grant.expiresAt - Date.now() / 1000).toBeGreaterThan(29 * 86_400);
    expect(link).not.toContain(KEY);
    const live = { ...deps, clock: { now: () => new Date() } };
    expect((await createPortalApp(live).request('/portal/api/v1/me', { headers: { authorization: `Bearer ${t}` } })).status).toBe(200);
    expect((await reftrack(tables, ['portal', 'revoke', '--vendor', 'solare'], env)).code).toBe(0);
    expect((await createPortalApp(live).request('/portal/api/v1/me', { headers: { authorization: `Bearer ${t}` } })).status).toBe(401);
    const bad = await reftrack(tables, ['portal', 'link', '--vendor', 'Nope!'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--vendor: must be a vendor code/);
    expect((await reftrack(tables, ['portal', 'link', '--vendor', 'nope'], env)).code).toBe(2);
    expect((await reftrack(tables, ['portal', 'link', '--vendor', 'solare', '--days', '0'], env)).code).toBe(2);
  }, 120_000);
});
