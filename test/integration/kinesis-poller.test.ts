/**
 * The local Kinesis poller against a real kinesalite stream: it delivers through the same loop
 * as the DynamoDB Streams poller (local/shard-delivery.ts), so partial batch failures, bisecting
 * a thrown batch, dead letters and checkpoints behave alike. The consumer is a recording
 * handler (what is under the test's control); the stream is real.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.ts';
import { ensureSpillStream, startKinesalite, type RunningKinesalite } from '../../local/kinesalite.ts';
import { KinesisPoller, type KinesisPollerOptions } from '../../local/kinesis-poller.ts';
import { telemetry } from '../support/telemetry.ts';

let kinesalite: RunningKinesalite;
let kinesis: KinesisClient;
let dir: string;
let streamName: string;
let streams = 0;
const pollers: KinesisPoller[] = [];

beforeAll(async () => {
  kinesalite = await startKinesalite({ port: await freePort() });
  kinesis = new KinesisClient({ endpoint: kinesalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() });
});
afterAll(async () => {
  kinesis.destroy();
  await kinesalite.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reftrack-kinesis-poller-'));
  streamName = `poller-${++streams}`;
  await ensureSpillStream(kinesis, streamName, 1);
});
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  await rm(dir, { recursive: true, force: true });
});

/** Puts `count` records in order (one shard), returns their payloads. */
async function put(count: number, tag: string): Promise<string[]> {
  const sent: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = `${tag}-${i}`;
    await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'one-key', Data: Buffer.from(body) }));
    sent.push(body);
  }
  return sent;
}

const bodies = (records: readonly KinesisStreamRecord[]) => records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString('utf8'));

function recordingHandler(respond: (records: KinesisStreamRecord[], call: number) => KinesisStreamBatchResponse | void = () => undefined) {
  const invocations: KinesisStreamRecord[][] = [];
  const handler = async (event: KinesisStreamEvent) => {
    invocations.push(event.Records);
    return respond(event.Records, invocations.length);
  };
  return { handler, invocations };
}

function poller(options: Partial<KinesisPollerOptions> & Pick<KinesisPollerOptions, 'handler'>): KinesisPoller {
  const p = new KinesisPoller({ name: 'drain', streamName, client: kinesis, dataDir: dir, region: 'us-east-1', logger: telemetry.logger, pollIntervalMs: 20, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...options });
  pollers.push(p);
  return p;
}

async function checkpointOf(name: string): Promise<{ shards: Record<string, { sequenceNumber?: string }> }> {
  return JSON.parse(await readFile(join(dir, 'pollers', `${name}.json`), 'utf8'));
}

describe('kinesis poller against kinesalite', () => {
  it('batchItemFailures: checkpoints before the lowest failed sequence number and redelivers from it', async () => {
    const sent = await put(6, 'partial');
    let checkpointAtRetry: string | undefined;
    const { handler, invocations } = recordingHandler((records, call) => {
      if (call === 1) return { batchItemFailures: [{ itemIdentifier: records[4]!.kinesis.sequenceNumber }, { itemIdentifier: records[2]!.kinesis.sequenceNumber }] };
      return undefined;
    });
    const p = poller({
      handler: async (event) => {
        if (invocations.length === 1) checkpointAtRetry = Object.values((await checkpointOf('drain')).shards)[0]?.sequenceNumber;
        return handler(event);
      },
    });
    await p.start();
    await p.caughtUp();

    expect(invocations.map(bodies)).toEqual([sent, sent.slice(2)]);
    expect(checkpointAtRetry).toBe(invocations[0]![1]!.kinesis.sequenceNumber);
    expect(Object.values((await checkpointOf('drain')).shards)[0]?.sequenceNumber).toBe(invocations[0]![5]!.kinesis.sequenceNumber);
  });

  it('an unknown batch item identifier fails the whole batch, as on Lambda', async () => {
    const sent = await put(3, 'unknown');
    const { handler, invocations } = recordingHandler((_records, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } : undefined));
    const p = poller({ handler });
    await p.start();
    await p.caughtUp();
    expect(invocations.map(bodies)).toEqual([sent, sent]);
  });

  it('a record that makes the handler throw is bisected out and dead-lettered alone, with its full record; the rest flow on', async () => {
    const sent = await put(5, 'poison');
    const poison = sent[3]!;
    const { handler, invocations } = recordingHandler((records) => {
      if (bodies(records).includes(poison)) throw new TypeError('not a click event');
    });
    const p = poller({ handler, maxRetries: 2 });
    await p.start();
    await p.caughtUp();

    const succeeded = invocations.filter((batch) => !bodies(batch).includes(poison)).flatMap(bodies);
    expect(succeeded.sort()).toEqual(sent.filter((b) => b !== poison).sort());
    // Bisecting narrowed it to the poison record alone, which then had 1 + maxRetries tries.
    expect(invocations.filter((batch) => batch.length === 1 && bodies(batch)[0] === poison)).toHaveLength(3);

    const files = await readdir(join(dir, 'dlq', 'drain'));
    expect(files).toHaveLength(1);
    const letter = JSON.parse(await readFile(join(dir, 'dlq', 'drain', files[0]!), 'utf8'));
    expect(letter.requestContext).toEqual({ condition: 'RetryAttemptsExhausted', consumer: 'drain', approximateInvokeCount: 3 });
    expect(letter.responseContext).toEqual({ kind: 'FunctionError', errorType: 'TypeError', errorMessage: 'not a click event' });
    expect(bodies(letter.payload.Records)).toEqual([poison]);
    expect(letter.KinesisBatchInfo).toMatchObject({ batchSize: 1, startSequenceNumber: letter.payload.Records[0].kinesis.sequenceNumber, endSequenceNumber: letter.payload.Records[0].kinesis.sequenceNumber });
    expect(letter.KinesisBatchInfo.streamArn).toContain(`stream/${streamName}`);
    // Everything, the dead letter included, is behind the checkpoint.
    expect(Object.values((await checkpointOf('drain')).shards)[0]?.sequenceNumber).toBe(invocations[0]!.at(-1)!.kinesis.sequenceNumber);
  });

  it('resumes from its checkpoint after a restart, and a stop during retries redelivers the failed record next start', async () => {
    const first = await put(3, 'before');
    let failing = true;
    const stuck = recordingHandler((records) => (failing && bodies(records).includes(first[2]!) ? { batchItemFailures: [{ itemIdentifier: records.at(-1)!.kinesis.sequenceNumber }] } : undefined));
    const p1 = poller({ handler: stuck.handler, maxRetries: 1_000, retryBaseDelayMs: 20, retryMaxDelayMs: 20 });
    await p1.start();
    await expect.poll(() => stuck.invocations.length).toBeGreaterThan(2);
    await p1.stop();
    failing = false;

    const later = await put(2, 'after');
    const healthy = recordingHandler();
    const p2 = poller({ handler: healthy.handler });
    await p2.start();
    await p2.caughtUp();
    expect(healthy.invocations.flatMap(bodies)).toEqual([first[2], ...later]);
    expect(await readdir(join(dir, 'dlq')).catch(() => [])).toEqual([]);
  });
});
