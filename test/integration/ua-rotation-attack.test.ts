/**
 * The attack from the fraud review, end to end: one address sends 50 requests with 50 different
 * browser User-Agents. Through the real redirect app, the event log in DynamoDB Local, the
 * aggregate consumer, the export consumer and the local Firehose, `reftrack rollups` and
 * `reftrack payouts` must count and price at most NETWORK_CAP of them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { verifyRollups } from '../../adapters/rollup-maintenance.ts';
import { businessDay, type BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { freePort } from '../../local/free-port.ts';
import { startLocalFirehose } from '../../local/firehose-server.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { reftrack } from '../support/analyst.ts';
import { exportHandlerOn, insertRecordsFor, tmpDataDir } from '../support/export.ts';
import { testRedirectApp } from '../support/redirect-app.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const navigate = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'cross-site', 'sec-fetch-user': '?1' };
const chrome = (i: number) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${100 + i}.0.${i}.0 Safari/537.36`;

describe('User-Agent rotation from one address (redirect -> rollups -> export -> payouts)', () => {
  let tables: TableNames;
  let events: ClickEvent[];
  let day: BusinessDay;
  let exportRoot: string;
  const work = mkdtempSync(join(tmpdir(), 'reftrack-attack-'));

  beforeAll(async () => {
    tables = await freshTables();
    // The attacker paces the requests two minutes apart (earlier today), so the velocity rule
    // does not fire: this is the cap's test. The clock is the redirect's own port.
    const start = Date.now() - 50 * 120_000 - 60_000;
    day = businessDay(new Date(start), 'America/Los_Angeles');
    if (businessDay(new Date(), 'America/Los_Angeles') !== day) return; // the run straddles midnight: nothing to learn
    let t = start;
    const clock = { now: () => new Date(t) };
    for (let i = 0; i < 50; i++) {
      t = start + i * 120_000;
      const res = await testRedirectApp(tables, { ip: '203.0.113.66', clock }).request('/ref/solare', { headers: { 'user-agent': chrome(i), ...navigate } });
      expect(res.status).toBe(302);
    }
    // Two honest guests on their own networks.
    for (const ip of ['198.51.100.20', '198.51.100.21']) {
      expect((await testRedirectApp(tables, { ip }).request('/ref/solare', { headers: { 'user-agent': chrome(1), ...navigate } })).status).toBe(302);
    }
    events = await new DynamoClickLog(dynamodb, tables.events).forVendorDay('solare' as VendorCode, day);
    expect(events).toHaveLength(52);

    const records = await insertRecordsFor(tables.events, events);
    const aggregate = createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables, { rules: DEFAULT_RULES }), generations: new RollupGenerations(dynamodb, tables.state, 0), telemetry });
    expect((await aggregate({ Records: records })).batchItemFailures).toEqual([]);

    const dataDir = tmpDataDir();
    const fh = await startLocalFirehose({ port: await freePort(), dataDir, bucket: 'reftrack-exports', bufferingIntervalMs: 3_600_000, logger: telemetry.logger });
    try {
      const { handler, client } = exportHandlerOn(fh.endpoint, { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 40 });
      expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
      await fh.flush();
      client.destroy();
    } finally {
      await fh.stop();
    }
    exportRoot = join(dataDir, 's3', 'reftrack-exports');
    writeFileSync(join(work, 'rules.json'), JSON.stringify({ currency: 'USD', vendors: { solare: { rateCents: 200 } } }));
  }, 180_000);

  it('50 visitors, but at most 3 qualified clicks for the network; honest guests still count', async () => {
    expect(events).toHaveLength(52);
    const reader = new RollupReader(dynamodb, tables.state, new RollupGenerations(dynamodb, tables.state, 0));
    const [figures] = await reader.daily('solare' as never, day, day);
    expect(figures).toMatchObject({ clicks: 52, uniqueVisitors: 52, qualifiedClicks: 3 + 2, networkCapClicks: 47 });
    const report = await verifyRollups({ client: dynamodb, tables, reader, generations: new RollupGenerations(dynamodb, tables.state, 0), rules: DEFAULT_RULES, slice: { vendors: ['solare'], from: day, to: day } });
    expect(report.differences).toEqual([]);
  });

  it('payouts prices the capped count and shows the excluded clicks by reason, adding up to the clicks', async () => {
    const month = day.slice(0, 7);
    const out = join(work, 'out');
    const run = await reftrack(tables, ['payouts', '--month', month, '--rules', join(work, 'rules.json'), '--exports', exportRoot, '--out', out]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const [header, solare] = readFileSync(join(out, 'statements.csv'), 'utf8').split('\n');
    const row = Object.fromEntries(header!.split(',').map((h, i) => [h, solare!.split(',')[i]]));
    expect(row).toMatchObject({ vendor: 'solare', clicks: '52', network_cap_clicks: '47', qualified_clicks: '5', earned: '10.00', amount: '10.00' });
    const columns = ['bot_clicks', 'subresource_clicks', 'internal_clicks', 'suspicious_clicks', 'network_cap_clicks', 'duplicate_visitor_clicks', 'qualified_clicks'];
    expect(columns.reduce((n, c) => n + Number(row[c]), 0)).toBe(52);
    expect(readFileSync(join(out, 'statements', 'solare.html'), 'utf8')).toContain('Beyond the paid clicks allowed per network per day');
  }, 120_000);

  it('NETWORK_CAP is a setting: replay re-applies the current rules', async () => {
    const replay = await reftrack(tables, ['replay', '--settle-seconds', '0'], { NETWORK_CAP: '10' });
    expect(replay.code, replay.stderr).toBe(0);
    const reader = new RollupReader(dynamodb, tables.state, new RollupGenerations(dynamodb, tables.state, 0));
    expect((await reader.daily('solare' as never, day, day))[0]).toMatchObject({ qualifiedClicks: 10 + 2, networkCapClicks: 40 });
    expect((await reftrack(tables, ['verify'], { NETWORK_CAP: '10' })).code).toBe(0);
    // Under the old setting the stored figures are now different, and verify says so.
    const strict = await reftrack(tables, ['verify', '--vendor', 'solare', '--from', day, '--to', day]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/qualifiedClicks\s+5\s+12/);
  }, 120_000);
});
