/**
 * The spill path for real: DynamoDB Local for the event log, kinesalite for the spill stream,
 * the drain Lambda fed by the local Kinesis poller. A click whose append is slow or failing is
 * spilled, drained into the log, and stored exactly once even when the slow append lands too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { dynamodb } from '../support/clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { decodeSpilled, encodeSpilled, KinesisClickSpill } from '../../adapters/kinesis-spill.ts';
import { lazyKinesisSpill } from '../../adapters/lazy-kinesis-spill.ts';
import { awsConfig, spillConfig } from '../../config/config.ts';
import { createSpillDrainHandler } from '../../consumers/spill-drain-consumer.ts';
import { click, sampleClickEvent } from '../support/click-events.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { businessDay } from '../../core/business-day.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import type { KinesisStreamRecord } from 'aws-lambda';
import { StoreUnavailableError } from '../../core/errors.ts';
import type { ClickLog } from '../../core/ports.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { CachedVendorDirectory } from '../../core/cached-vendor-directory.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import { createRedirectApp } from '../../http/redirect-app.ts';
import { systemClock, ulidGenerator } from '../../adapters/clock.ts';
import { freePort } from '../../local/free-port.ts';
import { ensureSpillStream, startKinesalite, type RunningKinesalite } from '../../local/kinesalite.ts';
import { KinesisPoller } from '../../local/kinesis-poller.ts';
import { freshTables } from '../support/tables.ts';
import { testSettings } from '../support/redirect-app.ts';
import { telemetry } from '../support/telemetry.ts';

describe('spill and drain', () => {
  let tables: TableNames;
  let kinesalite: RunningKinesalite;
  let kinesis: KinesisClient;
  const dataDir = mkdtempSync(join(tmpdir(), 'reftrack-spill-'));
  const streamName = 'spill-test';

  beforeAll(async () => {
    tables = await freshTables();
    kinesalite = await startKinesalite({ port: await freePort() });
    kinesis = new KinesisClient({ endpoint: kinesalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() });
    await ensureSpillStream(kinesis, streamName, 2);
  });
  afterAll(async () => {
    kinesis.destroy();
    await kinesalite.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every spilled click exactly once, including clicks whose slow write landed too', async () => {
    const log = new DynamoClickLog(dynamodb, tables.events);
    let mode: 'down' | 'slow' = 'down';
    // The event log as the redirect sees it during an incident: refusing writes, or taking them slowly.
    const troubled: ClickLog = {
      append: async (event: ClickEvent) => {
        if (mode === 'down') throw new StoreUnavailableError('injected outage');
        await new Promise((r) => setTimeout(r, 300));
        return log.append(event);
      },
    };
    const app = createRedirectApp({
      vendors: new CachedVendorDirectory(new DynamoVendorStore(dynamodb, tables.state), systemClock, 60_000),
      clicks: troubled,
      spill: new KinesisClickSpill(kinesis, streamName),
      clock: systemClock,
      ids: ulidGenerator(),
      settings: { ...testSettings, writeBudgetMs: 50 },
      clientIp: () => '198.51.100.20',
      trustCloudFront: false,
      telemetry,
    });

    const clickIds: string[] = [];
    const click = async () => {
      const res = await app.request('/ref/gbvintners', { headers: { 'user-agent': 'Mozilla/5.0 Chrome/131.0' } });
      expect(res.status).toBe(302);
      clickIds.push(new URL(res.headers.get('location')!).searchParams.get('ref_cid')!);
    };
    await Promise.all(Array.from({ length: 30 }, click));
    mode = 'slow';
    await Promise.all(Array.from({ length: 30 }, click));
    await new Promise((r) => setTimeout(r, 500)); // the slow appends land after their guests were redirected

    process.env.EVENTS_TABLE = tables.events; // the drain Lambda reads its table name from config at import
    const { handler } = await import('../../streams/spill-drain.ts');
    const poller = new KinesisPoller({ name: 'spill-drain', streamName, client: kinesis, handler, dataDir, region: 'us-east-1', logger: telemetry.logger });
    await poller.start();
    await poller.caughtUp();
    await poller.stop();

    const stored = await log.forVendorDay('gbvintners' as VendorCode, businessDay(new Date(), 'America/Los_Angeles'));
    expect(stored.map((e) => e.clickId).sort()).toEqual([...clickIds].sort());
    expect(new Set(stored.map((e) => e.clickId)).size).toBe(60);
  });

  it('drains every record of a batch at once, reports only the failed one, and the redelivery from it stores every click once', async () => {
    const log = new DynamoClickLog(dynamodb, tables.events);
    const events = Array.from({ length: 6 }, () => click({ vendor: 'solare', at: '2026-11-20T18:00:00.000Z' }));
    const broken = events[2]!.clickId;
    let down = true;
    let inFlight = 0;
    let mostInFlight = 0;
    const clicks: ClickLog = {
      append: async (event: ClickEvent) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          if (down && event.clickId === broken) {
            await new Promise((r) => setTimeout(r, 20));
            throw new StoreUnavailableError('injected: the write timed out');
          }
          return await log.append(event);
        } finally {
          inFlight--;
        }
      },
    };
    const handler = createSpillDrainHandler({ clicks, telemetry });
    const records = events.map((event, i): KinesisStreamRecord => ({
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: event.clickId, sequenceNumber: String(49_000 + i), data: Buffer.from(encodeSpilled(event)).toString('base64'), approximateArrivalTimestamp: 0 },
      eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: `shardId-000000000000:${49_000 + i}`, eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/drain', awsRegion: 'us-east-1', eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/spill',
    }));
    const storedIds = async () => (await log.forVendorDay('solare' as VendorCode, events[0]!.day)).map((e) => e.clickId).sort();

    const first = await handler({ Records: records });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '49002' }]);
    expect(mostInFlight).toBe(6);
    expect(await storedIds()).toEqual(events.filter((e) => e.clickId !== broken).map((e) => e.clickId).sort());

    // Lambda redelivers from the lowest failed sequence number: the failed click and the three after it.
    down = false;
    const again = await handler({ Records: records.slice(2) });
    expect(again.batchItemFailures).toEqual([]);
    expect(await storedIds()).toEqual(events.map((e) => e.clickId).sort());
  });

  it('the spill a lone redirect process builds on first use puts the click on the stream; an unreachable stream is a store error, and the next spill tries again', async () => {
    const aws = awsConfig({ REFTRACK_TARGET: 'local', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
    const lazy = lazyKinesisSpill(aws, spillConfig({ KINESIS_ENDPOINT: kinesalite.endpoint, SPILL_STREAM_NAME: streamName }));
    const event = sampleClickEvent();
    await lazy.spill(event);
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
    const spilled: ClickEvent[] = [];
    for (const shard of Shards ?? []) {
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
      const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));
      spilled.push(...(Records ?? []).map((r) => decodeSpilled(r.Data!)));
    }
    expect(spilled.filter((e) => e.clickId === event.clickId)).toEqual([event]);

    const port = await freePort(); // nothing listens there
    const unreachable = lazyKinesisSpill(aws, spillConfig({ KINESIS_ENDPOINT: `http://127.0.0.1:${port}`, SPILL_STREAM_NAME: streamName, KINESIS_REQUEST_TIMEOUT_MS: '200' }));
    await expect(unreachable.spill(event)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(unreachable.spill(event)).rejects.toThrow(/ECONNREFUSED/);
  });
});
