import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AnalystDirectory } from './constructs/analyst-directory.ts';
import { ClickExportDelivery } from './constructs/export-delivery.ts';
import { ClickTables } from './constructs/click-tables.ts';
import { PRIVATE_BUCKET, SecureBucket } from './constructs/secure-bucket.ts';
import { DataAccessPolicies } from './constructs/operator-policies.ts';
import { failedBatchesBucketName } from './names.ts';
import { acknowledge } from './nag.ts';

export interface DataStackProps extends StackProps {
  /** Lower-case prefix of physical names (tables, delivery stream, secret, failed-batches bucket). */
  readonly namePrefix: string;
  /** Sign-in domain prefix (settings `signInDomainPrefix`). @default `<namePrefix>-<account id>` */
  readonly signInDomainPrefix?: string;
  /** @default 'provisioned' (one shard) */
  readonly spillStreamMode?: 'provisioned' | 'on-demand';
}

/** Where `reftrack outreach publish` puts QR images and previews; CloudFront serves this prefix as is. */
export const PUBLISHED_ASSETS_PREFIX = 'vendor-referral';

/**
 * Everything that holds data: tables, buckets, the delivery stream and the visitor-hash secret.
 * It changes rarely and is never replaced by a code deployment; AppStack (functions, API,
 * CloudFront) can be destroyed and redeployed without touching a byte of it.
 */
export class DataStack extends Stack {
  readonly events: dynamodb.TableV2;
  readonly state: dynamodb.TableV2;
  /** Finance's click export (Firehose destination). */
  readonly exportBucket: s3.Bucket;
  /** Outreach templates and published QR images (issue 7), and the dashboard's static files. */
  readonly assetsBucket: s3.Bucket;
  /** Full stream batches the consumers gave up on (event source mapping on-failure destination). */
  readonly failedBatchesBucket: s3.Bucket;
  /** Server access logs of every bucket (the App stack's dashboard bucket too). */
  readonly accessLogs: s3.Bucket;
  /** CloudFront standard logs (needs ACLs, so it is the one bucket that is not owner-enforced). */
  readonly cdnLogsBucket: s3.Bucket;
  readonly exportDelivery: firehose.DeliveryStream;
  readonly visitorHashSecret: secretsmanager.Secret;
  /** Signs booking reports (POST /api/v1/conversions); the booking system holds a copy. */
  readonly conversionSecret: secretsmanager.Secret;
  /** Clicks the Events table could not take within the redirect's write budget; drained back into it. */
  readonly spillStream: kinesis.Stream;
  readonly namePrefix: string;
  /** Analysts' accounts and MFA enrolments (stateful, hence here). */
  readonly analysts: AnalystDirectory;
  /** Managed policies for the CLI (analysts, operators) and the deploy-time publisher. */
  readonly policies: DataAccessPolicies;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.namePrefix = props.namePrefix;

    const tables = new ClickTables(this, 'Tables', { tableNamePrefix: props.namePrefix });
    this.events = tables.events;
    this.state = tables.state;

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...PRIVATE_BUCKET,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    this.accessLogs = accessLogs;
    acknowledge(accessLogs, { id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself; logging it into itself would loop.' });

    // Finance's record: every version is kept, so an overwrite or a delete can be undone.
    this.exportBucket = new SecureBucket(this, 'ExportBucket', { accessLogs, accessLogsPrefix: 'export/', versioned: true }).bucket;
    this.assetsBucket = new SecureBucket(this, 'AssetsBucket', { accessLogs, accessLogsPrefix: 'assets/' }).bucket;
    // The distribution (App stack) serves the published QR images and previews through origin
    // access control. Naming its ARN here would make this stack depend on the replaceable one,
    // so the grant is to CloudFront distributions of this account, on the published prefix only.
    this.assetsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontReadsPublishedAssets',
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.assetsBucket.arnForObjects(`${PUBLISHED_ASSETS_PREFIX}/*`)],
        conditions: { StringEquals: { 'AWS:SourceAccount': this.account }, ArnLike: { 'AWS:SourceArn': `arn:${this.partition}:cloudfront::${this.account}:distribution/*` } },
      }),
    );
    this.failedBatchesBucket = new SecureBucket(this, 'FailedBatchesBucket', {
      bucketName: failedBatchesBucketName(props.namePrefix),
      accessLogs,
      accessLogsPrefix: 'failed-batches/',
      // A failed batch is evidence to replay or fix, not a record: keep it long enough to be looked at.
      expireAfter: Duration.days(90),
    }).bucket;

    this.cdnLogsBucket = new s3.Bucket(this, 'CdnLogs', {
      ...PRIVATE_BUCKET,
      // CloudFront standard logging writes with the awslogsdelivery ACL grant, so ACLs must stay on.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'cdn-logs/',
      removalPolicy: RemovalPolicy.RETAIN,
      // CloudFront no longer logs here (its logs hold every guest's IP); what older versions wrote goes within a week.
      lifecycleRules: [{ id: 'expire-cdn-logs', expiration: Duration.days(7) }],
    });

    this.exportDelivery = new ClickExportDelivery(this, 'ClickExport', {
      bucket: this.exportBucket,
      deliveryStreamName: `${props.namePrefix}-click-export`,
    }).deliveryStream;

    // Idle almost always, billed by the hour anyway: one provisioned shard (1,000 records/s, ~$11 a
    // month) by default; on-demand (~$29 a month) for deployments whose bursts are bigger than that.
    // 7 days' retention, like the stream consumers' longest retry horizon, so nothing spilled expires unseen.
    const onDemand = props.spillStreamMode === 'on-demand';
    this.spillStream = new kinesis.Stream(this, 'SpillStream', {
      streamName: `${props.namePrefix}-spill`,
      ...(onDemand ? { streamMode: kinesis.StreamMode.ON_DEMAND } : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: 1 }),
      encryption: kinesis.StreamEncryption.MANAGED,
      retentionPeriod: Duration.days(7),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.visitorHashSecret = new secretsmanager.Secret(this, 'VisitorHashKey', {
      secretName: `${props.namePrefix}/visitor-hash-key`,
      description: 'HMAC key for visitor hashes (unique visitors without storing an IP). Never rotate casually: a new key splits every visitor in two.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.visitorHashSecret, {
      id: 'AwsSolutions-SMG4',
      reason:
        'Automatic rotation would change every visitor hash mid-day and double-count unique visitors and qualified clicks; the key is rotated by hand at a month boundary (README).',
    });

    this.analysts = new AnalystDirectory(this, 'Analysts', { namePrefix: props.namePrefix, ...(props.signInDomainPrefix ? { domainPrefix: props.signInDomainPrefix } : {}) });

    this.policies = new DataAccessPolicies(this, 'Access', {
      events: this.events,
      state: this.state,
      exportBucket: this.exportBucket,
      assetsBucket: this.assetsBucket,
      assetsPrefix: PUBLISHED_ASSETS_PREFIX,
      failedBatchesBucket: this.failedBatchesBucket,
      exportDelivery: this.exportDelivery,
    });

    this.conversionSecret = new secretsmanager.Secret(this, 'ConversionSecret', {
      secretName: `${props.namePrefix}/conversion-signing`,
      description: 'HMAC-SHA256 key the booking system signs POST /api/v1/conversions with (X-Reftrack-Signature).',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.conversionSecret, {
      id: 'AwsSolutions-SMG4',
      reason: 'The booking system holds a copy of the key; rotation is a coordinated hand-over (README: put the new value, update the booking system, redeploy), not a schedule.',
    });

    new CfnOutput(this, 'ConversionSecretArn', { value: this.conversionSecret.secretArn, description: 'The booking system signs reports with this secret (aws secretsmanager get-secret-value)' });
    new CfnOutput(this, 'ExportLocation', { value: `s3://${this.exportBucket.bucketName}/events/`, description: 'Click exports (gzip NDJSON, dt=YYYY-MM-DD partitions)' });
    new CfnOutput(this, 'AssetsBucketName', { value: this.assetsBucket.bucketName });
    new CfnOutput(this, 'FailedBatchesBucketName', { value: this.failedBatchesBucket.bucketName, description: 'Stream batches the consumers gave up on' });
    new CfnOutput(this, 'AnalystUserPoolId', { value: this.analysts.userPool.userPoolId, description: 'Add analysts here (aws cognito-idp admin-create-user, README)' });
    new CfnOutput(this, 'AnalystReadPolicyArn', { value: this.policies.analystRead.managedPolicyArn, description: 'Attach to analysts who run the read-only CLI commands' });
    new CfnOutput(this, 'OperatorPolicyArn', { value: this.policies.operator.managedPolicyArn, description: 'Attach (with AnalystReadPolicyArn) to whoever runs vendors import, outreach publish, recover, exports redrive/rebuild' });
    new CfnOutput(this, 'SignInDomain', { value: this.analysts.signInBaseUrl, description: 'Managed login pages (sign-in, MFA enrolment, sign-out)' });
  }
}
