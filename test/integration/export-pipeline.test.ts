/**
 * End to end on this machine: click events appended to DynamoDB Local -> the export stream
 * consumer (Lambda-shaped records, Lambda's redelivery rule) -> the real Firehose SDK client ->
 * the local Firehose -> gzip objects under dt=<business day>/ -> the export reader and the CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoClickLog, toEventItem } from '../../adapters/dynamodb-click-log.ts';
import { dynamodb } from '../support/clients.ts';
import { ExportReader, partitionPrefix } from '../../adapters/export-reader.ts';
import { s3 } from '../support/clients.ts';
import { businessDay, type BusinessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { toExportRecord } from '../../core/export-record.ts';
import { freePort } from '../../local/free-port.ts';
import { startLocalFirehose, type RunningLocalFirehose } from '../../local/firehose-server.ts';
import { sampleClickEvent } from '../support/click-events.ts';
import { deliverLikeLambda, exportHandlerOn, insertRecordsFor, seededRandom, streamRecord, tmpDataDir } from '../support/export.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const ZONE = 'America/Los_Angeles';
const BUCKET = 'reftrack-exports';
const budget = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 40 };
const running: RunningLocalFirehose[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()));
});

async function firehose(opts: { failRate?: number; random?: () => number } = {}) {
  const dataDir = tmpDataDir();
  // A long interval: nothing is written until stop(), so the test also proves stop() flushes.
  const fh = await startLocalFirehose({ port: await freePort(), dataDir, bucket: BUCKET, bufferingIntervalMs: 3_600_000, ...opts, logger: telemetry.logger });
  running.push(fh);
  return { fh, root: join(dataDir, 's3', BUCKET) };
}

/** `n` clicks spread over several November business days (after DST ended), one second before local midnight included. */
function clicks(n: number): ClickEvent[] {
  const events: ClickEvent[] = [];
  for (let i = 0; i < n; i++) {
    const ts = new Date(Date.UTC(2026, 10, 3, 16) + i * 37 * 60_000 + i).toISOString();
    events.push(sampleClickEvent({ ts, day: businessDay(new Date(ts), ZONE), vendorCode: (['solare', 'hotel-del'] as const)[i % 2] as never, placement: i % 3 === 0 ? null : `p${i}` }));
  }
  // 23:59:59.900 in San Diego on Nov 3 is already Nov 4 in UTC: it belongs to Nov 3.
  const ts = '2026-11-04T07:59:59.900Z';
  events.push(sampleClickEvent({ ts, day: businessDay(new Date(ts), ZONE), bot: { isBot: true, reason: 'link-preview', ruleVersion: 2 }, internal: true, country: null, refererHost: null }));
  return events;
}

async function stored(events: readonly ClickEvent[]) {
  const tables = await freshTables();
  const log = new DynamoClickLog(dynamodb, tables.events);
  for (const e of events) await log.append(e);
  return insertRecordsFor(tables.events, events);
}

const daysOf = (events: readonly ClickEvent[]) => [...new Set(events.map((e) => e.day as BusinessDay))].sort();

let events: ClickEvent[];
beforeAll(() => {
  events = clicks(120);
});

describe('export pipeline, end to end on the local Firehose', () => {
  it('delivers every click once into its business-day partition with every field intact; poison and non-INSERT records do not stop it', async () => {
    const { fh, root } = await firehose();
    const records = await stored(events);
    const poison = streamRecord(marshall({ pk: 'solare#2026-11-03', sk: 'x', clickId: 'not-a-ulid' }));
    const modify = streamRecord(marshall(toEventItem(events[0]!)), 'MODIFY');
    const mixed = [...records.slice(0, 40), poison, modify, ...records.slice(40)];
    const { handler } = exportHandlerOn(fh.endpoint, budget);

    const run = await deliverLikeLambda(handler, mixed, { batchSize: 50, maxRetries: 2 });
    expect(run.deadLetters.map((r) => r.eventID)).toEqual([poison.eventID]);
    await fh.stop();

    const days = daysOf(events);
    expect(days.length).toBeGreaterThanOrEqual(3);
    const read = await new ExportReader(s3).read({ kind: 'dir', root }, days[0]!, days.at(-1)!);
    expect(read.problems).toEqual([]);
    const byId = new Map(read.records.map((r) => [r.clickId, r]));
    expect(byId.size).toBe(events.length);
    for (const e of events) expect(byId.get(e.clickId)).toEqual(toExportRecord(e));
    // Every object sits in the partition of the records inside it.
    for (const o of read.objects) expect(o.key.startsWith(partitionPrefix(o.day))).toBe(true);

    const midnight = events.at(-1)!;
    expect(midnight.day).toBe('2026-11-03');
    const nov3 = await new ExportReader(s3).read({ kind: 'dir', root }, '2026-11-03' as BusinessDay, '2026-11-03' as BusinessDay);
    expect(nov3.records.map((r) => r.clickId)).toContain(midnight.clickId);
    const nov4 = await new ExportReader(s3).read({ kind: 'dir', root }, '2026-11-04' as BusinessDay, '2026-11-04' as BusinessDay);
    expect(nov4.records.map((r) => r.clickId)).not.toContain(midnight.clickId);
    expect(existsSync(join(root, 'errors'))).toBe(false);
  });

  it('loses no click when the Firehose fails 20% of records: retries plus redelivery get every one through', async () => {
    const { fh, root } = await firehose({ failRate: 0.2, random: seededRandom(42) });
    const records = await stored(events);
    const { handler } = exportHandlerOn(fh.endpoint, { ...budget, maxAttempts: 2 });

    const run = await deliverLikeLambda(handler, records, { batchSize: 50, maxRetries: 20 });
    expect(fh.stats.injectedFailures).toBeGreaterThan(events.length * 0.1);
    expect(run.partialFailures).toBeGreaterThan(0); // the budget ran out at least once: redelivery was exercised too
    expect(run.deadLetters).toEqual([]);
    await fh.stop();

    const days = daysOf(events);
    const read = await new ExportReader(s3).read({ kind: 'dir', root }, days[0]!, days.at(-1)!);
    expect(read.problems).toEqual([]);
    const ids = new Set(read.records.map((r) => r.clickId));
    expect([...ids].sort()).toEqual(events.map((e) => e.clickId).sort());
    expect(read.records.length).toBeGreaterThanOrEqual(events.length); // duplicates allowed, loss never
  });

  it('`reftrack exports cat --dedupe` prints exactly the clicks of that business day', async () => {
    const { fh, root } = await firehose({ failRate: 0.3, random: seededRandom(7) });
    const records = await stored(events);
    const { handler } = exportHandlerOn(fh.endpoint, { ...budget, maxAttempts: 1 });
    await deliverLikeLambda(handler, records, { batchSize: 100, maxRetries: 20 });
    await fh.stop();

    // The midnight click's day and the next one (each CLI run starts a process; two days suffice).
    for (const day of daysOf(events).slice(0, 2)) {
      const cli = spawnSync(process.execPath, [resolve('cli/bin.js'), 'exports', 'cat', '--day', day, '--dedupe', '--source', root], { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
      expect(cli.stderr).toBe('');
      expect(cli.status).toBe(0);
      const lines = cli.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
      const expected = events.filter((e) => e.day === day);
      expect(lines.map((l) => l.clickId).sort()).toEqual(expected.map((e) => e.clickId).sort());
      expect(lines).toEqual(expect.arrayContaining(expected.map(toExportRecord)));
    }
  });
});
