import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { awsConfig, exportConfig, type AwsConfig, type ExportConfig } from '../config/config.ts';

/**
 * S3 is only read (exports). There is no local S3: locally the exports are files, so this
 * client always uses the SDK's default credential chain, with an S3-compatible endpoint
 * (path-style) only when S3_ENDPOINT is set.
 */
export function s3ClientConfig(aws: AwsConfig, cfg: Pick<ExportConfig, 'S3_ENDPOINT'>): S3ClientConfig {
  return { region: aws.AWS_REGION, ...(cfg.S3_ENDPOINT ? { endpoint: cfg.S3_ENDPOINT, forcePathStyle: true } : {}) };
}

/** Created once per process. */
export const s3 = new S3Client(s3ClientConfig(awsConfig(), exportConfig()));
