/**
 * Plays Lambda's Kinesis event source mapping against kinesalite for the spill stream, feeding
 * the same drain handler Lambda runs (streams/spill-drain.ts). Smaller than the DynamoDB
 * Streams poller on purpose: the local spill stream has fixed shards (no splits to follow),
 * and the drain is idempotent, so ordering across retries does not matter.
 * It delivers through the same loop (local/shard-delivery.ts): ReportBatchItemFailures
 * (redeliver from the lowest failed sequence number), bisecting a batch whose invocation threw
 * (the deployed spill drain mapping bisects too), a retry limit with jittered backoff, then the
 * record goes to `.data/dlq/<name>/` with its full payload; checkpoint per consumer (temp file + rename).
 */
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient, type _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { failureReason, KINESIS_RECORDS, writeDeadLetter } from './dead-letter.ts';
import { CheckpointStore, type PollerPosition } from './poller-checkpoint.ts';
import { ShardDelivery, StopSignal, StreamPollerError } from './shard-delivery.ts';

export interface KinesisPollerOptions {
  readonly name: string;
  readonly streamName: string;
  readonly client: KinesisClient;
  readonly handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | void>;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly maxRetries?: number;
  /** BisectBatchOnFunctionError: a thrown error splits the batch in halves (default true, as deployed). */
  readonly bisectOnError?: boolean;
  /** Retry delay: jittered, doubling from base (250 ms) up to max (5 s). */
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
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
  private readonly signal = new StopSignal();
  private readonly delivery: ShardDelivery<KinesisStreamRecord>;
  private idleSince = new Map<string, number>();

  constructor(private readonly opts: KinesisPollerOptions) {
    this.store = new CheckpointStore(join(opts.dataDir, 'pollers', `${opts.name}.json`));
    this.deadLetterDir = join(opts.dataDir, 'dlq', opts.name);
    this.log = opts.logger.createChild({ persistentKeys: { component: 'kinesis-poller' } });
    this.delivery = new ShardDelivery(
      { maxRetries: opts.maxRetries ?? 3, bisectOnError: opts.bisectOnError ?? true, retry: { baseMs: opts.retryBaseDelayMs ?? 250, maxMs: opts.retryMaxDelayMs ?? 5_000 } },
      {
        invoke: (records) => opts.handler({ Records: records }),
        sequenceOf: (record) => record.kinesis.sequenceNumber,
        checkpoint: (shardId, sequenceNumber) => this.checkpoint(shardId, sequenceNumber),
        deadLetter: (shardId, records, attempts, error) => this.deadLetter(shardId, records, attempts, error),
        stopping: () => this.stopping,
        sleep: (ms) => this.signal.sleep(ms),
        log: this.log,
      },
    );
  }

  private get stopping(): boolean {
    return this.signal.stopping;
  }

  async start(): Promise<void> {
    const streamArn = `arn:aws:kinesis:${this.region}:000000000000:stream/${this.opts.streamName}`;
    const saved = await this.store.load();
    this.position = saved?.streamArn === streamArn ? saved : { streamArn, shards: {} };
    const { Shards = [] } = await this.opts.client.send(new ListShardsCommand({ StreamName: this.opts.streamName }));
    this.tasks = Shards.flatMap((s) => (s.ShardId ? [this.readShard(s.ShardId)] : []));
  }

  async stop(): Promise<void> {
    this.signal.stop();
    await Promise.all(this.tasks);
    await this.store.flush();
  }

  /** Resolves once every shard has been read to its current end after this call. */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const since = performance.now();
    while (![...this.idleSince.values()].every((at) => at >= since) || this.idleSince.size === 0) {
      if (performance.now() - since > timeoutMs) throw new StreamPollerError(`kinesis poller ${this.opts.name} did not catch up within ${timeoutMs} ms`);
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
          await this.signal.sleep(this.opts.pollIntervalMs ?? 250);
          continue;
        }
        await this.delivery.deliver(shardId, records);
        // Delivery may have stopped early (stopping): re-read from the checkpoint next time.
        iterator = undefined;
      } catch (error) {
        if (this.stopping) this.log.info('spill stream reader ended while stopping', { shardId, error: String(error) });
        else this.log.error('spill stream read failed; retrying from the checkpoint', { shardId, error });
        iterator = undefined;
        await this.signal.sleep(1_000);
      }
    }
  }

  private async deadLetter(shardId: string, records: KinesisStreamRecord[], attempts: number, error: unknown): Promise<void> {
    const reason = failureReason(error);
    const file = await writeDeadLetter(this.deadLetterDir, KINESIS_RECORDS, { consumer: this.opts.name, streamArn: this.position.streamArn, shardId, attempts, reason, records });
    this.log.error('spilled records exhausted their retries; sent to the dead-letter dir', { shardId, records: records.length, file, reason });
  }

  private async checkpoint(shardId: string, sequenceNumber: string): Promise<void> {
    (this.position.shards[shardId] ??= {}).sequenceNumber = sequenceNumber;
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
