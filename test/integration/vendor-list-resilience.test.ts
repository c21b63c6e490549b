/**
 * One malformed vendor item in the State table (hand-edited, or from an older version) is
 * skipped and logged; every other vendor keeps being counted and served. And the local
 * server's answer to dot-segment paths that name /ref: the fallback redirect, like on Lambda.
 */
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerType } from '@hono/node-server';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { loadSeedVendors } from '../../config/seed-vendors.ts';
import { businessDay } from '../../core/business-day.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { freePort } from '../../local/free-port.ts';
import { startServer } from '../../local/server.ts';
import { freshTables } from '../support/tables.ts';
import { localAppOn } from '../support/local-app.ts';

const FALLBACK = 'https://queenofsandiego.com/';

/** A request line sent as written: fetch and URL would fold the dot segments before sending. */
function rawGet(port: number, path: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1]), location: /\r\nlocation: ([^\r]*)/i.exec(data)?.[1] }));
  });
}

describe('a malformed vendor item', () => {
  let tables: TableNames;
  let server: ServerType;
  let port: number;
  let token: string;

  beforeAll(async () => {
    tables = await freshTables();
    for (const bad of [
      { pk: 'VENDOR', sk: 'BAD!!', code: 'BAD!!', name: '' },
      { pk: 'VENDOR', sk: 'creds', code: 'creds', name: 'Creds', destination: 'https://user:pass@queenofsandiego.com/' },
      { pk: 'VENDOR', sk: 'extra', code: 'extra', name: 'Extra', status: 'deleted', surprise: 1 },
    ]) await dynamodb.send(new PutItemCommand({ TableName: tables.state, Item: marshall(bad) }));
    const local = localAppOn(tables, mkdtempSync(join(tmpdir(), 'reftrack-vendors-')));
    token = local.apiToken;
    port = await freePort();
    server = await startServer(local.app, port);
  });
  afterAll(() => server?.close());

  it('is skipped; the other vendors are listed, redirected, counted and served', async () => {
    const listed = (await new DynamoVendorStore(dynamodb, tables.state).list()).map((v) => v.code).sort();
    expect(listed).toEqual(loadSeedVendors().map((v) => v.code).sort());

    const click = await fetch(`http://127.0.0.1:${port}/ref/solare`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' } });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toMatch(/utm_source=solare/);
    const day = businessDay(new Date(), 'America/Los_Angeles');
    expect(await new DynamoClickLog(dynamodb, tables.events).forVendorDay('solare' as VendorCode, day)).toHaveLength(1);
    // The broken ones are unknown codes: the guest still gets the fallback redirect.
    const broken = await fetch(`http://127.0.0.1:${port}/ref/creds`, { redirect: 'manual' });
    expect(broken.headers.get('location')).toBe(FALLBACK);

    const api = await fetch(`http://127.0.0.1:${port}/api/v1/vendors`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { vendors: unknown[] }).vendors).toHaveLength(loadSeedVendors().length);
    const outreach = await fetch(`http://127.0.0.1:${port}/outreach`);
    expect(outreach.status).toBe(200);
    expect(outreach.headers.get('x-content-type-options')).toBe('nosniff');
    for (const path of ['/outreach/templates/solare.html', '/outreach/qr/solare.png', '/outreach/qr/nosuch.png']) {
      expect((await fetch(`http://127.0.0.1:${port}${path}`)).headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('dot-segment paths that name /ref go to the fallback, not the dashboard', async () => {
    for (const path of ['/./ref/..', '/ref;/%2e%2e', '/ref/%2e%2e', '/%2e/ref/%2e%2e', '/x/../ref/..', '/REF/..']) {
      const res = await rawGet(port, path);
      expect(res.status, path).toBe(302);
      expect(res.location, path).toBe(FALLBACK);
    }
    expect((await rawGet(port, '/')).status).toBe(200);
  });
});
