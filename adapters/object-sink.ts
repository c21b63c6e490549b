import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsConfig, LocalConfig, OutreachConfig } from '../config/config.ts';
import type { ObjectSink } from '../core/outreach/ports.ts';
import { LocalDirectoryObjectSink } from './local-object-sink.ts';

/**
 * The assets bucket: S3 when REFTRACK_TARGET=aws, `<data dir>/s3/<bucket>/` locally. The S3
 * client (and the S3 SDK module) is asked for only in AWS, so local runs never build one.
 */
export async function assetsSink(
  cfg: { readonly aws: Pick<AwsConfig, 'REFTRACK_TARGET'>; readonly local: Pick<LocalConfig, 'REFTRACK_DATA_DIR'>; readonly outreach: Pick<OutreachConfig, 'ASSETS_BUCKET'> },
  s3: () => Promise<S3Client>,
): Promise<ObjectSink> {
  const bucket = cfg.outreach.ASSETS_BUCKET;
  if (cfg.aws.REFTRACK_TARGET === 'aws') {
    const { S3ObjectSink } = await import('./s3-object-sink.ts');
    return new S3ObjectSink(await s3(), bucket);
  }
  return new LocalDirectoryObjectSink(join(cfg.local.REFTRACK_DATA_DIR, 's3'), bucket);
}
