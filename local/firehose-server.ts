/**
 * A local Amazon Data Firehose (Direct PUT -> S3) for `npm start` and the tests. It speaks the
 * AWS JSON 1.1 protocol on `POST /` (X-Amz-Target Firehose_20150804.*), so the real
 * @aws-sdk/client-firehose and the AWS CLI use it unchanged. Records are buffered like Firehose
 * (size and interval hints), partitioned on the record's `day` like the deployed stream
 * (EXPORT_DELIVERY), and written as gzip objects under `<dataDir>/s3/<bucket>/<prefix>`.
 * Acknowledged records are journaled first (see firehose-journal.ts), so none is lost.
 */
import type { ExportConfig, LocalConfig } from '../config/config.ts';
import type { Log } from '../core/telemetry.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXPORT_DELIVERY } from '../adapters/export-settings.ts';
import { FIREHOSE_LIMITS } from '../adapters/firehose-sender.ts';
import { Journal, leftovers, release, type JournaledRecord } from './firehose-journal.ts';
import { evaluatePrefix, objectName, partitionKeys, PartitioningError } from './firehose-prefix.ts';

export interface LocalFirehoseOptions {
  readonly port: number;
  readonly host?: string;
  /** Root of local data (`.data`): objects go to `<dataDir>/s3/<bucket>/`, the journal to `<dataDir>/firehose/`. */
  readonly dataDir: string;
  readonly bucket: string;
  /** Delivery streams that exist; others answer ResourceNotFoundException like the service. */
  readonly deliveryStreams?: readonly string[];
  /** Buffering hints; default EXPORT_DELIVERY's. Tests shrink them. */
  readonly bufferingSizeBytes?: number;
  readonly bufferingIntervalMs?: number;
  /** Fraction of well-formed records answered ServiceUnavailableException (not stored), to exercise retries. */
  readonly failRate?: number;
  readonly random?: () => number;
  readonly logger: Log;
}

export interface LocalFirehoseStats {
  accepted: number;
  injectedFailures: number;
  malformed: number;
  objectsWritten: number;
}

export interface RunningLocalFirehose {
  readonly endpoint: string;
  readonly port: number;
  readonly stats: Readonly<LocalFirehoseStats>;
  /** Writes everything buffered now (the interval hint elapsing early). */
  flush(): Promise<void>;
  /** Stops accepting, writes everything buffered, closes the journal. */
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'Firehose_20150804.';
const ACCOUNT = '000000000000';
const STREAM_VERSION = 1;
/** Error prefix type for records dynamic partitioning could not place. */
const PARTITIONING_FAILED = 'processing-failed';
/** Base64 of a 4 MiB batch plus JSON framing, with room to answer "too big" instead of hanging up. */
const MAX_BODY_BYTES = 12 * 1024 * 1024;

class FirehoseApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface StreamBuffer {
  records: JournaledRecord[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
  readonly journal: Journal;
}

export async function startLocalFirehose(opts: LocalFirehoseOptions): Promise<RunningLocalFirehose> {
  const streamNames = opts.deliveryStreams ?? ['reftrack-clicks'];
  const sizeHint = opts.bufferingSizeBytes ?? EXPORT_DELIVERY.bufferingSizeMiB * 1024 * 1024;
  const intervalMs = opts.bufferingIntervalMs ?? EXPORT_DELIVERY.bufferingIntervalSeconds * 1000;
  const failRate = opts.failRate ?? 0;
  const random = opts.random ?? Math.random;
  const bucketRoot = join(opts.dataDir, 's3', opts.bucket);
  const journalDir = join(opts.dataDir, 'firehose');
  const stats: LocalFirehoseStats = { accepted: 0, injectedFailures: 0, malformed: 0, objectsWritten: 0 };
  const createdAt = Math.floor(Date.now() / 1000);
  const { logger } = opts;

  /** Groups records by the S3 prefix Firehose would evaluate for each, one gzip object per prefix. */
  function writeObjects(stream: string, records: readonly JournaledRecord[]): void {
    const groups = new Map<string, { first: number; parts: Buffer[] }>();
    for (const record of records) {
      const arrival = new Date(record.arrival);
      let prefix: string;
      let body: Buffer;
      try {
        prefix = evaluatePrefix(EXPORT_DELIVERY.prefix, { arrival, partitionKeys: partitionKeys(record.data, EXPORT_DELIVERY.partitionKeyQuery) });
        body = EXPORT_DELIVERY.appendDelimiter ? Buffer.concat([record.data, Buffer.from(EXPORT_DELIVERY.recordDelimiter)]) : record.data;
      } catch (error) {
        if (!(error instanceof PartitioningError)) throw error;
        prefix = evaluatePrefix(EXPORT_DELIVERY.errorOutputPrefix, { arrival, errorOutputType: PARTITIONING_FAILED });
        // The shape Firehose writes for a record it could not deliver, raw data base64-encoded.
        body = Buffer.from(`${JSON.stringify({ attemptsMade: 1, arrivalTimestamp: record.arrival, errorCode: 'DynamicPartitioning.MetadataExtractionFailed', errorMessage: error.message, attemptEndingTimestamp: Date.now(), rawData: record.data.toString('base64') })}\n`);
      }
      const group = groups.get(prefix) ?? { first: record.arrival, parts: [] };
      group.parts.push(body);
      groups.set(prefix, group);
    }
    for (const [prefix, group] of groups) {
      const key = `${prefix}${objectName(stream, STREAM_VERSION, new Date(group.first))}`;
      writeDurably(join(bucketRoot, key), gzipSync(Buffer.concat(group.parts)));
      stats.objectsWritten++;
    }
  }

  /** Temp file + fsync + rename: a reader never sees half an object, and a written object survives a crash. */
  function writeDurably(path: string, bytes: Buffer): void {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = join(journalDir, `.object-${randomUUID()}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  // Replay what a previous run acknowledged but never wrote, before accepting anything new.
  mkdirSync(journalDir, { recursive: true });
  for (const [stream, { files, records }] of leftovers(journalDir)) {
    if (records.length > 0) writeObjects(stream, records);
    for (const file of files) release(file);
    if (records.length > 0) logger.info('local Firehose replayed its journal', { stream, records: records.length });
  }

  const buffers = new Map<string, StreamBuffer>(streamNames.map((name) => [name, { records: [], bytes: 0, timer: undefined, journal: Journal.open(journalDir, name) }]));
  const flushing = new Set<Promise<void>>();

  function flushStream(stream: string): Promise<void> {
    const buffer = buffers.get(stream)!;
    if (buffer.timer) clearTimeout(buffer.timer);
    buffer.timer = undefined;
    if (buffer.records.length === 0) return Promise.resolve();
    const records = buffer.records;
    buffer.records = [];
    buffer.bytes = 0;
    const done = buffer.journal
      .rotate()
      .then((segment) => {
        writeObjects(stream, records);
        release(segment);
      })
      .catch((error: unknown) => {
        // The segment stays on disk and is replayed on the next start: delayed, not lost.
        logger.error('local Firehose could not write objects; kept in its journal', { stream, error });
      })
      .finally(() => flushing.delete(done));
    flushing.add(done);
    return done;
  }

  async function flushAll(): Promise<void> {
    await Promise.all([...buffers.keys()].map(flushStream));
    await Promise.all([...flushing]);
  }

  async function accept(stream: string, records: JournaledRecord[]): Promise<void> {
    const buffer = buffers.get(stream)!;
    await buffer.journal.append(records);
    buffer.records.push(...records);
    for (const r of records) buffer.bytes += r.data.byteLength;
    stats.accepted += records.length;
    if (buffer.bytes >= sizeHint) void flushStream(stream);
    else buffer.timer ??= setTimeout(() => void flushStream(stream), intervalMs);
  }

  function streamOf(body: Record<string, unknown>): string {
    const name = body.DeliveryStreamName;
    if (typeof name !== 'string' || !buffers.has(name)) {
      throw new FirehoseApiError('ResourceNotFoundException', `Firehose ${String(name)} under account ${ACCOUNT} not found.`);
    }
    return name;
  }

  /** A record's data, or why it cannot be taken. Buffer.from(base64) is lenient, so check the alphabet first. */
  function decodeData(data: unknown): Buffer | string {
    if (typeof data !== 'string') return 'Data must be a base64 string';
    if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return 'Data is not valid base64';
    const bytes = Buffer.from(data, 'base64');
    if (bytes.byteLength > FIREHOSE_LIMITS.bytesPerRecord) return `Record size ${bytes.byteLength} exceeds the limit of ${FIREHOSE_LIMITS.bytesPerRecord} bytes`;
    return bytes;
  }

  const injectFailure = () => failRate > 0 && random() < failRate;
  const recordId = () => randomBytes(28).toString('hex');

  async function putRecordBatch(body: Record<string, unknown>): Promise<unknown> {
    const stream = streamOf(body);
    const records = body.Records;
    if (!Array.isArray(records) || records.length < 1 || records.length > FIREHOSE_LIMITS.recordsPerCall) {
      throw new FirehoseApiError('InvalidArgumentException', `Records must hold 1 to ${FIREHOSE_LIMITS.recordsPerCall} records`);
    }
    const decoded = records.map((r: unknown) => decodeData((r as { Data?: unknown } | null)?.Data));
    const total = decoded.reduce((sum, d) => sum + (typeof d === 'string' ? 0 : d.byteLength), 0);
    if (total > FIREHOSE_LIMITS.bytesPerCall) throw new FirehoseApiError('InvalidArgumentException', `batch of ${total} bytes exceeds ${FIREHOSE_LIMITS.bytesPerCall}`);

    const arrival = Date.now();
    const accepted: JournaledRecord[] = [];
    const responses = decoded.map((d) => {
      if (typeof d === 'string') {
        stats.malformed++;
        return { ErrorCode: 'InvalidArgumentException', ErrorMessage: d };
      }
      if (injectFailure()) {
        stats.injectedFailures++;
        return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
      }
      accepted.push({ arrival, data: d });
      return { RecordId: recordId() };
    });
    if (accepted.length > 0) await accept(stream, accepted);
    return { FailedPutCount: responses.filter((r) => 'ErrorCode' in r).length, Encrypted: false, RequestResponses: responses };
  }

  async function putRecord(body: Record<string, unknown>): Promise<unknown> {
    const stream = streamOf(body);
    const data = decodeData((body.Record as { Data?: unknown } | undefined)?.Data);
    if (typeof data === 'string') {
      stats.malformed++;
      throw new FirehoseApiError('InvalidArgumentException', data);
    }
    if (injectFailure()) {
      stats.injectedFailures++;
      throw new FirehoseApiError('ServiceUnavailableException', 'Slow down.', 503);
    }
    await accept(stream, [{ arrival: Date.now(), data }]);
    return { RecordId: recordId(), Encrypted: false };
  }

  function describe(body: Record<string, unknown>): unknown {
    const stream = streamOf(body);
    return {
      DeliveryStreamDescription: {
        DeliveryStreamName: stream,
        DeliveryStreamARN: `arn:aws:firehose:local:${ACCOUNT}:deliverystream/${stream}`,
        DeliveryStreamStatus: 'ACTIVE',
        DeliveryStreamType: 'DirectPut',
        VersionId: String(STREAM_VERSION),
        CreateTimestamp: createdAt,
        HasMoreDestinations: false,
        Destinations: [
          {
            DestinationId: 'destinationId-000000000001',
            ExtendedS3DestinationDescription: {
              RoleARN: `arn:aws:iam::${ACCOUNT}:role/local-firehose`,
              BucketARN: `arn:aws:s3:::${opts.bucket}`,
              Prefix: EXPORT_DELIVERY.prefix,
              ErrorOutputPrefix: EXPORT_DELIVERY.errorOutputPrefix,
              BufferingHints: { SizeInMBs: Math.max(1, Math.round(sizeHint / 1024 / 1024)), IntervalInSeconds: Math.round(intervalMs / 1000) },
              CompressionFormat: EXPORT_DELIVERY.compression,
              EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
              DynamicPartitioningConfiguration: { Enabled: true },
            },
          },
        ],
      },
    };
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    PutRecordBatch: putRecordBatch,
    PutRecord: putRecord,
    DescribeDeliveryStream: describe,
    ListDeliveryStreams: () => ({ DeliveryStreamNames: [...buffers.keys()], HasMoreDeliveryStreams: false }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/') throw new FirehoseApiError('UnknownOperationException', 'POST / only', 404);
    if (!operation) throw new FirehoseApiError('UnknownOperationException', `unknown operation "${target}"`);
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.byteLength === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      throw new FirehoseApiError('SerializationException', 'request body is not JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new FirehoseApiError('SerializationException', 'request body must be a JSON object');
    reply(res, 200, await operation(body as Record<string, unknown>));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof FirehoseApiError) return reply(res, error.status, { __type: error.type, message: error.message });
      logger.error('local Firehose request failed', { error });
      reply(res, 500, { __type: 'ServiceUnavailableException', message: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stats,
    flush: flushAll,
    stop() {
      stopped ??= (async () => {
        // Stop taking new records first; requests already inside finish (and are journaled) before close resolves.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // A client holding a keep-alive connection open must not keep the process from stopping.
        const force = setTimeout(() => server.closeAllConnections(), 2_000);
        await closed;
        clearTimeout(force);
        await flushAll();
        for (const buffer of buffers.values()) await buffer.journal.close();
      })();
      return stopped;
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new FirehoseApiError('InvalidArgumentException', `request body exceeds ${MAX_BODY_BYTES} bytes`, 413));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(json), 'x-amzn-RequestId': randomUUID() });
  res.end(json);
}

/** The local Firehose as the configuration describes it (npm start and `local/firehose-main.ts` share this). */
export function configuredLocalFirehose(cfg: ExportConfig, local: Pick<LocalConfig, 'REFTRACK_DATA_DIR'>): Omit<LocalFirehoseOptions, 'logger'> {
  return {
    port: Number(new URL(cfg.FIREHOSE_ENDPOINT).port),
    dataDir: local.REFTRACK_DATA_DIR,
    bucket: cfg.EXPORT_BUCKET,
    deliveryStreams: [cfg.DELIVERY_STREAM_NAME],
    failRate: cfg.LOCAL_FIREHOSE_FAIL_RATE,
    ...(cfg.LOCAL_FIREHOSE_INTERVAL_SECONDS !== undefined ? { bufferingIntervalMs: cfg.LOCAL_FIREHOSE_INTERVAL_SECONDS * 1000 } : {}),
  };
}
