import { FirehoseClient, type FirehoseClientConfig } from '@aws-sdk/client-firehose';
import type { AwsConfig, ExportConfig } from '../config/config.ts';
import { awsClientConfig, requestHandler } from './aws-client-config.ts';

/**
 * Local and cloud differ only in the endpoint and credentials (from awsClientConfig). The SDK's
 * own retries cover whole-call failures (throttling, 5xx); per-record failures inside a 200
 * answer are the sender's job (FirehoseSender), because the SDK cannot see them.
 */
export function firehoseClientConfig(aws: AwsConfig, cfg: Pick<ExportConfig, 'FIREHOSE_ENDPOINT'>): FirehoseClientConfig {
  return {
    ...awsClientConfig(aws, cfg.FIREHOSE_ENDPOINT),
    maxAttempts: 3,
    // A 4 MiB batch takes a while on a slow link. A call answered after the timeout is retried, so
    // its lines can reach S3 twice: the export is at least once, and readers dedupe on clickId.
    requestHandler: requestHandler({ connectMs: 3_000, requestMs: 20_000, maxSockets: 16 }),
  };
}

/** One per process (per Lambda container), built by its composition root. */
export function createFirehoseClient(aws: AwsConfig, cfg: Pick<ExportConfig, 'FIREHOSE_ENDPOINT'>): FirehoseClient {
  return new FirehoseClient(firehoseClientConfig(aws, cfg));
}
