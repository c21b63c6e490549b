/**
 * Published vendor statements, where `reftrack portal publish` puts them in the assets bucket:
 * `vendor-referral/statements/<vendor>/<YYYY-MM>.html`. The vendor page lists and shows them.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { StoreUnavailableError } from '../core/errors.ts';
import type { StatementShelf } from '../core/ports.ts';
import { LocalDirectoryObjectSink } from './local-object-sink.ts';

export function statementKey(vendor: string, month: string): string {
  return `vendor-referral/statements/${vendor}/${month}.html`;
}

const MONTH_FILE = /^(\d{4}-(?:0[1-9]|1[0-2]))\.html$/;

/** The bucket as a directory (`npm start`): `<data dir>/s3/<bucket>/...`. */
export class LocalStatementShelf implements StatementShelf {
  private readonly dir: LocalDirectoryObjectSink;
  constructor(root: string, bucket: string) {
    this.dir = new LocalDirectoryObjectSink(root, bucket);
  }

  async months(vendor: string): Promise<string[]> {
    try {
      const names = await readdir(this.dir.pathOf(`vendor-referral/statements/${vendor}`));
      return names.flatMap((n) => MONTH_FILE.exec(n)?.[1] ?? []);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StoreUnavailableError('read published statements', { cause: error });
    }
  }

  async get(vendor: string, month: string): Promise<string | undefined> {
    try {
      return await readFile(this.dir.pathOf(statementKey(vendor, month)), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreUnavailableError('read a published statement', { cause: error });
    }
  }
}

/** The assets bucket in AWS. */
export class S3StatementShelf implements StatementShelf {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async months(vendor: string): Promise<string[]> {
    // The S3 SDK is loaded only where statements are read from S3 (not by the CLI or local runs).
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    try {
      const out = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `vendor-referral/statements/${vendor}/` }));
      return (out.Contents ?? []).flatMap((o) => MONTH_FILE.exec(o.Key?.split('/').pop() ?? '')?.[1] ?? []);
    } catch (error) {
      throw new StoreUnavailableError(`list s3://${this.bucket}/vendor-referral/statements/${vendor}/`, { cause: error });
    }
  }

  async get(vendor: string, month: string): Promise<string | undefined> {
    const { GetObjectCommand, NoSuchKey } = await import('@aws-sdk/client-s3');
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: statementKey(vendor, month) }));
      return await out.Body?.transformToString('utf-8');
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw new StoreUnavailableError(`read s3://${this.bucket}/${statementKey(vendor, month)}`, { cause: error });
    }
  }
}
