import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectSink } from '../core/outreach/ports.ts';
import { StoreUnavailableError } from '../core/errors.ts';

/** Writes to the assets bucket (REFTRACK_TARGET=aws; locally the directory sink stands in). Published templates are re-rendered often: short cache life. */
export class S3ObjectSink implements ObjectSink {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: 'max-age=300' }));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      throw new StoreUnavailableError(`upload s3://${this.bucket}/${key} failed (${name})`, { cause: error });
    }
  }

  describe(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }
}
