/**
 * The CLI's composition root: the environment is read once (with the endpoints of the running
 * `npm start` of this data folder as defaults, config/runtime-file.ts), each configuration
 * section is parsed at most once (when a command first needs it, so `reftrack clicks` never asks
 * for outreach settings), each client is built at most once (S3, Firehose and CloudWatch Logs
 * only by the commands that use them, their SDK modules loaded then), and `close()` releases them.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  awsConfig,
  businessConfig,
  conversionConfig,
  exportConfig,
  localConfig,
  logsConfig,
  outreachConfig,
  portalConfig,
  qualificationRules,
  telemetryConfig,
  type AwsConfig,
  type BusinessConfig,
  type ConversionConfig,
  type ExportConfig,
  type LocalConfig,
  type LogsConfig,
  type OutreachConfig,
  type PortalConfig,
} from '../config/config.ts';
import { adoptRunningInstance, type CliTarget } from '../config/runtime-file.ts';
import type { QualificationRules } from '../core/qualification.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';

export interface CliContext {
  /** Which endpoints the CLI talks to and why (for connection errors). */
  readonly target: CliTarget;
  readonly aws: () => AwsConfig;
  readonly business: () => BusinessConfig;
  readonly local: () => LocalConfig;
  readonly outreach: () => OutreachConfig;
  readonly exports: () => ExportConfig;
  readonly conversion: () => ConversionConfig;
  readonly logs: () => LogsConfig;
  readonly portal: () => PortalConfig;
  /** NETWORK_CAP, VELOCITY_PER_MINUTE: payouts, reconcile, verify and replay count as the consumer does. */
  readonly qualification: () => QualificationRules;
  readonly telemetry: () => Telemetry;
  readonly dynamodb: () => DynamoDBClient;
  readonly s3: () => Promise<S3Client>;
  readonly firehose: () => Promise<FirehoseClient>;
  readonly cloudWatchLogs: () => Promise<CloudWatchLogsClient>;
}

interface Once<T> {
  readonly get: () => T;
  readonly made: () => T | undefined;
}

function once<T>(make: () => T): Once<T> {
  let value: T | undefined;
  let done = false;
  return {
    get: () => {
      if (!done) {
        value = make();
        done = true;
      }
      return value as T;
    },
    made: () => value,
  };
}

export function createCliContext(env?: Record<string, string | undefined>): { readonly ctx: CliContext; close(): Promise<void> } {
  const target = adoptRunningInstance(env);
  const aws = once(() => awsConfig(target.env));
  const exports = once(() => exportConfig(target.env));
  const dynamodb = once(() => createDynamoClient(aws.get()));
  const s3 = once(async () => (await import('../adapters/s3-client.ts')).createS3Client(aws.get(), exports.get()));
  const firehose = once(async () => (await import('../adapters/firehose-client.ts')).createFirehoseClient(aws.get(), exports.get()));
  const cloudWatchLogs = once(async () => (await import('../adapters/unrecorded-log-reader.ts')).createLogsClient(aws.get()));
  const ctx: CliContext = {
    target,
    aws: aws.get,
    business: once(() => businessConfig(target.env)).get,
    local: once(() => localConfig(target.env)).get,
    outreach: once(() => outreachConfig(target.env)).get,
    exports: exports.get,
    conversion: once(() => conversionConfig(target.env)).get,
    logs: once(() => logsConfig(target.env)).get,
    portal: once(() => portalConfig(target.env)).get,
    qualification: once(() => qualificationRules(target.env)).get,
    telemetry: once(() => new PowertoolsTelemetry(telemetryConfig(target.env))).get,
    dynamodb: dynamodb.get,
    s3: s3.get,
    firehose: firehose.get,
    cloudWatchLogs: cloudWatchLogs.get,
  };
  return {
    ctx,
    async close() {
      dynamodb.made()?.destroy();
      // A client whose module failed to load was never built: nothing to release.
      for (const client of [s3.made(), firehose.made(), cloudWatchLogs.made()]) (await client?.catch(() => undefined))?.destroy();
    },
  };
}
