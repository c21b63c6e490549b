/**
 * The local Firehose's S3 side: turns a flushed buffer into gzip objects under
 * `<dataDir>/s3/<bucket>/`, one object per S3 prefix Firehose would evaluate for its records
 * (EXPORT_DELIVERY: `dt=<day>/` partitions on the record's `day`, the error prefix for records
 * dynamic partitioning cannot place), each written durably (temp file + fsync + rename).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXPORT_DELIVERY } from '../adapters/export-settings.ts';
import type { JournaledRecord } from './firehose-journal.ts';
import { evaluatePrefix, objectName, partitionKeys, PartitioningError } from './firehose-prefix.ts';

/** The delivery stream's version, part of every object name (Firehose starts at 1). */
export const STREAM_VERSION = 1;
/** Error prefix type for records dynamic partitioning could not place. */
const PARTITIONING_FAILED = 'processing-failed';

export class FirehoseObjectWriter {
  private written = 0;

  /**
   * @param bucketRoot `<dataDir>/s3/<bucket>`: where objects go.
   * @param tempDir a directory on the same file system, for the temp files renamed into place.
   */
  constructor(
    private readonly bucketRoot: string,
    private readonly tempDir: string,
  ) {}

  /** Objects written since start. */
  get objectsWritten(): number {
    return this.written;
  }

  /** Groups records by the S3 prefix Firehose would evaluate for each, one gzip object per prefix. */
  write(stream: string, records: readonly JournaledRecord[]): void {
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
      this.writeDurably(join(this.bucketRoot, key), gzipSync(Buffer.concat(group.parts)));
      this.written++;
    }
  }

  /** Temp file + fsync + rename: a reader never sees half an object, and a written object survives a crash. */
  private writeDurably(path: string, bytes: Buffer): void {
    mkdirSync(dirname(path), { recursive: true });
    mkdirSync(this.tempDir, { recursive: true });
    const tmp = join(this.tempDir, `.object-${randomUUID()}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }
}
