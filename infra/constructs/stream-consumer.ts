import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { failedBatchesBucketName, failedBatchesBucketNameInFinding } from '../names.ts';
import { ReftrackFunction } from './reftrack-function.ts';

/**
 * The S3 on-failure destination with only what Lambda needs to write there (PutObject, and
 * ListBucket), instead of the read/write/delete that S3OnFailureDestination grants: a consumer
 * has no business reading or deleting earlier failures.
 */
export class FailedBatchesToS3 implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    targetHandler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('*')] }));
    targetHandler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    return { destination: this.bucket.bucketArn };
  }
}

export interface StreamConsumerProps {
  /** Repository-relative entry file (`streams/aggregate.ts`, `streams/export.ts`). */
  readonly entry: string;
  readonly serviceName: string;
  /** The table whose stream is read (the Events log). */
  readonly table: dynamodb.ITableV2;
  /**
   * Batches Lambda gives up on are written here with their full records (S3 is the only
   * destination that keeps the payload). Referenced by its deterministic name (infra/names.ts).
   */
  readonly failedBatchesBucketPrefix: string;
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 500 records (tune from `npm run bench`) */
  readonly batchSize?: number;
  /** @default 1 second: a click reaches the rollups within ~2 s */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch after bisection has isolated it. With bisect on, a poison record
   * is alone after ~log2(batchSize) splits; 10 leaves room for that plus transient errors.
   * @default 10
   */
  readonly retryAttempts?: number;
  /** A record older than this is sent to the failure destination instead of retried. @default 6 hours */
  readonly maxRecordAge?: Duration;
  /** @default 60 seconds */
  readonly timeout?: Duration;
  readonly logRetention?: logs.RetentionDays;
}

/**
 * One Lambda consumer of the Events stream. INSERTs only (events are append-only; the filter
 * keeps TTL or manual deletes from ever invoking it), partial batch responses, bisect on error,
 * bounded retries and age, one batch per shard at a time (parallelization 1 keeps the per-item
 * order and halves nothing we don't need), and failed batches to S3 with their full records.
 */
export class StreamConsumer extends Construct {
  readonly fn: lambda.IFunction & lambda.Function;
  readonly eventSource: sources.DynamoEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    this.fn = new ReftrackFunction(this, 'Handler', {
      entry: props.entry,
      serviceName: props.serviceName,
      timeout: props.timeout ?? Duration.seconds(60),
      ...(props.environment ? { environment: props.environment } : {}),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    }).fn;
    this.eventSource = new sources.DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 500,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(1),
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 10,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(6),
      parallelizationFactor: 1,
      filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
      onFailure: new FailedBatchesToS3(s3.Bucket.fromBucketName(this, 'FailedBatches', failedBatchesBucketName(props.failedBatchesBucketPrefix))),
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
    });
    this.fn.addEventSource(this.eventSource);
    acknowledge(this, {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${failedBatchesBucketNameInFinding(props.failedBatchesBucketPrefix)}/*]`,
      reason: 'Lambda names each failed-batch object itself (one per batch); PutObject only, on the failed-batches bucket only.',
    });
  }
}
