import { Duration, Size, Stack } from 'aws-cdk-lib';
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
    this.deliveryStream = new firehose.DeliveryStream(this, 'Stream', {
      deliveryStreamName: props.deliveryStreamName ?? 'reftrack-click-export',
      encryption: firehose.StreamEncryption.awsOwnedKey(),
      destination: new firehose.S3Bucket(props.bucket, {
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
    // The L2 S3 destination grants its role read/write on the bucket; Firehose documents
    // GetObject/PutObject/AbortMultipartUpload/ListBucket* for S3 delivery. Scoped to this bucket.
    const role = this.deliveryStream.node.findAll().find((c) => c.node.id === 'S3 Destination Role');
    const reason = 'Firehose S3 delivery role (CDK L2 grant), limited to the export bucket: Firehose writes multipart objects and lists/aborts its uploads.';
    // The L2 adds a CIDR-block mapping (for Redshift/Splunk destinations) that S3 delivery never reads.
    acknowledge(Stack.of(this), { id: 'CloudFormation-Validate::W7001', reason: 'Unused Firehose CIDR mapping emitted by the CDK L2; harmless for an S3 destination.' });
    acknowledge(
      role ?? this,
      ...['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*', `Resource::${arnInFinding(props.bucket)}/*`].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason,
      })),
    );
  }
}
