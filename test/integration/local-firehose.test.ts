/**
 * The local Firehose as a Firehose: clients nobody here wrote (the AWS CLI) and the real SDK,
 * per-record errors for malformed input, and no acknowledged record lost on Ctrl-C or kill -9.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand, ResourceNotFoundException } from '@aws-sdk/client-firehose';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportReader } from '../../adapters/export-reader.ts';
import { firehoseClientConfig } from '../../adapters/firehose-client.ts';
import { s3 } from '../support/clients.ts';
import { awsConfig } from '../../config/config.ts';
import type { BusinessDay } from '../../core/business-day.ts';
import { toExportLine } from '../../core/export-record.ts';
import { freePort } from '../../local/free-port.ts';
import { startLocalFirehose, type RunningLocalFirehose } from '../../local/firehose-server.ts';
import { sampleClickEvent } from '../support/click-events.ts';
import { tmpDataDir } from '../support/export.ts';
import { telemetry } from '../support/telemetry.ts';

const BUCKET = 'reftrack-exports';
const DAY = '2026-11-25' as BusinessDay;
const running: RunningLocalFirehose[] = [];
const clients: FirehoseClient[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()));
  for (const c of clients.splice(0)) c.destroy();
});

async function start(dataDir = tmpDataDir(), port?: number) {
  const fh = await startLocalFirehose({ port: port ?? (await freePort()), dataDir, bucket: BUCKET, bufferingIntervalMs: 3_600_000, logger: telemetry.logger });
  running.push(fh);
  return { fh, dataDir };
}

function sdk(endpoint: string): FirehoseClient {
  const client = new FirehoseClient({ ...firehoseClientConfig(awsConfig(), { FIREHOSE_ENDPOINT: endpoint }), maxAttempts: 1 });
  clients.push(client);
  return client;
}

const lines = (n: number) => Array.from({ length: n }, () => toExportLine(sampleClickEvent()));
const idsOf = (ls: string[]) => ls.map((l) => JSON.parse(l).clickId as string).sort();

async function exported(dataDir: string, day = DAY) {
  return new ExportReader(s3).read({ kind: 'dir', root: join(dataDir, 's3', BUCKET) }, day, day);
}

const objectsUnder = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.gz')) : []);

describe('local Firehose', () => {
  it('takes a batch from the AWS CLI, and the records land in their partition', async () => {
    const version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
    expect(version.error, 'the AWS CLI is needed for this test: apt-get update && apt-get install -y awscli').toBeUndefined();
    const { fh, dataDir } = await start();
    const batch = lines(3);
    // CLI v2 reads blobs as base64 unless told otherwise; v1 always takes raw text.
    const binaryFormat = /^aws-cli\/2/.test(`${version.stdout}${version.stderr}`) ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
    // Asynchronously: the server answering it runs in this process.
    const { stdout: out } = await promisify(execFile)('aws', ['firehose', 'put-record-batch', '--endpoint-url', fh.endpoint, '--delivery-stream-name', 'reftrack-clicks', '--records', JSON.stringify(batch.map((Data) => ({ Data }))), ...binaryFormat, '--output', 'json'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
    });
    const answer = JSON.parse(out);
    expect(answer.FailedPutCount).toBe(0);
    expect(answer.RequestResponses).toHaveLength(3);
    await fh.stop();
    const read = await exported(dataDir);
    expect(read.problems).toEqual([]);
    expect(read.records.map((r) => r.clickId).sort()).toEqual(idsOf(batch));
  });

  it('answers per-record errors for bad base64 and oversize records, and keeps the good ones', async () => {
    const { fh, dataDir } = await start();
    const good = lines(2);
    const response = await fetch(fh.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Firehose_20150804.PutRecordBatch' },
      body: JSON.stringify({
        DeliveryStreamName: 'reftrack-clicks',
        Records: [{ Data: Buffer.from(good[0]!).toString('base64') }, { Data: 'not base64!' }, { Data: Buffer.alloc(1_000 * 1024 + 1, 97).toString('base64') }, { Data: Buffer.from(good[1]!).toString('base64') }],
      }),
    });
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer.FailedPutCount).toBe(2);
    expect(answer.RequestResponses.map((r: Record<string, string>) => r.ErrorCode ?? 'ok')).toEqual(['ok', 'InvalidArgumentException', 'InvalidArgumentException', 'ok']);
    expect(answer.RequestResponses[2].ErrorMessage).toMatch(/exceeds/);

    await expect(sdk(fh.endpoint).send(new PutRecordCommand({ DeliveryStreamName: 'no-such-stream', Record: { Data: Buffer.from('x') } }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const tooMany = Array.from({ length: 501 }, () => ({ Data: Buffer.from('{}\n') }));
    await expect(sdk(fh.endpoint).send(new PutRecordBatchCommand({ DeliveryStreamName: 'reftrack-clicks', Records: tooMany }))).rejects.toMatchObject({ name: 'InvalidArgumentException' });

    await fh.stop();
    expect((await exported(dataDir)).records.map((r) => r.clickId).sort()).toEqual(idsOf(good));
  });

  it('puts a record without a valid day under the error prefix, raw data kept', async () => {
    const { fh, dataDir } = await start();
    await sdk(fh.endpoint).send(new PutRecordBatchCommand({ DeliveryStreamName: 'reftrack-clicks', Records: [{ Data: Buffer.from('{"clickId":"x","day":"yesterday"}\n') }, { Data: Buffer.from(lines(1)[0]!) }] }));
    await fh.stop();
    const errors = objectsUnder(join(dataDir, 's3', BUCKET, 'errors'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^processing-failed\/dt=\d{4}-\d{2}-\d{2}\/reftrack-clicks-1-\d{4}(-\d\d){5}-[0-9a-f-]{36}\.gz$/);
    expect((await exported(dataDir)).records).toHaveLength(1);
  });

  it('writes a partly filled buffer on stop(), and a restart writes nothing twice', async () => {
    const first = await start();
    const batch = lines(25);
    await sdk(first.fh.endpoint).send(new PutRecordBatchCommand({ DeliveryStreamName: 'reftrack-clicks', Records: batch.map((l) => ({ Data: Buffer.from(l) })) }));
    expect(objectsUnder(join(first.dataDir, 's3'))).toEqual([]); // still buffered
    await first.fh.stop();
    expect(objectsUnder(join(first.dataDir, 's3'))).toHaveLength(1);

    const again = await start(first.dataDir);
    await again.fh.stop();
    const read = await exported(first.dataDir);
    expect(read.records.map((r) => r.clickId).sort()).toEqual(idsOf(batch));
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`loses no acknowledged record when its process gets ${signal} with a partly filled buffer`, async () => {
      const dataDir = tmpDataDir();
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', resolve('local/firehose-main.ts')], {
        env: { ...process.env, FIREHOSE_ENDPOINT: `http://127.0.0.1:${port}`, REFTRACK_DATA_DIR: dataDir, EXPORT_BUCKET: BUCKET, LOCAL_FIREHOSE_INTERVAL_SECONDS: '900' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      try {
        await new Promise<void>((ready, fail) => {
          let out = '';
          child.stdout.on('data', (d) => (out += d) && out.includes('(ready)') && ready());
          child.stderr.on('data', (d) => (out += d));
          child.once('exit', () => fail(new Error(`local Firehose exited: ${out}`)));
        });
        const batch = lines(40);
        const client = sdk(`http://127.0.0.1:${port}`);
        for (let i = 0; i < batch.length; i += 10) {
          const answer = await client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'reftrack-clicks', Records: batch.slice(i, i + 10).map((l) => ({ Data: Buffer.from(l) })) }));
          expect(answer.FailedPutCount).toBe(0);
        }
        client.destroy();
        expect(objectsUnder(join(dataDir, 's3'))).toEqual([]);
        child.kill(signal);
        const code = await exited;

        if (signal === 'SIGINT') {
          expect(code).toBe(0);
        } else {
          expect(objectsUnder(join(dataDir, 's3'))).toEqual([]); // killed hard: only the journal has them
          const restarted = await start(dataDir);
          await restarted.fh.stop();
        }
        const read = await exported(dataDir);
        expect(read.problems).toEqual([]);
        expect(read.records.map((r) => r.clickId).sort()).toEqual(idsOf(batch));
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });
  }
});
