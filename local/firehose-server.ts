/**
 * A local Amazon Data Firehose (Direct PUT -> S3) for `npm start` and the tests. This module is
 * its protocol server: the AWS JSON 1.1 protocol on `POST /` (X-Amz-Target Firehose_20150804.*),
 * so the real @aws-sdk/client-firehose and the AWS CLI use it unchanged, with the service's
 * limits and error answers. What it accepts goes to the buffer (firehose-buffer.ts: size and
 * interval hints, journaled before the answer, so no acknowledged record is lost), which
 * flushes to the object writer (firehose-objects.ts: gzip objects under
 * `<dataDir>/s3/<bucket>/dt=<day>/`, partitioned like the deployed stream, EXPORT_DELIVERY).
 */
import type { ExportConfig, LocalConfig } from '../config/config.ts';
import type { Log } from '../core/telemetry.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EXPORT_DELIVERY } from '../adapters/export-settings.ts';
import { FIREHOSE_LIMITS } from '../adapters/firehose-sender.ts';
import { FirehoseBuffer, type BufferingHints } from './firehose-buffer.ts';
import type { JournaledRecord } from './firehose-journal.ts';
import { FirehoseObjectWriter, STREAM_VERSION } from './firehose-objects.ts';

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

/** The Firehose operations on the buffer, request body in, answer body out; errors as the service answers them. */
class FirehoseApi {
  readonly counts = { injectedFailures: 0, malformed: 0 };
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private readonly operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    PutRecordBatch: (body) => this.putRecordBatch(body),
    PutRecord: (body) => this.putRecord(body),
    DescribeDeliveryStream: (body) => this.describe(body),
    ListDeliveryStreams: () => ({ DeliveryStreamNames: this.buffer.streams(), HasMoreDeliveryStreams: false }),
  };

  constructor(
    private readonly buffer: FirehoseBuffer,
    private readonly settings: { readonly bucket: string; readonly hints: BufferingHints; readonly failRate: number; readonly random: () => number },
  ) {}

  /** The operation an X-Amz-Target header names, if it is one of ours. */
  operation(target: string): ((body: Record<string, unknown>) => unknown) | undefined {
    return target.startsWith(TARGET_PREFIX) ? this.operations[target.slice(TARGET_PREFIX.length)] : undefined;
  }

  private streamOf(body: Record<string, unknown>): string {
    const name = body.DeliveryStreamName;
    if (typeof name !== 'string' || !this.buffer.has(name)) {
      throw new FirehoseApiError('ResourceNotFoundException', `Firehose ${String(name)} under account ${ACCOUNT} not found.`);
    }
    return name;
  }

  private injectFailure(): boolean {
    return this.settings.failRate > 0 && this.settings.random() < this.settings.failRate;
  }

  private async putRecordBatch(body: Record<string, unknown>): Promise<unknown> {
    const stream = this.streamOf(body);
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
        this.counts.malformed++;
        return { ErrorCode: 'InvalidArgumentException', ErrorMessage: d };
      }
      if (this.injectFailure()) {
        this.counts.injectedFailures++;
        return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
      }
      accepted.push({ arrival, data: d });
      return { RecordId: recordId() };
    });
    if (accepted.length > 0) await this.buffer.accept(stream, accepted);
    return { FailedPutCount: responses.filter((r) => 'ErrorCode' in r).length, Encrypted: false, RequestResponses: responses };
  }

  private async putRecord(body: Record<string, unknown>): Promise<unknown> {
    const stream = this.streamOf(body);
    const data = decodeData((body.Record as { Data?: unknown } | undefined)?.Data);
    if (typeof data === 'string') {
      this.counts.malformed++;
      throw new FirehoseApiError('InvalidArgumentException', data);
    }
    if (this.injectFailure()) {
      this.counts.injectedFailures++;
      throw new FirehoseApiError('ServiceUnavailableException', 'Slow down.', 503);
    }
    await this.buffer.accept(stream, [{ arrival: Date.now(), data }]);
    return { RecordId: recordId(), Encrypted: false };
  }

  private describe(body: Record<string, unknown>): unknown {
    const stream = this.streamOf(body);
    const { bucket, hints } = this.settings;
    return {
      DeliveryStreamDescription: {
        DeliveryStreamName: stream,
        DeliveryStreamARN: `arn:aws:firehose:local:${ACCOUNT}:deliverystream/${stream}`,
        DeliveryStreamStatus: 'ACTIVE',
        DeliveryStreamType: 'DirectPut',
        VersionId: String(STREAM_VERSION),
        CreateTimestamp: this.createdAt,
        HasMoreDestinations: false,
        Destinations: [
          {
            DestinationId: 'destinationId-000000000001',
            ExtendedS3DestinationDescription: {
              RoleARN: `arn:aws:iam::${ACCOUNT}:role/local-firehose`,
              BucketARN: `arn:aws:s3:::${bucket}`,
              Prefix: EXPORT_DELIVERY.prefix,
              ErrorOutputPrefix: EXPORT_DELIVERY.errorOutputPrefix,
              BufferingHints: { SizeInMBs: Math.max(1, Math.round(hints.sizeBytes / 1024 / 1024)), IntervalInSeconds: Math.round(hints.intervalMs / 1000) },
              CompressionFormat: EXPORT_DELIVERY.compression,
              EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
              DynamicPartitioningConfiguration: { Enabled: true },
            },
          },
        ],
      },
    };
  }
}

/** A record's data, or why it cannot be taken. Buffer.from(base64) is lenient, so check the alphabet first. */
function decodeData(data: unknown): Buffer | string {
  if (typeof data !== 'string') return 'Data must be a base64 string';
  if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return 'Data is not valid base64';
  const bytes = Buffer.from(data, 'base64');
  if (bytes.byteLength > FIREHOSE_LIMITS.bytesPerRecord) return `Record size ${bytes.byteLength} exceeds the limit of ${FIREHOSE_LIMITS.bytesPerRecord} bytes`;
  return bytes;
}

function recordId(): string {
  return randomBytes(28).toString('hex');
}

/** Composes the three parts (object writer, journaled buffer, protocol) and serves the protocol over HTTP. */
export async function startLocalFirehose(opts: LocalFirehoseOptions): Promise<RunningLocalFirehose> {
  const hints: BufferingHints = {
    sizeBytes: opts.bufferingSizeBytes ?? EXPORT_DELIVERY.bufferingSizeMiB * 1024 * 1024,
    intervalMs: opts.bufferingIntervalMs ?? EXPORT_DELIVERY.bufferingIntervalSeconds * 1000,
  };
  const journalDir = join(opts.dataDir, 'firehose');
  const { logger } = opts;
  const objects = new FirehoseObjectWriter(join(opts.dataDir, 's3', opts.bucket), journalDir);
  // Replays what a previous run acknowledged but never wrote, before accepting anything new.
  const buffer = FirehoseBuffer.open(opts.deliveryStreams ?? ['reftrack-clicks'], journalDir, hints, objects, logger);
  const api = new FirehoseApi(buffer, { bucket: opts.bucket, hints, failRate: opts.failRate ?? 0, random: opts.random ?? Math.random });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = api.operation(target);
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
    get stats(): LocalFirehoseStats {
      return { accepted: buffer.accepted, ...api.counts, objectsWritten: objects.objectsWritten };
    },
    flush: () => buffer.flush(),
    stop() {
      stopped ??= (async () => {
        // Stop taking new records first; requests already inside finish (and are journaled) before close resolves.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // A client holding a keep-alive connection open must not keep the process from stopping.
        const force = setTimeout(() => server.closeAllConnections(), 2_000);
        await closed;
        clearTimeout(force);
        await buffer.close();
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
