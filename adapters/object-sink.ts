import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsConfig, LocalConfig, OutreachConfig } from '../config/config.ts';
import type { ObjectSink } from '../core/outreach/ports.ts';
import { LocalDirectoryObjectSink } from './local-object-sink.ts';
import { S3ObjectSink } from './s3-object-sink.ts';

/**
 * The assets bucket: S3 when REFTRACK_TARGET=aws, `<data dir>/s3/<bucket>/` locally. The S3
 * client is asked for only in AWS, so local runs never build one.
 */
export function assetsSink(
  cfg: { readonly aws: Pick<AwsConfig, 'REFTRACK_TARGET'>; readonly local: Pick<LocalConfig, 'REFTRACK_DATA_DIR'>; readonly outreach: Pick<OutreachConfig, 'ASSETS_BUCKET'> },
  s3: () => S3Client,
): ObjectSink {
  const bucket = cfg.outreach.ASSETS_BUCKET;
  if (cfg.aws.REFTRACK_TARGET === 'aws') return new S3ObjectSink(s3(), bucket);
  return new LocalDirectoryObjectSink(join(cfg.local.REFTRACK_DATA_DIR, 's3'), bucket);
}
