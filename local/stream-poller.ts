/**
 * Plays AWS Lambda's DynamoDB Streams event source mapping (ESM) against DynamoDB Local, so
 * `npm start` and the tests run the very same stream handlers the cloud runs.
 *
 * How the ESM settings map here (option: default):
 *   StartingPosition TRIM_HORIZON        first start of a consumer; later starts resume from its checkpoint
 *   BatchSize                            batchSize: 100 (a batch never mixes shards)
 *   MaximumBatchingWindowInSeconds       batchingWindowMs: 500 (short, so local clicks show up quickly)
 *   ReportBatchItemFailures              always on: `batchItemFailures` checkpoints before the lowest failed
 *                                        sequence number and redelivers from it
 *   BisectBatchOnFunctionError           bisectOnError: true (a thrown error splits the batch in halves;
 *                                        splitting does not count as a retry, as in Lambda)
 *   MaximumRetryAttempts                 maxRetries: 3 (Lambda's default is "until the record expires";
 *                                        locally a stuck record should surface fast)
 *   DestinationConfig.OnFailure (S3)     deadLetterDir: <REFTRACK_DATA_DIR>/dlq/<name>/, one JSON file with the
 *                                        full records per exhausted delivery
 *   FilterCriteria                       filter: (record) => boolean; skipped records are checkpointed
 *   ParallelizationFactor                1: one reader per shard, shards read in parallel
 *   MaximumRecordAgeInSeconds, TumblingWindowInSeconds: not modelled.
 *
 * Delivering a batch (invoke, partial failures, bisecting, retries, dead letters, checkpoints)
 * is local/shard-delivery.ts, shared with the Kinesis poller; this module reads the shards. On
 * exhaustion Lambda skips the whole batch; there only the records that kept failing are skipped.
 *
 * Delivery is at least once, as on Lambda: the checkpoint is written after the handler
 * returns, so a crash in between redelivers that batch on the next start. Consumers dedupe.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type GetRecordsCommandOutput,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamHandler } from 'aws-lambda';
import { join } from 'node:path';
import * as z from 'zod';
import { storeError } from '../adapters/dynamodb-errors.ts';
import { ConfigError } from '../core/errors.ts';
import { DYNAMODB_RECORDS, failureReason, writeDeadLetter } from './dead-letter.ts';
import { localLambdaContext, sequenceOf, toLambdaRecord } from './lambda-stream-event.ts';
import { CheckpointStore, type PollerPosition, type ShardPosition } from './poller-checkpoint.ts';
import { ShardDelivery, StopSignal, StreamPollerError } from './shard-delivery.ts';


export interface StreamPollerOptions {
  /** Consumer name: names the checkpoint file and the dead-letter dir, like one ESM per function. */
  readonly name: string;
  /** The same handler Lambda runs (`streams/*.ts`). */
  readonly handler: DynamoDBStreamHandler;
  /** Table whose latest stream is read; or give `streamArn` directly. */
  readonly tableName?: string;
  readonly streamArn?: string;
  /** Like an ESM filter: records for which it returns false are never delivered (and are checkpointed). */
  readonly filter?: (record: DynamoDBRecord) => boolean;
  readonly batchSize?: number;
  readonly batchingWindowMs?: number;
  readonly maxRetries?: number;
  readonly bisectOnError?: boolean;
  /** The checkpoint goes to <dataDir>/pollers/<name>.json, dead letters to <dataDir>/dlq/<name>/. */
  readonly dataDir: string;
  /** How often a shard at its end is polled again (Lambda polls each shard about 4 times a second). */
  readonly pollIntervalMs?: number;
  /** How often DescribeStream looks for new shards (a finished parent triggers a look at once). */
  readonly discoveryIntervalMs?: number;
  /** Retry delay: jittered, doubling from base up to max. */
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /** What `context.getRemainingTimeInMillis()` counts down from. */
  readonly functionTimeoutMs?: number;
  /** `awsRegion` in the records; DynamoDB Local says `ddblocal`, Lambda says the real region. */
  readonly region: string;
  readonly streams: DynamoDBStreamsClient;
  /** Finds the table's latest stream (with `tableName`). */
  readonly dynamodb: DynamoDBClient;
  readonly logger: Logger;
}

const Settings = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'must be letters, digits, - or _ (it names files)' }),
  batchSize: z.number().int().min(1).max(10_000).default(100),
  batchingWindowMs: z.number().int().min(0).max(300_000).default(500),
  maxRetries: z.number().int().min(0).max(10_000).default(3),
  bisectOnError: z.boolean().default(true),
  pollIntervalMs: z.number().int().min(1).default(250),
  discoveryIntervalMs: z.number().int().min(10).default(5_000),
  retryBaseDelayMs: z.number().int().min(0).default(250),
  retryMaxDelayMs: z.number().int().min(0).default(5_000),
  functionTimeoutMs: z.number().int().min(1).default(60_000),
});

/** An ESM filter on the event name, e.g. `eventNames('INSERT')` = FilterCriteria `{"eventName":["INSERT"]}`. */
export function eventNames(...names: Array<NonNullable<DynamoDBRecord['eventName']>>): (record: DynamoDBRecord) => boolean {
  return (record) => record.eventName !== undefined && names.includes(record.eventName);
}

interface ShardRun {
  readonly shardId: string;
  /** The entry in the persisted position; advancing it and saving is the checkpoint. */
  readonly position: ShardPosition;
  /** performance.now() of the last read that found the shard at its end with nothing pending. */
  idleSince: number;
  task?: Promise<void>;
}

export class StreamPoller {
  private readonly settings: z.infer<typeof Settings>;
  private readonly streams: DynamoDBStreamsClient;
  private readonly store: CheckpointStore;
  private readonly deadLetterDir: string;
  private readonly region: string;
  private readonly filter: (record: DynamoDBRecord) => boolean;
  private readonly log: Logger;
  private readonly delivery: ShardDelivery<DynamoDBRecord>;
  private readonly signal = new StopSignal();

  private streamArn = '';
  private position: PollerPosition = { streamArn: '', shards: {} };
  private readonly runs = new Map<string, ShardRun>();
  private loopTask: Promise<void> | undefined;
  private lastDiscovery: { at: number; shardIds: string[] } | undefined;
  private discoveryRequested = false;
  private wakeDiscovery: (() => void) | undefined;

  constructor(private readonly options: StreamPollerOptions) {
    const parsed = Settings.safeParse(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
    if (!parsed.success) throw new ConfigError(`stream poller options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (!options.tableName && !options.streamArn) throw new ConfigError('stream poller options: give tableName or streamArn');
    this.settings = parsed.data;
    this.store = new CheckpointStore(join(options.dataDir, 'pollers', `${options.name}.json`));
    this.deadLetterDir = join(options.dataDir, 'dlq', options.name);
    this.streams = options.streams;
    this.region = options.region;
    this.filter = options.filter ?? (() => true);
    this.log = options.logger.createChild({ persistentKeys: { component: 'stream-poller', consumer: options.name } });
    const { maxRetries, bisectOnError, retryBaseDelayMs, retryMaxDelayMs } = this.settings;
    this.delivery = new ShardDelivery(
      { maxRetries, bisectOnError, retry: { baseMs: retryBaseDelayMs, maxMs: retryMaxDelayMs } },
      {
        invoke: (records) => this.invoke(records),
        sequenceOf,
        checkpoint: (shardId, sequenceNumber) => this.advance(this.runs.get(shardId)!, sequenceNumber),
        deadLetter: (shardId, records, attempts, error) => this.deadLetter(shardId, records, attempts, error),
        stopping: () => this.stopping,
        sleep: (ms) => this.sleep(ms),
        log: this.log,
      },
    );
  }

  private get stopping(): boolean {
    return this.signal.stopping;
  }

  /** Finds the stream, loads the checkpoint and starts reading. Resolves once reading has begun. */
  async start(): Promise<void> {
    if (this.loopTask) throw new StreamPollerError(`stream poller ${this.options.name} was already started`);
    this.streamArn = this.options.streamArn ?? (await this.latestStreamArn(this.options.tableName!));
    const saved = await this.store.load();
    if (saved && saved.streamArn !== this.streamArn) {
      this.log.warn('checkpoint is for an earlier stream of this table (recreated?); reading the new stream from TRIM_HORIZON', { saved: saved.streamArn, streamArn: this.streamArn });
    }
    this.position = saved?.streamArn === this.streamArn ? saved : { streamArn: this.streamArn, shards: {} };
    this.log.info('stream poller started', { streamArn: this.streamArn, resumed: Boolean(saved), checkpoint: this.store.file });
    this.loopTask = this.discoveryLoop();
  }

  /** Lets the in-flight invocation finish and checkpoint, abandons pending retries (they redeliver next start). */
  async stop(): Promise<void> {
    if (!this.loopTask || this.stopping) return;
    this.signal.stop();
    await this.loopTask;
    await Promise.all([...this.runs.values()].map((run) => run.task));
    await this.store.flush();
    this.log.info('stream poller stopped');
  }

  /**
   * Resolves once every record written to the stream before this call has been handled
   * (delivered, dead-lettered or filtered out) and checkpointed: every shard listed by a
   * DescribeStream issued after the call is finished, or was read to its end after the call.
   * ("At its end" = a GetRecords returned nothing, which is exact on DynamoDB Local.)
   */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    if (!this.loopTask) throw new StreamPollerError(`stream poller ${this.options.name} is not started`);
    const since = performance.now();
    this.requestDiscovery();
    for (;;) {
      if (this.stopping) throw new StreamPollerError(`stream poller ${this.options.name} stopped before catching up`);
      if (this.isCaughtUpSince(since)) return;
      if (performance.now() - since > timeoutMs) throw new StreamPollerError(`stream poller ${this.options.name} did not catch up within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private isCaughtUpSince(since: number): boolean {
    const discovery = this.lastDiscovery;
    if (!discovery || discovery.at < since) return false;
    return discovery.shardIds.every((id) => this.position.shards[id]?.finished || (this.runs.get(id)?.idleSince ?? -Infinity) >= since);
  }

  private async latestStreamArn(tableName: string): Promise<string> {
    const client = this.options.dynamodb;
    let arn: string | undefined;
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      arn = Table?.StreamSpecification?.StreamEnabled ? Table.LatestStreamArn : undefined;
    } catch (error) {
      throw storeError(`describe table ${tableName}`, error);
    }
    if (!arn) throw new ConfigError(`table ${tableName} has no stream enabled; the poller has nothing to read`);
    return arn;
  }

  // ---- shard discovery -------------------------------------------------------------------

  private async discoveryLoop(): Promise<void> {
    while (!this.stopping) {
      this.discoveryRequested = false;
      try {
        await this.discover();
      } catch (error) {
        if (this.stopping) this.log.info('DescribeStream ended while stopping', { error: String(error) });
        else this.log.error('DescribeStream failed; trying again', { error });
      }
      if (!this.discoveryRequested) await this.sleep(this.settings.discoveryIntervalMs, (wake) => (this.wakeDiscovery = wake));
    }
  }

  private requestDiscovery(): void {
    this.discoveryRequested = true;
    this.wakeDiscovery?.();
  }

  private async discover(): Promise<void> {
    const startedAt = performance.now();
    const shards: Shard[] = [];
    let exclusiveStart: string | undefined;
    do {
      const page = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: exclusiveStart }));
      shards.push(...(page.StreamDescription?.Shards ?? []));
      exclusiveStart = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStart);

    const listed = new Set(shards.flatMap((s) => (s.ShardId ? [s.ShardId] : [])));
    for (const shard of shards) {
      const id = shard.ShardId;
      if (!id || this.stopping || this.runs.has(id)) continue;
      const position = (this.position.shards[id] ??= {});
      if (position.finished) continue;
      // DynamoDB keeps a key's changes in order across a shard split only if the parent is
      // read to its end before the child starts. A parent no longer listed has been trimmed.
      const parent = shard.ParentShardId;
      if (parent && listed.has(parent) && !this.position.shards[parent]?.finished) continue;
      this.startShard(id, position);
    }
    // Shards past the 24 h retention are gone from the stream; forget them so the file stays small.
    for (const id of Object.keys(this.position.shards)) if (!listed.has(id) && !this.runs.has(id)) delete this.position.shards[id];
    this.lastDiscovery = { at: startedAt, shardIds: [...listed] };
  }

  private startShard(shardId: string, position: ShardPosition): void {
    const run: ShardRun = { shardId, position, idleSince: -Infinity };
    this.runs.set(shardId, run);
    run.task = this.readShard(run)
      .catch(async (error: unknown) => {
        // Undelivered records are not checkpointed, so a restart from the checkpoint loses nothing.
        // While stopping, the engines go away under the reader: expected, not an error.
        if (this.stopping) this.log.info('shard reader ended while stopping', { shardId, error: String(error) });
        else this.log.error('shard reader failed; restarting it from the checkpoint', { shardId, error });
        // The longest retry delay: whatever broke (engine down, disk full) rarely heals in milliseconds.
        await this.sleep(this.settings.retryMaxDelayMs);
      })
      .finally(() => {
        this.runs.delete(shardId);
        this.requestDiscovery();
      });
  }

  // ---- reading one shard -----------------------------------------------------------------

  private async readShard(run: ShardRun): Promise<void> {
    const { batchSize, batchingWindowMs, pollIntervalMs } = this.settings;
    let iterator = await this.iteratorAfter(run, run.position.sequenceNumber);
    const buffer: DynamoDBRecord[] = [];
    let lastRead: string | undefined;
    let windowStartedAt = 0;

    while (!this.stopping && iterator) {
      const readAt = performance.now();
      let page: GetRecordsCommandOutput;
      try {
        page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (error) {
        // Iterators live 15 minutes; a slow handler can outlive one. Pick up after what we hold.
        if (error instanceof ExpiredIteratorException) {
          iterator = await this.iteratorAfter(run, lastRead ?? run.position.sequenceNumber);
          continue;
        }
        if (error instanceof TrimmedDataAccessException) {
          const after = lastRead ?? run.position.sequenceNumber;
          // Nothing read yet (a first start): nothing was lost, DynamoDB Local just trimmed old records. Otherwise records were.
          if (after === undefined) this.log.info('stream starts after trimmed records; reading from TRIM_HORIZON', { shardId: run.shardId });
          else this.log.error('stream records expired before this consumer read them; continuing from TRIM_HORIZON', { shardId: run.shardId, after });
          iterator = await this.iteratorAfter(run, undefined);
          continue;
        }
        throw error;
      }

      const records = page.Records ?? [];
      for (const raw of records) {
        const record = toLambdaRecord(raw, this.streamArn, this.region);
        lastRead = sequenceOf(record);
        if (this.filter(record)) buffer.push(record);
      }
      if (buffer.length > 0 && windowStartedAt === 0) windowStartedAt = performance.now();
      iterator = page.NextShardIterator;
      const ended = !iterator; // a closed shard read to its end

      while (buffer.length >= batchSize || (buffer.length > 0 && (ended || performance.now() - windowStartedAt >= batchingWindowMs))) {
        if (!(await this.delivery.deliver(run.shardId, buffer.splice(0, batchSize)))) return;
        windowStartedAt = buffer.length > 0 ? performance.now() : 0;
      }
      // Records the filter dropped after the last delivered one are handled too: move past them.
      if (buffer.length === 0 && lastRead !== undefined && lastRead !== run.position.sequenceNumber) await this.advance(run, lastRead);

      if (ended) {
        run.position.finished = true;
        await this.store.save(this.position);
        this.log.info('shard finished', { shardId: run.shardId });
        return;
      }
      if (records.length === 0 && buffer.length === 0) run.idleSince = readAt;
      const wait = buffer.length > 0 ? Math.min(pollIntervalMs, windowStartedAt + batchingWindowMs - performance.now()) : records.length === 0 ? pollIntervalMs : 0;
      if (wait > 0) await this.sleep(wait);
    }
  }

  private async iteratorAfter(run: ShardRun, sequenceNumber: string | undefined): Promise<string | undefined> {
    try {
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: run.shardId,
          ...(sequenceNumber ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: sequenceNumber } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (sequenceNumber && error instanceof TrimmedDataAccessException) {
        this.log.error('checkpoint is older than the stream retention; records after it were lost, continuing from TRIM_HORIZON', { shardId: run.shardId, sequenceNumber });
        return this.iteratorAfter(run, undefined);
      }
      throw error;
    }
  }

  // ---- what the shared delivery loop (shard-delivery.ts) needs from this poller ------------

  private invoke(records: DynamoDBRecord[]): Promise<DynamoDBBatchResponse | void> {
    const context = localLambdaContext(this.options.name, this.region, this.settings.functionTimeoutMs);
    return Promise.resolve(
      this.options.handler({ Records: records }, context, () => {
        this.log.error('callback-style stream handlers are not supported locally; return a promise');
      }),
    );
  }

  private async deadLetter(shardId: string, records: DynamoDBRecord[], attempts: number, error: unknown): Promise<void> {
    const reason = failureReason(error);
    const file = await writeDeadLetter(this.deadLetterDir, DYNAMODB_RECORDS, { consumer: this.options.name, streamArn: this.streamArn, shardId, attempts, reason, records });
    this.log.error('retries exhausted; records sent to the dead-letter dir and skipped', { shardId, records: records.length, file, reason });
  }

  private async advance(run: ShardRun, sequenceNumber: string): Promise<void> {
    run.position.sequenceNumber = sequenceNumber;
    await this.store.save(this.position);
  }

  /** A sleep that stop() (and, for discovery, requestDiscovery()) cuts short. */
  private sleep(ms: number, onWake?: (wake: () => void) => void): Promise<void> {
    return this.signal.sleep(ms, onWake);
  }
}

/** Creates and starts a poller; stop it with `stop()`. */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const poller = new StreamPoller(options);
  await poller.start();
  return poller;
}
