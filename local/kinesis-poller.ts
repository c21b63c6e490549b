/**
 * Plays Lambda's Kinesis event source mapping against kinesalite for the spill stream, feeding
 * the same drain handler Lambda runs (streams/spill-drain.ts). Smaller than the DynamoDB
 * Streams poller on purpose: the local spill stream has fixed shards (no splits to follow),
 * and the drain is idempotent, so ordering across retries does not matter.
 * It keeps the same local conventions: checkpoint per consumer (temp file + rename),
 * ReportBatchItemFailures (redeliver from the lowest failed sequence number), a retry limit,
 * then the record goes to `.data/dlq/<name>/` with its full payload.
 */
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient, type _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { fullJitterDelay } from '../core/backoff.ts';
import { writeJsonAtomic } from './atomic-file.ts';
import { CheckpointStore, type PollerPosition } from './poller-checkpoint.ts';

export interface KinesisPollerOptions {
  readonly name: string;
  readonly streamName: string;
  readonly client: KinesisClient;
  readonly handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | void>;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly maxRetries?: number;
  readonly region: string;
  /** The checkpoint goes to <dataDir>/pollers/<name>.json, dead letters to <dataDir>/dlq/<name>/. */
  readonly dataDir: string;
  readonly logger: Logger;
}

export class KinesisPoller {
  private readonly store: CheckpointStore;
  private readonly deadLetterDir: string;
  private readonly log: Logger;
  private position: PollerPosition = { streamArn: '', shards: {} };
  private tasks: Promise<void>[] = [];
  private stopping = false;
  private idleSince = new Map<string, number>();

  constructor(private readonly opts: KinesisPollerOptions) {
    this.store = new CheckpointStore(join(opts.dataDir, 'pollers', `${opts.name}.json`));
    this.deadLetterDir = join(opts.dataDir, 'dlq', opts.name);
    this.log = opts.logger.createChild({ persistentKeys: { component: 'kinesis-poller' } });
  }

  async start(): Promise<void> {
    const streamArn = `arn:aws:kinesis:${this.region}:000000000000:stream/${this.opts.streamName}`;
    const saved = await this.store.load();
    this.position = saved?.streamArn === streamArn ? saved : { streamArn, shards: {} };
    const { Shards = [] } = await this.opts.client.send(new ListShardsCommand({ StreamName: this.opts.streamName }));
    this.tasks = Shards.flatMap((s) => (s.ShardId ? [this.readShard(s.ShardId)] : []));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.tasks);
    await this.store.flush();
  }

  /** Resolves once every shard has been read to its current end after this call. */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const since = performance.now();
    while (![...this.idleSince.values()].every((at) => at >= since) || this.idleSince.size === 0) {
      if (performance.now() - since > timeoutMs) throw new Error(`kinesis poller ${this.opts.name} did not catch up within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private get region(): string {
    return this.opts.region;
  }

  private async readShard(shardId: string): Promise<void> {
    const shard = (this.position.shards[shardId] ??= {});
    let iterator: string | undefined;
    while (!this.stopping) {
      try {
        iterator ??= (
          await this.opts.client.send(
            new GetShardIteratorCommand({
              StreamName: this.opts.streamName,
              ShardId: shardId,
              ...(shard.sequenceNumber ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: shard.sequenceNumber } : { ShardIteratorType: 'TRIM_HORIZON' }),
            }),
          )
        ).ShardIterator;
        const readAt = performance.now();
        const page = await this.opts.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.opts.batchSize ?? 100 }));
        iterator = page.NextShardIterator;
        const records = (page.Records ?? []).map((r) => this.toLambdaRecord(shardId, r));
        if (records.length === 0) {
          this.idleSince.set(shardId, readAt);
          await new Promise((r) => setTimeout(r, this.opts.pollIntervalMs ?? 250));
          continue;
        }
        await this.deliver(shardId, records);
        // Delivery may have stopped early (stopping): re-read from the checkpoint next time.
        iterator = undefined;
      } catch (error) {
        if (this.stopping) this.log.info('spill stream reader ended while stopping', { shardId, error: String(error) });
        else this.log.error('spill stream read failed; retrying from the checkpoint', { shardId, error });
        iterator = undefined;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private async deliver(shardId: string, records: KinesisStreamRecord[]): Promise<void> {
    let pending = records;
    let failures = 0;
    while (pending.length > 0 && !this.stopping) {
      let failedAt: number | undefined;
      try {
        const response = await this.opts.handler({ Records: structuredClone(pending) });
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        const index = pending.findIndex((r) => failed.has(r.kinesis.sequenceNumber));
        failedAt = index < 0 ? undefined : index;
      } catch (error) {
        this.log.warn('drain handler threw', { shardId, error });
        failedAt = 0;
      }
      if (failedAt === undefined) {
        await this.checkpoint(shardId, pending.at(-1)!);
        return;
      }
      if (failedAt > 0) {
        await this.checkpoint(shardId, pending[failedAt - 1]!);
        pending = pending.slice(failedAt);
        failures = 0;
      }
      failures++;
      if (failures > (this.opts.maxRetries ?? 3)) {
        const dead = pending[0]!;
        const file = join(this.deadLetterDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${shardId}-${dead.kinesis.sequenceNumber}.json`);
        await writeJsonAtomic(file, { version: '1.0', requestContext: { condition: 'RetryAttemptsExhausted', consumer: this.opts.name, approximateInvokeCount: failures }, KinesisBatchInfo: { shardId, startSequenceNumber: dead.kinesis.sequenceNumber, streamArn: this.position.streamArn }, payload: { Records: [dead] } });
        this.log.error('spilled record exhausted its retries; sent to the dead-letter dir', { shardId, file });
        await this.checkpoint(shardId, dead);
        pending = pending.slice(1);
        failures = 0;
        continue;
      }
      await new Promise((r) => setTimeout(r, fullJitterDelay(failures + 1, { baseMs: 250, maxMs: 5_000 })));
    }
  }

  private async checkpoint(shardId: string, record: KinesisStreamRecord): Promise<void> {
    (this.position.shards[shardId] ??= {}).sequenceNumber = record.kinesis.sequenceNumber;
    await this.store.save(this.position);
  }

  private toLambdaRecord(shardId: string, r: _Record): KinesisStreamRecord {
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.PartitionKey ?? '',
        sequenceNumber: r.SequenceNumber ?? '',
        data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${r.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::000000000000:role/${this.opts.name}`,
      awsRegion: this.region,
      eventSourceARN: this.position.streamArn,
    };
  }
}
