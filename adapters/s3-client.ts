import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { AwsConfig, ExportConfig } from '../config/config.ts';

/**
 * S3 holds the exports (read by the CLI) and the published outreach assets. There is no local
 * S3: locally both are files, so this client always uses the SDK's default credential chain,
 * with an S3-compatible endpoint (path-style) only when S3_ENDPOINT is set.
 */
export function s3ClientConfig(aws: AwsConfig, cfg: Pick<ExportConfig, 'S3_ENDPOINT'>): S3ClientConfig {
  return { region: aws.AWS_REGION, ...(cfg.S3_ENDPOINT ? { endpoint: cfg.S3_ENDPOINT, forcePathStyle: true } : {}) };
}

/** One per process, built by its composition root (the CLI builds it only when a command reads or writes S3). */
export function createS3Client(aws: AwsConfig, cfg: Pick<ExportConfig, 'S3_ENDPOINT'>): S3Client {
  return new S3Client(s3ClientConfig(aws, cfg));
}
