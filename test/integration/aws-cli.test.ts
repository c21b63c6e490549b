/**
 * The CLI as it runs against a deployment (REFTRACK_TARGET=aws), every AWS endpoint pointed at a
 * real engine started here through the SDK's own endpoint settings: S3 is s3rver (a real
 * S3-protocol server), DynamoDB is DynamoDB Local, Firehose is the local Firehose. Covers
 * `outreach publish`, `exports ls/cat --source s3://`, `exports redrive` (from the failed-batches
 * bucket), `exports rebuild --day`, `vendors import` and `recover --from-cloudwatch`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { dynamodb } from '../support/clients.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { ExportReader } from '../../adapters/export-reader.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { s3 } from '../support/clients.ts';
import type { BusinessDay } from '../../core/business-day.ts';
import { toExportLine } from '../../core/export-record.ts';
import { UNRECORDED_MESSAGE } from '../../core/recovery.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { freePort } from '../../local/free-port.ts';
import { startLocalFirehose, type RunningLocalFirehose } from '../../local/firehose-server.ts';
import { click } from '../support/click-events.ts';
import { insertRecordsFor } from '../support/export.ts';
import { startS3, type RunningS3 } from '../support/s3.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const EXPORTS = 'finance-exports';
const ASSETS = 'published-assets';
const FAILED = 'failed-batches';
const DAY = '2026-11-25' as BusinessDay;

describe('the CLI against a deployment (s3rver, DynamoDB Local, local Firehose)', () => {
  let tables: TableNames;
  let s3server: RunningS3;
  let fh: RunningLocalFirehose;
  let fhDir: string;
  let work: string;
  let logs: { server: Server; endpoint: string; requests: Array<Record<string, unknown>>; lines: string[] };

  const env = () => ({
    ...process.env,
    REFTRACK_TARGET: 'aws',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SESSION_TOKEN: '',
    // The SDK's own per-service endpoint settings: the code under test is the deployed code path.
    AWS_ENDPOINT_URL_DYNAMODB: process.env.DYNAMODB_ENDPOINT!,
    AWS_ENDPOINT_URL_FIREHOSE: fh.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint,
    S3_ENDPOINT: s3server.endpoint,
    EVENTS_TABLE: tables.events,
    STATE_TABLE: tables.state,
    ASSETS_BUCKET: ASSETS,
    FAILED_BATCHES_BUCKET: FAILED,
    DELIVERY_STREAM_NAME: 'reftrack-clicks',
    PUBLIC_BASE_URL: 'https://d111111abcdef8.cloudfront.net',
    REDIRECT_LOG_GROUP: '/aws/lambda/Reftrack-App-Redirect',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const run = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['cli/bin.js', ...args], { cwd: root, env: env(), timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  const exported = async () => (await new ExportReader(s3).read({ kind: 'dir', root: join(fhDir, 's3', EXPORTS) }, DAY, DAY)).records;

  beforeAll(async () => {
    tables = await freshTables();
    s3server = await startS3([EXPORTS, ASSETS, FAILED]);
    fhDir = mkdtempSync(join(tmpdir(), 'reftrack-fh-'));
    work = mkdtempSync(join(tmpdir(), 'reftrack-awscli-'));
    fh = await startLocalFirehose({ port: await freePort(), dataDir: fhDir, bucket: EXPORTS, bufferingIntervalMs: 3_600_000, logger: telemetry.logger });
    // CloudWatch Logs has no local engine: this answers FilterLogEvents in its JSON 1.1 protocol, two pages.
    const requests: Array<Record<string, unknown>> = [];
    const lines: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const input = JSON.parse(body) as Record<string, unknown>;
        requests.push({ target: req.headers['x-amz-target'], ...input });
        const page = input.nextToken === 'page-2' ? lines.slice(1) : lines.slice(0, 1);
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.end(JSON.stringify({ events: page.map((message, i) => ({ logStreamName: '2026/11/25/[$LATEST]abc', timestamp: Date.parse('2026-11-25T20:00:00Z') + i, message, eventId: `e${i}` })), ...(input.nextToken ? {} : { nextToken: 'page-2' }) }));
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    logs = { server, endpoint: `http://127.0.0.1:${port}`, requests, lines };
  }, 60_000);
  afterAll(async () => {
    await fh.stop();
    await s3server.stop();
    logs.server.close();
    rmSync(fhDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('outreach publish writes every active vendor\'s QR images and preview to the assets bucket, with links on the public domain', async () => {
    const result = await run('outreach', 'publish');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = await s3server.client.send(new ListObjectsV2Command({ Bucket: ASSETS }));
    const keys = (listed.Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toContain('vendor-referral/qr/solare.png');
    expect(keys).toContain('vendor-referral/qr/solare.svg');
    expect(keys).toContain('vendor-referral/templates/boardbrew-preview.html');
    expect(keys).toHaveLength(7 * 3);
    const png = await s3server.client.send(new GetObjectCommand({ Bucket: ASSETS, Key: 'vendor-referral/qr/solare.png' }));
    expect(png.ContentType).toBe('image/png');
    expect(Buffer.from(await png.Body!.transformToByteArray()).subarray(1, 4).toString()).toBe('PNG');
    const html = await (await s3server.client.send(new GetObjectCommand({ Bucket: ASSETS, Key: 'vendor-referral/templates/boardbrew-preview.html' }))).Body!.transformToString();
    expect(html).toContain('https://d111111abcdef8.cloudfront.net/ref/boardbrew');
    expect(html).toContain('https://d111111abcdef8.cloudfront.net/outreach/qr/boardbrew.png');
    expect(html).toContain('Board &amp; Brew');
  });

  it('exports ls and cat --dedupe read s3://bucket (gzip NDJSON, a redelivered line counted once)', async () => {
    const events = [click({ at: '2026-11-25T19:00:00Z' }), click({ at: '2026-11-25T20:00:00Z', vendor: 'puesto' })];
    const lines = events.map(toExportLine).join('');
    await s3server.client.send(new PutObjectCommand({ Bucket: EXPORTS, Key: `events/dt=${DAY}/a.gz`, Body: gzipSync(lines) }));
    await s3server.client.send(new PutObjectCommand({ Bucket: EXPORTS, Key: `events/dt=${DAY}/b.gz`, Body: gzipSync(toExportLine(events[0]!)) }));
    const ls = await run('exports', 'ls', '--from', DAY, '--source', `s3://${EXPORTS}`);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain(`events/dt=${DAY}/a.gz`);
    expect(ls.stdout).toContain('2 object(s)');
    const raw = await run('exports', 'cat', '--day', DAY, '--source', `s3://${EXPORTS}/`);
    expect(raw.stdout.trim().split('\n')).toHaveLength(3);
    const deduped = await run('exports', 'cat', '--day', DAY, '--dedupe', '--source', `s3://${EXPORTS}`);
    expect(deduped.code).toBe(0);
    expect(deduped.stdout.trim().split('\n').map((l) => JSON.parse(l).clickId).sort()).toEqual(events.map((e) => e.clickId).sort());
  });

  it('exports redrive sends the clicks of the failed batches again; twice is harmless (readers dedupe on clickId)', async () => {
    const events = [click({ at: '2026-11-25T21:00:00Z' }), click({ at: '2026-11-25T21:01:00Z', vendor: 'boardbrew' }), click({ at: '2026-11-25T21:02:00Z' })];
    const log = new DynamoClickLog(dynamodb, tables.events);
    for (const e of events) await log.append(e);
    const records = await insertRecordsFor(tables.events, events);
    // One batch as Lambda writes it to S3 (payload = the invocation's event), one with the payload as JSON text.
    const failureRecord = (recs: unknown[], asText: boolean) =>
      JSON.stringify({ version: '1.0', requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 }, DDBStreamBatchInfo: { batchSize: recs.length }, payload: asText ? JSON.stringify({ Records: recs }) : { Records: recs } });
    await s3server.client.send(new PutObjectCommand({ Bucket: FAILED, Key: 'aws/lambda/esm-1/shard-1/2026/11/25/a.json', Body: failureRecord(records.slice(0, 2), false) }));
    await s3server.client.send(new PutObjectCommand({ Bucket: FAILED, Key: 'aws/lambda/esm-2/shard-1/2026/11/25/b.json', Body: failureRecord(records.slice(1), true) }));
    await s3server.client.send(new PutObjectCommand({ Bucket: FAILED, Key: 'aws/lambda/esm-2/shard-1/2026/11/25/broken.json', Body: '{ not json' }));

    const dry = await run('exports', 'redrive', '--dry-run');
    expect(dry.stdout).toContain('3 click(s) in 2 failed batch(es)');
    expect(dry.stderr).toContain('broken.json: not valid JSON');

    const first = await run('exports', 'redrive');
    expect(first.stdout).toContain(`sent 3 click(s) from 2 failed batch(es) under s3://${FAILED}/`);
    expect(first.code).toBe(1); // the unreadable object is reported, not skipped silently
    await run('exports', 'redrive');
    await fh.flush();
    const ids = (await exported()).map((r) => r.clickId);
    for (const e of events) expect(ids.filter((id) => id === e.clickId)).toHaveLength(2);
  });

  it('exports rebuild --day sends every click of the day from the Events table', async () => {
    const before = new Set((await exported()).map((r) => r.clickId));
    const late = click({ at: '2026-11-26T04:30:00Z', vendor: 'gbvintners' }); // 20:30 in San Diego: still the 25th
    await new DynamoClickLog(dynamodb, tables.events).append(late);
    const result = await run('exports', 'rebuild', '--day', DAY);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^sent 4 click\(s\) of 2026-11-25/);
    await fh.flush();
    const after = new Set((await exported()).map((r) => r.clickId));
    expect(after.has(late.clickId)).toBe(true);
    expect([...before].every((id) => after.has(id))).toBe(true);
    expect((await run('exports', 'rebuild', '--day', '2026-13-01')).code).toBe(2);
  });

  it('vendors import adds new vendors and never changes an existing one (a pause survives)', async () => {
    const store = new DynamoVendorStore(dynamodb, tables.state);
    await store.setStatus('solare' as VendorCode, 'paused');
    const file = join(work, 'vendors.json');
    writeFileSync(file, JSON.stringify([{ code: 'solare', name: 'Solare renamed' }, { code: 'harbor-kayaks', name: 'Harbor Kayaks', destination: 'https://queenofsandiego.com/kayaks' }]));
    const result = await run('vendors', 'import', file);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('added harbor-kayaks');
    expect(result.stdout).toContain('kept  solare');
    expect(await store.get('solare' as VendorCode)).toMatchObject({ name: 'Solare', status: 'paused' });
    expect(await store.get('harbor-kayaks' as VendorCode)).toMatchObject({ name: 'Harbor Kayaks', status: 'active', destination: 'https://queenofsandiego.com/kayaks' });
    expect((await run('vendors', 'import', file)).stdout).toContain('0 added, 2 already present');

    writeFileSync(file, JSON.stringify([{ code: 'Bad Code', name: 'x' }]));
    const bad = await run('vendors', 'import', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}: 0.code`);
    expect((await run('vendors', 'import', join(work, 'missing.json'))).code).toBe(2);
  });

  it('recover --from-cloudwatch reads click-unrecorded lines from the redirect log group, every page, and appends each once', async () => {
    const lost = [click({ at: '2026-11-25T22:00:00Z' }), click({ at: '2026-11-25T22:05:00Z', vendor: 'puesto' })];
    // What Lambda stores for a Powertools line: the JSON, sometimes after a timestamp/request-id prefix.
    logs.lines.push(
      JSON.stringify({ level: 'ERROR', message: UNRECORDED_MESSAGE, service: 'redirect', clickEvent: lost[0] }),
      `2026-11-25T22:05:00.000Z\tabc-123\tERROR\t${JSON.stringify({ level: 'ERROR', message: UNRECORDED_MESSAGE, clickEvent: lost[1] })}`,
    );
    const result = await run('recover', '--from-cloudwatch', '--since', '2026-11-25', '--until', '2026-11-26');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('recovered 2 click(s), 0 already present');
    expect(logs.requests[0]).toMatchObject({ target: 'Logs_20140328.FilterLogEvents', logGroupName: '/aws/lambda/Reftrack-App-Redirect', filterPattern: `"${UNRECORDED_MESSAGE}"`, startTime: Date.parse('2026-11-25'), endTime: Date.parse('2026-11-26') });
    const stored = await new DynamoClickLog(dynamodb, tables.events).forVendorDay('puesto' as VendorCode, DAY);
    expect(stored.map((e) => e.clickId)).toContain(lost[1]!.clickId);
    expect((await run('recover', '--from-cloudwatch', '--since', '2026-11-25', '--until', '2026-11-26')).stdout).toContain('recovered 0 click(s), 2 already present');
    expect((await run('recover', '--from-cloudwatch', '--from-log', 'x')).code).toBe(2);
  });
});
