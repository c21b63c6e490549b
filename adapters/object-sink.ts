import { join } from 'node:path';
import { awsConfig, localConfig, outreachConfig } from '../config/config.ts';
import type { ObjectSink } from '../core/outreach/ports.ts';
import { LocalDirectoryObjectSink } from './local-object-sink.ts';

/** The assets bucket: S3 when REFTRACK_TARGET=aws, `<data dir>/s3/<bucket>/` locally. */
export async function assetsSink(): Promise<ObjectSink> {
  const bucket = outreachConfig().ASSETS_BUCKET;
  if (awsConfig().REFTRACK_TARGET === 'aws') {
    // Imported only here, so local runs never build an S3 client.
    const { s3, S3ObjectSink } = await import('./s3-object-sink.ts');
    return new S3ObjectSink(s3, bucket);
  }
  return new LocalDirectoryObjectSink(join(localConfig().REFTRACK_DATA_DIR, 's3'), bucket);
}
