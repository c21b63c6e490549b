/**
 * The CLI's composition root: each configuration section is parsed at most once (when a command
 * first needs it, so `reftrack clicks` never asks for outreach settings), each client is built at
 * most once (S3 only by commands that read or write it), and `close()` releases them all.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { awsConfig, businessConfig, exportConfig, localConfig, outreachConfig, type AwsConfig, type BusinessConfig, type ExportConfig, type LocalConfig, type OutreachConfig } from '../config/config.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { createS3Client } from '../adapters/s3-client.ts';

export interface CliContext {
  readonly aws: () => AwsConfig;
  readonly business: () => BusinessConfig;
  readonly local: () => LocalConfig;
  readonly outreach: () => OutreachConfig;
  readonly exports: () => ExportConfig;
  readonly dynamodb: () => DynamoDBClient;
  readonly s3: () => S3Client;
}

function once<T>(make: () => T): { get: () => T; made: () => T | undefined } {
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

export function createCliContext(): { readonly ctx: CliContext; close(): void } {
  const aws = once(() => awsConfig());
  const exports = once(() => exportConfig());
  const dynamodb = once(() => createDynamoClient(aws.get()));
  const s3 = once(() => createS3Client(aws.get(), exports.get()));
  const ctx: CliContext = {
    aws: aws.get,
    business: once(() => businessConfig()).get,
    local: once(() => localConfig()).get,
    outreach: once(() => outreachConfig()).get,
    exports: exports.get,
    dynamodb: dynamodb.get,
    s3: s3.get,
  };
  return {
    ctx,
    close() {
      dynamodb.made()?.destroy();
      s3.made()?.destroy();
    },
  };
}
