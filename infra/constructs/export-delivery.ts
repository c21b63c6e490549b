import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXPORT_DELIVERY } from '../../adapters/export-settings.ts';
import { acknowledge, arnInFinding } from '../nag.ts';

export interface ClickExportDeliveryProps {
  /** Where the NDJSON objects land (`events/dt=YYYY-MM-DD/`) and failed records go (`errors/`). */
  readonly bucket: s3.Bucket;
  /** @default `reftrack-click-export` */
  readonly deliveryStreamName?: string;
  /** How long Firehose's own error log is kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Firehose Direct PUT -> S3, partitioned by the record's business `day` (not arrival time),
 * with every setting taken from adapters/export-settings.ts so the local Firehose writes the
 * same layout. No AppendDelimiterToRecord processor: the export consumer already ends each
 * record with `\n` (EXPORT_DELIVERY.recordDelimiter), and a second delimiter would put an
 * empty line between records.
 */
export class ClickExportDelivery extends Construct {
  readonly deliveryStream: firehose.DeliveryStream;

  constructor(scope: Construct, id: string, props: ClickExportDeliveryProps) {
    super(scope, id);
    const errorLog = new logs.LogGroup(this, 'DeliveryErrors', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    // The L2 destination calls bucket.grantReadWrite on its role (DeleteObject*, object-lock
    // retention/legal hold...). Finance's record must not be deletable by the writer, so the
    // stream gets a role that ignores those grants and only the S3 actions Firehose documents
    // for delivery, plus writing to its own error log.
    const role = new iam.Role(this, 'DeliveryRole', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }) });
    const policy = new iam.Policy(this, 'DeliveryPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({ actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [props.bucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], resources: [props.bucket.arnForObjects('*')] }),
        new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [`${errorLog.logGroupArn}`] }),
      ],
    });
    this.deliveryStream = new firehose.DeliveryStream(this, 'Stream', {
      deliveryStreamName: props.deliveryStreamName ?? 'reftrack-click-export',
      encryption: firehose.StreamEncryption.awsOwnedKey(),
      destination: new firehose.S3Bucket(props.bucket, {
        role: role.withoutPolicyUpdates(),
        dataOutputPrefix: EXPORT_DELIVERY.prefix,
        errorOutputPrefix: EXPORT_DELIVERY.errorOutputPrefix,
        compression: firehose.Compression.of(EXPORT_DELIVERY.compression),
        bufferingSize: Size.mebibytes(EXPORT_DELIVERY.bufferingSizeMiB),
        bufferingInterval: Duration.seconds(EXPORT_DELIVERY.bufferingIntervalSeconds),
        dynamicPartitioning: { enabled: true, retryDuration: Duration.minutes(5) },
        processors: [firehose.MetadataExtractionProcessor.jq16(EXPORT_DELIVERY.partitionKeyQuery)],
        loggingConfig: new firehose.EnableLogging(errorLog),
      }),
    });
    // Firehose checks its role's permissions when the stream is created.
    this.deliveryStream.node.addDependency(policy);
    // The L2 adds a CIDR-block mapping (for Redshift/Splunk destinations) that S3 delivery never reads.
    acknowledge(Stack.of(this), { id: 'CloudFormation-Validate::W7001', reason: 'Unused Firehose CIDR mapping emitted by the CDK L2; harmless for an S3 destination.' });
    acknowledge(policy, {
      id: `AwsSolutions-IAM5[Resource::${arnInFinding(props.bucket)}/*]`,
      reason: 'Firehose names each delivered object itself (dt= partitions, generated names); read/put/abort on this bucket only, never delete.',
    });
  }
}
