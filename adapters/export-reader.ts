/**
 * Reads the click export back, from the local object tree (`.data/s3/<bucket>`) or from S3:
 * every line of every object in the `dt=` partitions of a day range, plus what was wrong
 * with the lines that could not be read (file and line), plus each object's identity (ETag
 * for S3, SHA-256 always) so a report can say exactly which objects it was built from.
 * A damaged object never stops the read: the readable part is used and the damage reported.
 * Lines are NOT deduped here; callers apply the dedupe rule (core/export-record.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { daysBetween, type BusinessDay } from '../core/business-day.ts';
import { ValidationError } from '../core/errors.ts';
import { conversionEventOf, parseConversionExportRecord } from '../core/conversion-export.ts';
import { parseExportLine, type ExportRecord } from '../core/export-record.ts';
import type { ExportedConversion } from '../core/finance/commission.ts';
import { storeError } from './dynamodb-errors.ts';
import { EXPORT_DELIVERY } from './export-settings.ts';

export type ExportSource = { readonly kind: 'dir'; readonly root: string } | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

export interface ExportObject {
  /** Key relative to the bucket (S3) or to the root directory (local), `/`-separated. */
  readonly key: string;
  readonly day: BusinessDay;
  readonly size: number;
  readonly lastModified: Date | undefined;
  /** S3's ETag, without quotes; undefined for local files. */
  readonly etag?: string | undefined;
}

export interface ReadObject extends ExportObject {
  readonly sha256: string;
  /** Valid lines read from it. */
  readonly records: number;
}

export interface ExportLineProblem {
  readonly key: string;
  /** 1-based line in the decompressed object; absent for a problem with the whole object. */
  readonly line?: number;
  readonly message: string;
}

export interface ExportRead {
  readonly records: ExportRecord[];
  /** Conversion lines (`type: "conversion"`), each with the key of the object it was read from. */
  readonly conversions: ExportedConversion[];
  readonly problems: ExportLineProblem[];
  readonly objects: ReadObject[];
}

/** `s3://bucket[/prefix]` or a directory holding the bucket's objects. */
export function parseExportSource(raw: string): ExportSource {
  if (!raw.startsWith('s3://')) return { kind: 'dir', root: raw };
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(raw);
  if (!match) throw new ValidationError(`"${raw.slice(0, 80)}" is not s3://bucket[/prefix]`);
  const prefix = (match[2] ?? '').replace(/^\/+/, '');
  return { kind: 's3', bucket: match[1]!, prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}

export function describeSource(source: ExportSource): string {
  return source.kind === 'dir' ? source.root : `s3://${source.bucket}/${source.prefix}`;
}

/** The partition prefix of one business day, from the same template the delivery stream uses. */
export function partitionPrefix(day: BusinessDay): string {
  return EXPORT_DELIVERY.prefix.replace('!{partitionKeyFromQuery:day}', day);
}

export class ExportReader {
  constructor(private readonly s3: S3Client) {}

  /** The export objects of every day from `from` to `to`, oldest day first, by key within a day. */
  async list(source: ExportSource, from: BusinessDay, to: BusinessDay): Promise<ExportObject[]> {
    const objects: ExportObject[] = [];
    for (const day of daysBetween(from, to)) objects.push(...(await this.listDay(source, day)));
    return objects;
  }

  async read(source: ExportSource, from: BusinessDay, to: BusinessDay): Promise<ExportRead> {
    const result: ExportRead = { records: [], conversions: [], problems: [], objects: [] };
    for (const object of await this.list(source, from, to)) {
      const bytes = await this.fetch(source, object);
      const before = result.records.length + result.conversions.length;
      readObject(object, bytes, result);
      result.objects.push({ ...object, sha256: createHash('sha256').update(bytes).digest('hex'), records: result.records.length + result.conversions.length - before });
    }
    return result;
  }

  private async listDay(source: ExportSource, day: BusinessDay): Promise<ExportObject[]> {
    const prefix = partitionPrefix(day);
    if (source.kind === 'dir') {
      let names: string[];
      try {
        names = readdirSync(join(source.root, prefix));
      } catch {
        return []; // no partition for that day
      }
      return names
        .filter((n) => n.endsWith('.gz'))
        .sort()
        .map((name) => {
          const stat = statSync(join(source.root, prefix, name));
          return { key: `${prefix}${name}`, day, size: stat.size, lastModified: stat.mtime };
        });
    }
    const objects: ExportObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.s3.send(new ListObjectsV2Command({ Bucket: source.bucket, Prefix: `${source.prefix}${prefix}`, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          if (o.Key) objects.push({ key: o.Key, day, size: o.Size ?? 0, lastModified: o.LastModified, etag: o.ETag?.replaceAll('"', '') });
        }
        token = page.NextContinuationToken;
      } while (token);
    } catch (error) {
      throw storeError(`list s3://${source.bucket}/${source.prefix}${prefix}`, error);
    }
    return objects.sort((a, b) => a.key.localeCompare(b.key));
  }

  private async fetch(source: ExportSource, object: ExportObject): Promise<Uint8Array> {
    if (source.kind === 'dir') return readFileSync(join(source.root, object.key));
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: object.key }));
      return await answer.Body!.transformToByteArray();
    } catch (error) {
      throw storeError(`get s3://${source.bucket}/${object.key}`, error);
    }
  }
}

/** Decompresses one object and parses its lines into `into`, reporting what cannot be read. */
export function readObject(object: Pick<ExportObject, 'key' | 'day'>, bytes: Uint8Array, into: Pick<ExportRead, 'records' | 'problems'> & Partial<Pick<ExportRead, 'conversions'>>): void {
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch (error) {
    into.problems.push({ key: object.key, message: `damaged gzip (${(error as Error).message}); read what could be decompressed` });
    try {
      // Z_SYNC_FLUSH returns what decompresses instead of failing at the truncation point.
      text = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    } catch {
      return;
    }
  }
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return; // tolerates a doubled delimiter and the final newline
    try {
      // Unescaped, this text can only be the line's own `type` field (inside a string it would read \").
      if (line.includes('"type":"conversion"')) {
        const conversion = conversionEventOf(parseConversionExportRecord(JSON.parse(line)));
        if (conversion.day !== object.day) into.problems.push({ key: object.key, line: index + 1, message: `conversion ${conversion.conversionId} has day ${conversion.day} but is in partition dt=${object.day}` });
        into.conversions?.push({ event: conversion, source: object.key });
        return;
      }
      const record = parseExportLine(line);
      if (record.day !== object.day) into.problems.push({ key: object.key, line: index + 1, message: `record ${record.clickId} has day ${record.day} but is in partition dt=${object.day}` });
      into.records.push(record);
    } catch (error) {
      into.problems.push({ key: object.key, line: index + 1, message: (error as Error).message });
    }
  });
}
