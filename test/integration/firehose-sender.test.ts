/** The export sender against the local Firehose through the real SDK client: only failed records are retried. */
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { afterEach, describe, expect, it } from 'vitest';
import { firehoseClientConfig } from '../../adapters/firehose-client.ts';
import { FirehoseSender } from '../../adapters/firehose-sender.ts';
import { awsConfig } from '../../config/config.ts';
import { toExportLine } from '../../core/export-record.ts';
import { freePort } from '../../local/free-port.ts';
import { startLocalFirehose, type RunningLocalFirehose } from '../../local/firehose-server.ts';
import { sampleClickEvent } from '../support/click-events.ts';
import { seededRandom, tmpDataDir } from '../support/export.ts';
import { telemetry } from '../support/telemetry.ts';

const running: RunningLocalFirehose[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()));
});

async function senderOn(failRate: number, maxAttempts: number) {
  const fh = await startLocalFirehose({ port: await freePort(), dataDir: tmpDataDir(), bucket: 'reftrack-exports', failRate, random: seededRandom(3), bufferingIntervalMs: 3_600_000, logger: telemetry.logger });
  running.push(fh);
  const client = new FirehoseClient(firehoseClientConfig(awsConfig(), { FIREHOSE_ENDPOINT: fh.endpoint }));
  const sleeps: number[] = [];
  const sender = new FirehoseSender(client, 'reftrack-clicks', { maxAttempts, baseDelayMs: 8, maxDelayMs: 20 }, telemetry, { sleep: async (ms) => void sleeps.push(ms), random: Math.random });
  return { fh, sender, sleeps };
}

const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `seq-${i}`, data: new TextEncoder().encode(toExportLine(sampleClickEvent())) }));

describe('FirehoseSender', () => {
  it('resends only the records Firehose failed, until all are in: the Firehose takes each record exactly once', async () => {
    const { fh, sender, sleeps } = await senderOn(0.3, 12);
    const result = await sender.send(entries(1_100)); // three PutRecordBatch calls per round
    expect(result.failed).toEqual([]);
    expect(result.sent).toBe(1_100);
    expect(fh.stats.injectedFailures).toBeGreaterThan(200);
    expect(result.retried).toBe(fh.stats.injectedFailures);
    expect(fh.stats.accepted).toBe(1_100);
    expect(sleeps.length).toBeGreaterThan(1);
    for (const [i, ms] of sleeps.entries()) expect(ms).toBeLessThan(Math.min(20, 8 * 2 ** i));
  });

  it('returns what still fails after the budget, with Firehose\'s error, instead of throwing', async () => {
    const { fh, sender } = await senderOn(1, 3);
    const result = await sender.send(entries(10));
    expect(result.sent).toBe(0);
    expect(result.failed.map((f) => f.id)).toEqual(entries(10).map((e) => e.id));
    expect(new Set(result.failed.map((f) => f.errorCode))).toEqual(new Set(['ServiceUnavailableException']));
    expect(fh.stats.injectedFailures).toBe(30);
  });

  it('fails a record over 1,000 KiB at once and still sends the others', async () => {
    const { fh, sender } = await senderOn(0, 3);
    const big = { id: 'big', data: new Uint8Array(1_000 * 1024 + 1) };
    const result = await sender.send([...entries(2), big]);
    expect(result.failed).toEqual([expect.objectContaining({ id: 'big', errorCode: 'RecordTooLarge' })]);
    expect(fh.stats.accepted).toBe(2);
    expect(fh.stats.malformed).toBe(0);
  });

  it('treats an unreachable Firehose as failed records within the budget', async () => {
    const port = await freePort();
    const client = new FirehoseClient({ ...firehoseClientConfig(awsConfig(), { FIREHOSE_ENDPOINT: `http://127.0.0.1:${port}` }), maxAttempts: 1 });
    const result = await new FirehoseSender(client, 'reftrack-clicks', { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, telemetry).send(entries(3));
    expect(result.failed).toHaveLength(3);
    client.destroy();
  });
});
