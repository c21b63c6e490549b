/**
 * The local stream poller against the real DynamoDB Local stream. The consumer is a
 * recording handler (that is what is under test's control); the database is real.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { monotonicFactory } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { clickEventFromRecord, PoisonRecordError } from '../../adapters/stream-image.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { eventNames, StreamPoller, type StreamPollerOptions } from '../../local/stream-poller.ts';
import { freshTables } from '../support/tables.ts';
import { telemetry } from '../support/telemetry.ts';
import { createDynamoStreamsClient } from '../../adapters/dynamodb-client.ts';
import { awsConfig } from '../../config/config.ts';

const nextUlid = monotonicFactory();
const streams = createDynamoStreamsClient(awsConfig());

function click(vendorCode: string): ClickEvent {
  const clickId = nextUlid();
  return {
    schemaVersion: 1,
    clickId,
    vendorCode: vendorCode as VendorCode,
    vendorName: vendorCode,
    ts: new Date().toISOString(),
    day: '2026-11-25',
    visitorHash: `visitor-${clickId.toLowerCase()}`,
    bot: { isBot: false, reason: 'human', ruleVersion: 1 },
    internal: false,
    userAgent: 'Mozilla/5.0',
    refererHost: null,
    country: null,
    placement: null,
    destination: `https://queenofsandiego.com/?utm_source=${vendorCode}`,
  };
}

/** A stand-in consumer: records every invocation, answers as `respond` says. */
function recordingHandler(respond: (records: DynamoDBRecord[], call: number) => Promise<DynamoDBBatchResponse | void> | DynamoDBBatchResponse | void = () => undefined) {
  const invocations: DynamoDBRecord[][] = [];
  const handler = async (event: DynamoDBStreamEvent) => {
    invocations.push(event.Records);
    return respond(event.Records, invocations.length);
  };
  return { handler, invocations };
}

const seqs = (records: readonly DynamoDBRecord[]) => records.map((r) => r.dynamodb!.SequenceNumber!);
const clickIds = (records: readonly DynamoDBRecord[]) => records.map((r) => clickEventFromRecord(r).clickId);

let dir: string;
let eventsTable: string;
let log: DynamoClickLog;
const pollers: StreamPoller[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reftrack-poller-'));
  eventsTable = (await freshTables([])).events;
  log = new DynamoClickLog(dynamodb, eventsTable);
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  await rm(dir, { recursive: true, force: true });
});

/** Fast local timings; every test names its consumer so checkpoints and DLQ files are its own. */
function poller(options: Partial<StreamPollerOptions> & Pick<StreamPollerOptions, 'handler'>): StreamPoller {
  const name = options.name ?? 'consumer';
  const p = new StreamPoller({
    name,
    tableName: eventsTable,
    dataDir: dir,
    region: 'us-east-1',
    dynamodb,
    streams,
    logger: telemetry.logger,
    batchingWindowMs: 30,
    pollIntervalMs: 20,
    discoveryIntervalMs: 200,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    ...options,
  });
  pollers.push(p);
  return p;
}

async function appendAll(events: ClickEvent[]): Promise<void> {
  for (const event of events) await log.append(event);
}

async function checkpointOf(name: string): Promise<{ streamArn: string; shards: Record<string, { sequenceNumber?: string; finished?: boolean }> }> {
  return JSON.parse(await readFile(join(dir, 'pollers', `${name}.json`), 'utf8'));
}

describe('stream poller against DynamoDB Local', () => {
  it('delivers every inserted click once, in per-key order, as Lambda-shaped records in batches of at most batchSize', async () => {
    const vendors = ['solare', 'puesto', 'totalwine'];
    const written = new Map(vendors.map((v) => [v, Array.from({ length: 40 }, () => click(v))]));
    // Three writers in parallel, each in order: per-key order is defined per vendor partition.
    await Promise.all([...written.values()].map(appendAll));

    const { handler, invocations } = recordingHandler();
    const p = poller({ handler, batchSize: 50 });
    await p.start();
    await p.caughtUp();

    const delivered = invocations.flat();
    expect(delivered).toHaveLength(120);
    expect(Math.max(...invocations.map((b) => b.length))).toBeLessThanOrEqual(50);
    const events = delivered.map(clickEventFromRecord);
    for (const vendor of vendors) {
      expect(events.filter((e) => e.vendorCode === vendor).map((e) => e.clickId)).toEqual(written.get(vendor)!.map((e) => e.clickId));
    }

    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: eventsTable }));
    const first = delivered[0]!;
    expect(first).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: Table!.LatestStreamArn,
      dynamodb: { StreamViewType: 'NEW_IMAGE', Keys: { pk: { S: expect.stringMatching(/#2026-11-25$/) }, sk: { S: expect.any(String) } } },
    });
    expect(first.eventID).toEqual(expect.any(String));
    expect(first.dynamodb!.ApproximateCreationDateTime).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(first.dynamodb!.SizeBytes).toBeGreaterThan(0);
    const ordered = seqs(delivered).map(BigInt);
    expect(ordered).toEqual([...ordered].sort((a, b) => (a < b ? -1 : 1)));

    const checkpoint = await checkpointOf('consumer');
    expect(checkpoint.streamArn).toBe(Table!.LatestStreamArn);
    expect(Object.values(checkpoint.shards).map((s) => s.sequenceNumber)).toContain(seqs(delivered).at(-1));
  });

  it('resumes from its checkpoint after a restart: nothing lost, nothing handled twice', async () => {
    const before = Array.from({ length: 30 }, () => click('solare'));
    await appendAll(before);
    const first = recordingHandler();
    const p1 = poller({ handler: first.handler });
    await p1.start();
    await p1.caughtUp();
    await p1.stop();

    const whileDown = Array.from({ length: 30 }, () => click('solare'));
    await appendAll(whileDown);
    const second = recordingHandler();
    const p2 = poller({ handler: second.handler });
    await p2.start();
    await p2.caughtUp();
    const after = [click('puesto')];
    await appendAll(after);
    await p2.caughtUp();

    expect(clickIds(first.invocations.flat())).toEqual(before.map((e) => e.clickId));
    expect(clickIds(second.invocations.flat())).toEqual([...whileDown, ...after].map((e) => e.clickId));
  });

  it('a stop during retries abandons them, and the next start redelivers from the failed record', async () => {
    const events = Array.from({ length: 6 }, () => click('solare'));
    await appendAll(events);
    let failing = true;
    const stuck = recordingHandler((records) => (failing ? { batchItemFailures: [{ itemIdentifier: records.at(-1)!.dynamodb!.SequenceNumber! }] } : undefined));
    const p1 = poller({ handler: stuck.handler, maxRetries: 1_000, retryBaseDelayMs: 20, retryMaxDelayMs: 20 });
    await p1.start();
    await expect.poll(() => stuck.invocations.length).toBeGreaterThan(2);
    await p1.stop();
    failing = false;

    const healthy = recordingHandler();
    const p2 = poller({ handler: healthy.handler });
    await p2.start();
    await p2.caughtUp();
    expect(clickIds(healthy.invocations.flat())).toEqual([events.at(-1)!.clickId]);
    expect(await readdir(join(dir, 'dlq')).catch(() => [])).toEqual([]);
  });

  it('stop() lets the in-flight invocation finish and checkpoints it, so the next start does not repeat it', async () => {
    const events = Array.from({ length: 5 }, () => click('solare'));
    await appendAll(events);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = recordingHandler(() => gate);
    const p1 = poller({ handler: slow.handler });
    await p1.start();
    await expect.poll(() => slow.invocations.length).toBe(1);
    let stopped = false;
    const stopping = p1.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;

    const next = recordingHandler();
    const p2 = poller({ handler: next.handler });
    await p2.start();
    await p2.caughtUp();
    expect(clickIds(slow.invocations.flat())).toEqual(events.map((e) => e.clickId));
    expect(next.invocations).toEqual([]);
  });

  it('batchItemFailures: checkpoints before the lowest failed sequence number and redelivers from it', async () => {
    const events = Array.from({ length: 10 }, () => click('solare'));
    await appendAll(events);
    let checkpointAtRetry: string | undefined;
    const { handler, invocations } = recordingHandler(async (records, call) => {
      if (call === 1) return { batchItemFailures: [{ itemIdentifier: seqs(records)[7]! }, { itemIdentifier: seqs(records)[3]! }] };
      checkpointAtRetry = Object.values((await checkpointOf('partial')).shards)[0]?.sequenceNumber;
    });
    const p = poller({ name: 'partial', handler });
    await p.start();
    await p.caughtUp();

    expect(invocations).toHaveLength(2);
    const [firstBatch, retry] = invocations as [DynamoDBRecord[], DynamoDBRecord[]];
    expect(clickIds(firstBatch)).toEqual(events.map((e) => e.clickId));
    expect(clickIds(retry)).toEqual(events.slice(3).map((e) => e.clickId));
    expect(checkpointAtRetry).toBe(seqs(firstBatch)[2]);
    expect(Object.values((await checkpointOf('partial')).shards)[0]?.sequenceNumber).toBe(seqs(firstBatch)[9]);
  });

  it('a poison record that makes the handler throw is bisected out, dead-lettered with its full record, and the rest flow on', async () => {
    const good = Array.from({ length: 8 }, () => click('solare'));
    await appendAll(good.slice(0, 5));
    // A real item whose image is not a ClickEvent: what a schema bug upstream would write.
    await dynamodb.send(new PutItemCommand({ TableName: eventsTable, Item: { pk: { S: 'solare#2026-11-25' }, sk: { S: 'poison' }, clicks: { N: '1' } } }));
    await appendAll(good.slice(5));

    // Like a consumer that validates every record before writing anything: one bad record fails the invocation.
    const { handler, invocations } = recordingHandler((records) => {
      records.forEach(clickEventFromRecord);
    });
    const p = poller({ name: 'aggregate', handler, maxRetries: 2 });
    await p.start();
    await p.caughtUp();

    const isPoison = (r: DynamoDBRecord) => r.dynamodb?.Keys?.sk?.S === 'poison';
    const succeeded = invocations.filter((batch) => !batch.some(isPoison)).flat();
    expect(clickIds(succeeded).sort()).toEqual(good.map((e) => e.clickId).sort());
    // Bisecting narrowed it to the poison record alone, which then had 1 + maxRetries tries.
    expect(invocations.filter((batch) => batch.length === 1 && isPoison(batch[0]!))).toHaveLength(3);

    const files = await readdir(join(dir, 'dlq', 'aggregate'));
    expect(files).toHaveLength(1);
    const letter = JSON.parse(await readFile(join(dir, 'dlq', 'aggregate', files[0]!), 'utf8'));
    expect(letter.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    expect(letter.responseContext).toMatchObject({ kind: 'FunctionError', errorType: PoisonRecordError.name });
    expect(letter.payload.Records).toHaveLength(1);
    expect(letter.payload.Records[0].dynamodb.NewImage).toEqual({ pk: { S: 'solare#2026-11-25' }, sk: { S: 'poison' }, clicks: { N: '1' } });
    expect(letter.DDBStreamBatchInfo.startSequenceNumber).toBe(letter.payload.Records[0].dynamodb.SequenceNumber);

    const later = click('puesto');
    await log.append(later);
    await p.caughtUp();
    expect(clickIds(invocations.at(-1)!)).toEqual([later.clickId]);
  });

  it('a filter (INSERT only) skips MODIFY records and still checkpoints past them; an unfiltered consumer sees them in order', async () => {
    const key = { pk: { S: 'solare#2026-11-25' }, sk: { S: 'item' } };
    await dynamodb.send(new PutItemCommand({ TableName: eventsTable, Item: { ...key, version: { N: '0' } } }));
    for (let v = 1; v <= 3; v++) {
      await dynamodb.send(new UpdateItemCommand({ TableName: eventsTable, Key: key, UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': { N: String(v) } } }));
    }
    const inserted = click('puesto');
    await log.append(inserted);
    await dynamodb.send(new UpdateItemCommand({ TableName: eventsTable, Key: key, UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': { N: '4' } } }));

    const inserts = recordingHandler();
    const all = recordingHandler();
    const filtered = poller({ name: 'inserts', handler: inserts.handler, filter: eventNames('INSERT') });
    const unfiltered = poller({ name: 'everything', handler: all.handler });
    await Promise.all([filtered.start(), unfiltered.start()]);
    await Promise.all([filtered.caughtUp(), unfiltered.caughtUp()]);

    expect(inserts.invocations.flat().map((r) => r.eventName)).toEqual(['INSERT', 'INSERT']);
    expect(clickIds(inserts.invocations.flat().slice(1))).toEqual([inserted.clickId]);
    const everything = all.invocations.flat();
    expect(everything.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'MODIFY', 'MODIFY', 'INSERT', 'MODIFY']);
    expect(everything.filter((r) => r.dynamodb?.Keys?.sk?.S === 'item').map((r) => r.dynamodb?.NewImage?.version?.N)).toEqual(['0', '1', '2', '3', '4']);
    // The trailing MODIFY was read and skipped: the filtered consumer's checkpoint is past it.
    const position = Object.values((await checkpointOf('inserts')).shards)[0]?.sequenceNumber;
    expect(position).toBe(seqs(everything).at(-1));
  });
});

/**
 * DynamoDB Local rolls its stream shards over only about every 15 minutes, too slow for a
 * test, so this one case uses a small in-memory Streams API: a closed parent shard and its
 * open child (listed child first, one shard per DescribeStream page), plus one expired iterator.
 */
class FakeStreams {
  readonly arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/fake/stream/2026-11-25T00:00:00.000';
  readonly shards = new Map<string, { parent?: string; closed: boolean; records: _Record[] }>();
  private seq = 0;
  expireNextGetRecords = false;

  add(shardId: string, count: number): string[] {
    const shard = this.shards.get(shardId)!;
    const added: string[] = [];
    for (let i = 0; i < count; i++) {
      const SequenceNumber = String(++this.seq * 100).padStart(21, '0');
      shard.records.push({ eventID: `e${this.seq}`, eventName: 'INSERT', dynamodb: { SequenceNumber, Keys: { pk: { S: `k${this.seq}` } }, SizeBytes: 10, StreamViewType: 'NEW_IMAGE', ApproximateCreationDateTime: new Date() } });
      added.push(SequenceNumber);
    }
    return added;
  }

  async send(command: unknown): Promise<unknown> {
    if (command instanceof DescribeStreamCommand) {
      const ids = [...this.shards.keys()];
      const start = command.input.ExclusiveStartShardId ? ids.indexOf(command.input.ExclusiveStartShardId) + 1 : 0;
      const id = ids[start]!;
      const s = this.shards.get(id)!;
      const last = s.records.at(-1)?.dynamodb?.SequenceNumber;
      const shard: Shard = { ShardId: id, ParentShardId: s.parent, SequenceNumberRange: { StartingSequenceNumber: '0', ...(s.closed ? { EndingSequenceNumber: last } : {}) } };
      return { StreamDescription: { StreamArn: this.arn, Shards: [shard], LastEvaluatedShardId: start + 1 < ids.length ? id : undefined } };
    }
    if (command instanceof GetShardIteratorCommand) {
      const { ShardId, ShardIteratorType, SequenceNumber } = command.input;
      const records = this.shards.get(ShardId!)!.records;
      const offset = ShardIteratorType === 'TRIM_HORIZON' ? 0 : records.findIndex((r) => r.dynamodb!.SequenceNumber === SequenceNumber) + 1;
      return { ShardIterator: `${ShardId}|${offset}` };
    }
    if (command instanceof GetRecordsCommand) {
      if (this.expireNextGetRecords) {
        this.expireNextGetRecords = false;
        throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
      }
      const [id, at] = command.input.ShardIterator!.split('|') as [string, string];
      const shard = this.shards.get(id)!;
      const page = shard.records.slice(Number(at), Number(at) + 2);
      const next = Number(at) + page.length;
      return { Records: page, NextShardIterator: shard.closed && next >= shard.records.length ? undefined : `${id}|${next}` };
    }
    throw new Error(`fake Streams API: unexpected ${(command as object).constructor.name}`);
  }
}

describe('stream poller across a shard rollover (fake Streams API, see FakeStreams)', () => {
  it('reads a closed parent to its end before its child, checkpoints both, and survives an expired iterator', async () => {
    const fake = new FakeStreams();
    fake.shards.set('shardId-child', { parent: 'shardId-parent', closed: false, records: [] });
    fake.shards.set('shardId-parent', { closed: false, records: [] });
    const parentSeqs = fake.add('shardId-parent', 5);
    fake.shards.get('shardId-parent')!.closed = true;
    const childSeqs = fake.add('shardId-child', 3);
    fake.expireNextGetRecords = true;

    const options = { tableName: 'fake', streams: fake as unknown as DynamoDBStreamsClient, streamArn: fake.arn, batchSize: 2 };
    const first = recordingHandler();
    const p1 = poller({ name: 'rollover', handler: first.handler, ...options });
    await p1.start();
    await p1.caughtUp();

    expect(seqs(first.invocations.flat())).toEqual([...parentSeqs, ...childSeqs]);
    expect(first.invocations.every((batch) => batch.length <= 2)).toBe(true);
    // Batches never mix shards: every batch is all-parent or all-child.
    expect(first.invocations.every((batch) => batch.every((r) => parentSeqs.includes(r.dynamodb!.SequenceNumber!)) || batch.every((r) => childSeqs.includes(r.dynamodb!.SequenceNumber!)))).toBe(true);
    expect((await checkpointOf('rollover')).shards).toEqual({
      'shardId-parent': { sequenceNumber: parentSeqs.at(-1), finished: true },
      'shardId-child': { sequenceNumber: childSeqs.at(-1) },
    });
    await p1.stop();

    const more = fake.add('shardId-child', 1);
    const second = recordingHandler();
    const p2 = poller({ name: 'rollover', handler: second.handler, ...options });
    await p2.start();
    await p2.caughtUp();
    expect(seqs(second.invocations.flat())).toEqual(more);

    // A rollover while running: the child closes, a grandchild appears, and is read only after the child's tail.
    fake.shards.set('shardId-grandchild', { parent: 'shardId-child', closed: false, records: [] });
    const grandchildSeqs = fake.add('shardId-grandchild', 2);
    const childTail = fake.add('shardId-child', 3);
    fake.shards.get('shardId-child')!.closed = true;
    await p2.caughtUp();
    expect(seqs(second.invocations.flat())).toEqual([...more, ...childTail, ...grandchildSeqs]);
    expect((await checkpointOf('rollover')).shards['shardId-child']).toEqual({ sequenceNumber: childTail.at(-1), finished: true });
  });
});
