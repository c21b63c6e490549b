import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { RollupReader } from '../../adapters/dynamodb-rollup-reader.ts';
import { DynamoRollupStore } from '../../adapters/dynamodb-rollup-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { RollupGenerations } from '../../adapters/rollup-generation.ts';
import { replayRollups, verifyRollups } from '../../adapters/rollup-maintenance.ts';
import { projectionKey } from '../../adapters/state-table.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { DEFAULT_RULES } from '../../core/qualification.ts';
import { createAggregateHandler } from '../../consumers/aggregate-consumer.ts';
import { click, type ClickSpec } from '../support/click-events.ts';
import { insertRecord, streamEvent } from '../support/stream-records.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const run = promisify(execFile);

// Many CLI processes per test: slow on a loaded machine, so a generous per-test budget.
describe('reftrack rollups / verify / replay (CLI as a process) against DynamoDB Local', { timeout: 180_000 }, () => {
  let tables: TableNames;

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { ...process.env, EVENTS_TABLE: tables.events, STATE_TABLE: tables.state, REFTRACK_TARGET: 'local' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['cli/bin.js', ...args], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const handler = (cacheMs = 0) => createAggregateHandler({ store: new DynamoRollupStore(dynamodb, tables, { sleep: async () => {} }), generations: new RollupGenerations(dynamodb, tables.state, cacheMs), telemetry });

  async function deliver(specs: ClickSpec[], cacheMs = 0): Promise<ClickEvent[]> {
    const events = specs.map((s) => click(s));
    const log = new DynamoClickLog(dynamodb, tables.events);
    for (const e of events) await log.append(e);
    await handler(cacheMs)(streamEvent(events.map(insertRecord)));
    return events;
  }

  beforeAll(async () => {
    tables = await freshTables();
    await deliver([
      { vendor: 'solare', visitor: 'a', at: '2026-11-03T17:00:00.000Z' },
      { vendor: 'solare', visitor: 'a', at: '2026-11-03T17:01:00.000Z' },
      { vendor: 'solare', visitor: 'b', at: '2026-11-03T18:00:00.000Z', bot: true },
      { vendor: 'solare', visitor: 'c', at: '2026-11-05T20:00:00.000Z', internal: true },
      { vendor: 'puesto', visitor: 'a', at: '2026-11-05T21:00:00.000Z' },
    ]);
  });

  it('prints zero-filled days and a total row, as table, csv and json', async () => {
    const t = await cli('rollups', '--vendor', 'solare', '--from', '2026-11-02', '--to', '2026-11-06');
    expect(t.code).toBe(0);
    const lines = t.stdout.trim().split('\n');
    expect(lines[0]).toBe('solare, 2026-11-02 to 2026-11-06 (business days, America/Los_Angeles)');
    expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, 6).join(' '))).toEqual([
      '2026-11-02 0 0 0 0 0',
      '2026-11-03 3 1 2 2 1',
      '2026-11-04 0 0 0 0 0',
      '2026-11-05 1 0 1 1 0',
      '2026-11-06 0 0 0 0 0',
      'TOTAL 4 1 3 3 1',
    ]);

    const csv = await cli('rollups', '--vendor', 'solare', '--from', '2026-11-03', '--to', '2026-11-04', '--format', 'csv');
    expect(csv.stdout.trim().split('\n')).toEqual([
      'vendor,day,clicks,botClicks,humanClicks,uniqueVisitors,qualifiedClicks,subresourceClicks,internalClicks,suspiciousClicks,networkCapClicks,repeatVisitorClicks,firstClickAt,lastClickAt',
      'solare,2026-11-03,3,1,2,2,1,0,0,0,0,1,2026-11-03T17:00:00.000Z,2026-11-03T18:00:00.000Z',
      'solare,2026-11-04,0,0,0,0,0,0,0,0,0,0,,',
      'solare,TOTAL,3,1,2,2,1,0,0,0,0,1,2026-11-03T17:00:00.000Z,2026-11-03T18:00:00.000Z',
    ]);

    const all = JSON.parse((await cli('rollups', '--from', '2026-11-05', '--to', '2026-11-05', '--format', 'json')).stdout);
    expect(all.vendor).toBe('*');
    expect(all.days).toEqual([expect.objectContaining({ day: '2026-11-05', clicks: 2, uniqueVisitors: 2, qualifiedClicks: 1 })]);
    expect(all.total.clicks).toBe(2);
  }, 120_000);

  it('bad arguments print what is wrong and exit 2', async () => {
    for (const args of [
      ['rollups', '--from', '2026-13-01', '--to', '2026-11-05'],
      ['rollups', '--from', '2026-11-05', '--to', '2026-11-01'],
      ['rollups', '--vendor', 'Not A Code!', '--from', '2026-11-01', '--to', '2026-11-02'],
      ['rollups', '--from', '2026-11-01', '--to', '2026-11-02', '--format', 'xml'],
      ['rollups', '--vendor', 'nosuch'], // a code that could exist but does not: not a table of zeros
      ['clicks', '--vendor', 'nosuch'],
      ['verify', '--bogus'],
      ['replay', '--settle-seconds', 'soon'],
    ]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/usage: reftrack/);
    }
  }, 120_000);

  it('verify passes on true rollups, exits 1 naming vendor and day on a tampered one; replay repairs it', async () => {
    const clean = await cli('verify');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain('rollups match the event log');

    await dynamodb.send(
      new UpdateItemCommand({ TableName: tables.state, Key: marshall(projectionKey(1, 'solare', '2026-11-05', 'L')), UpdateExpression: 'ADD qualifiedClicks :one', ExpressionAttributeValues: marshall({ ':one': 1 }) }),
    );
    const tampered = await cli('verify');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/solare\s+2026-11-05\s+qualifiedClicks\s+0\s+1/);
    expect(tampered.stdout).not.toMatch(/puesto/);

    const replay = await cli('replay', '--settle-seconds', '0');
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/replayed 5 events into generation 2 \(was 1\)/);
    expect((await cli('verify')).code).toBe(0);
  }, 120_000);

  it('replay while clicks keep flowing through a live consumer ends exact in the new generation', async () => {
    const generations = new RollupGenerations(dynamodb, tables.state, 0);
    const before = await generations.current();
    let flowing = true;
    const flow = (async () => {
      let n = 0;
      while (flowing) {
        // The consumer caches the live generation for 100 ms, as a Lambda container would (5 s).
        await deliver([{ vendor: 'lola', visitor: `f${n % 4}`, at: new Date() }, { vendor: 'solare', visitor: `f${n++ % 3}`, at: new Date() }], 100);
      }
      return n;
    })();
    const report = await replayRollups({
      client: dynamodb,
      tables,
      store: new DynamoRollupStore(dynamodb, tables),
      reader: new RollupReader(dynamodb, tables.state, generations),
      generations,
      settleMs: 600,
    });
    const batches = await new Promise<number>((r) => setTimeout(() => { flowing = false; r(flow); }, 300));
    expect(batches).toBeGreaterThan(3);
    expect(report.to).toBe(before + 1);
    expect(await generations.current()).toBe(before + 1);
    const verify = await verifyRollups({ client: dynamodb, tables, reader: new RollupReader(dynamodb, tables.state, generations), generations, rules: DEFAULT_RULES });
    expect(verify.differences).toEqual([]);
    expect((await new RollupReader(dynamodb, tables.state, generations).everything(before)).length).toBe(0);
  });
});
