/**
 * Reads the batches the stream consumers gave up on: the event source mapping's S3 on-failure
 * records in AWS (one JSON object per batch, with the records as `payload`), or the local
 * stand-in's files under `<data dir>/dlq/` (local/dead-letter.ts writes the same shape).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBRecord } from 'aws-lambda';
import { ValidationError } from '../core/errors.ts';
import { storeError } from './dynamodb-errors.ts';

export type FailedBatchSource = { readonly kind: 'dir'; readonly root: string } | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

export interface FailedBatch {
  /** The object key or file name, for messages. */
  readonly key: string;
  /** The stream records of the batch (DynamoDB stream records; Kinesis ones are not ours to export). */
  readonly records: readonly DynamoDBRecord[];
}

export interface FailedBatchProblem {
  readonly key: string;
  readonly message: string;
}

export function parseFailedBatchSource(raw: string): FailedBatchSource {
  if (!raw.startsWith('s3://')) return { kind: 'dir', root: raw };
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(raw);
  if (!match) throw new ValidationError(`"${raw.slice(0, 80)}" is not s3://bucket[/prefix]`);
  return { kind: 's3', bucket: match[1]!, prefix: match[2] ?? '' };
}

/** One failure record -> its stream records. `payload` is the invocation's event (an object, or its JSON text). */
export function recordsOfFailureRecord(text: string): DynamoDBRecord[] {
  const parsed = JSON.parse(text) as { payload?: unknown };
  const payload = typeof parsed.payload === 'string' ? (JSON.parse(parsed.payload) as unknown) : parsed.payload;
  const records = (payload as { Records?: unknown } | undefined)?.Records;
  if (!Array.isArray(records)) throw new ValidationError('no payload.Records (not an event source mapping failure record)');
  return records.filter((r): r is DynamoDBRecord => typeof r === 'object' && r !== null && (r as { eventSource?: unknown }).eventSource === 'aws:dynamodb');
}

export class FailedBatchReader {
  constructor(private readonly s3: S3Client) {}

  /** Every failure record under the source, oldest key first; unreadable ones are reported, not thrown. */
  async read(source: FailedBatchSource): Promise<{ batches: FailedBatch[]; problems: FailedBatchProblem[] }> {
    const batches: FailedBatch[] = [];
    const problems: FailedBatchProblem[] = [];
    for (const { key, text } of await this.objects(source)) {
      try {
        batches.push({ key, records: recordsOfFailureRecord(text) });
      } catch (error) {
        problems.push({ key, message: error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message });
      }
    }
    return { batches, problems };
  }

  private async objects(source: FailedBatchSource): Promise<Array<{ key: string; text: string }>> {
    if (source.kind === 'dir') {
      let names: string[];
      try {
        // One directory per consumer locally (dlq/aggregate/, dlq/export/...).
        names = (await readdir(source.root, { recursive: true })).filter((n) => n.endsWith('.json')).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return Promise.all(names.map(async (name) => ({ key: name, text: await readFile(join(source.root, name), 'utf8') })));
    }
    const keys: string[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client: this.s3 }, { Bucket: source.bucket, Prefix: source.prefix })) {
        for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) keys.push(o.Key);
      }
    } catch (error) {
      throw storeError(`list s3://${source.bucket}/${source.prefix}`, error);
    }
    const out: Array<{ key: string; text: string }> = [];
    for (const key of keys.sort()) {
      try {
        const res = await this.s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: key }));
        out.push({ key, text: (await res.Body?.transformToString('utf8')) ?? '' });
      } catch (error) {
        throw storeError(`get s3://${source.bucket}/${key}`, error);
      }
    }
    return out;
  }
}
