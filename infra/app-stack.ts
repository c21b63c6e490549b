import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AnalystApi } from './constructs/analyst-api.ts';
import { apiUrl } from './constructs/http-stage.ts';
import { PipelineAlarms } from './constructs/pipeline-alarms.ts';
import { ReferralApi } from './constructs/referral-api.ts';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EdgeParameter } from './constructs/edge-parameter.ts';
import { ReferralDistribution } from './constructs/referral-distribution.ts';
import { StreamConsumer } from './constructs/stream-consumer.ts';
import type { DataStack } from './data-stack.ts';
import type { EdgeParameterNames } from './edge-stack.ts';
import { acknowledge } from './nag.ts';
import type { DeploymentSettings } from './settings.ts';

/** Repository-relative Lambda entry files; each exports `handler`. */
export interface FunctionEntries {
  /** @default `handlers/redirect.ts` */
  readonly redirect?: string;
  /** DynamoDB Streams consumer building the rollups (issue 3). */
  readonly aggregate: string;
  /** DynamoDB Streams consumer feeding Firehose (issue 4). */
  readonly export: string;
  /** Kinesis consumer re-appending spilled clicks. @default `streams/spill-drain.ts` */
  readonly spillDrain?: string;
  /** Analyst API (issue 6). Without it no analyst API, user pool or JWT authorizer is created. */
  readonly api?: string;
}

export interface AppStackProps extends StackProps {
  readonly data: DataStack;
  readonly settings: DeploymentSettings;
  readonly entries: FunctionEntries;
  /** The SSM parameters (us-east-1) the Edge stack publishes. @default no web ACL, no edge fallback */
  readonly edge?: EdgeParameterNames;
}

/**
 * Everything replaceable: functions, event source mappings, the HTTP APIs, CloudFront and the
 * alarms. It holds no data, so a bad deployment is fixed by deploying again.
 */
export class AppStack extends Stack {
  readonly referral: ReferralApi;
  readonly aggregate: StreamConsumer;
  readonly export: StreamConsumer;
  readonly spillDrain: StreamConsumer;
  readonly analyst?: AnalystApi;
  readonly distribution: ReferralDistribution;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { data, settings } = props;
    const logRetention = settings.logRetentionDays as logs.RetentionDays;
    // The business settings, under the variable names config/config.ts reads.
    const business = {
      DESTINATION_URL: settings.destinationUrl,
      FALLBACK_URL: settings.fallbackUrl,
      TIME_ZONE: settings.timeZone,
      UTM_PRESET: settings.utmPreset,
      INTERNAL_CIDRS: settings.internalCidrs.join(','),
    };

    this.referral = new ReferralApi(this, 'Referral', {
      ...(props.entries.redirect ? { entry: props.entries.redirect } : {}),
      events: data.events,
      state: data.state,
      visitorHashSecret: data.visitorHashSecret,
      originVerifySecret: data.originVerifySecret,
      spillStream: data.spillStream,
      environment: business,
      routeThrottle: { rateLimit: settings.throttleRate, burstLimit: settings.throttleBurst },
      logRetention,
    });

    // Batch 500 / window 1 s are starting points: tune them from the aggregate benchmark (npm run bench).
    this.aggregate = new StreamConsumer(this, 'Aggregate', {
      entry: props.entries.aggregate,
      serviceName: 'aggregate',
      source: { table: data.events },
      failedBatchesBucketPrefix: data.namePrefix,
      batchSize: 500,
      logRetention,
      environment: { ...business, EVENTS_TABLE: data.events.tableName, STATE_TABLE: data.state.tableName },
    });
    // Projections and dedupe markers. TransactWriteItems has no IAM action of its own: it is
    // authorized per contained action (Put marker, Update projection, ConditionCheck).
    data.state.grant(this.aggregate.fn, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem');

    // Firehose buffers anyway; a larger batch means fewer PutRecordBatch calls (max 500 records each).
    this.export = new StreamConsumer(this, 'Export', {
      entry: props.entries.export,
      serviceName: 'export',
      source: { table: data.events },
      failedBatchesBucketPrefix: data.namePrefix,
      batchSize: 500,
      logRetention,
      environment: { DELIVERY_STREAM_NAME: data.exportDelivery.deliveryStreamName },
    });
    data.exportDelivery.grant(this.export.fn, 'firehose:PutRecordBatch');

    // Spilled clicks back into the Events table with the same conditional put: present ones are skipped.
    this.spillDrain = new StreamConsumer(this, 'SpillDrain', {
      entry: props.entries.spillDrain ?? 'streams/spill-drain.ts',
      serviceName: 'spill-drain',
      source: { kinesisStream: data.spillStream },
      failedBatchesBucketPrefix: data.namePrefix,
      batchSize: 100,
      // Its one job is to wait out a DynamoDB problem: retry for as long as the stream keeps the record.
      retryAttempts: 10_000,
      maxRecordAge: Duration.days(7),
      logRetention,
      environment: { EVENTS_TABLE: data.events.tableName },
    });
    data.events.grant(this.spillDrain.fn, 'dynamodb:PutItem');


    this.distribution = new ReferralDistribution(this, 'Cdn', {
      api: this.referral.api,
      originSecret: data.originVerifySecret,
      ...(props.edge
        ? {
            webAclArn: new EdgeParameter(this, 'EdgeWebAclArn', { parameterName: props.edge.webAclArn }).value,
            guestFallback: lambda.Version.fromVersionArn(this, 'GuestFallback', new EdgeParameter(this, 'EdgeGuestFallbackArn', { parameterName: props.edge.guestFallbackVersionArn }).value),
          }
        : {}),
      ...(settings.domainName && settings.certificateArn ? { domainName: settings.domainName, certificateArn: settings.certificateArn } : {}),
    });

    const publicHost = settings.domainName ?? this.distribution.distribution.distributionDomainName;
    if (props.entries.api) {
      // Vendor links in API answers point at the public CloudFront host, never a localhost default.
      this.analyst = new AnalystApi(this, 'Analyst', { entry: props.entries.api, state: data.state, environment: { ...business, PUBLIC_BASE_URL: `https://${publicHost}` }, logRetention });
    }

    new PipelineAlarms(this, 'Alarms', {
      redirect: this.referral.redirect,
      referralApi: this.referral.api,
      consumers: [
        { name: 'Aggregate', consumer: this.aggregate },
        { name: 'Export', consumer: this.export },
        { name: 'SpillDrain', consumer: this.spillDrain },
      ],
      exportDelivery: data.exportDelivery,
    });

    new CfnOutput(this, 'ReferralBaseUrl', { value: `https://${publicHost}/ref/`, description: 'Vendor links are <this><vendor code>' });
    new CfnOutput(this, 'DashboardUrl', { value: `https://${publicHost}/`, description: 'CloudFront root; the dashboard itself arrives with issue 7' });
    new CfnOutput(this, 'ReferralApiUrl', { value: apiUrl(this.referral.api), description: 'The HTTP API behind CloudFront (for checks; guests use ReferralBaseUrl)' });
    if (this.analyst) {
      new CfnOutput(this, 'AnalystApiUrl', { value: apiUrl(this.analyst.scriptsApi), description: 'Analyst API for scripts (SigV4 / IAM)' });
      new CfnOutput(this, 'AnalystPeopleApiUrl', { value: apiUrl(this.analyst.peopleApi), description: 'Analyst API for people (Cognito JWT)' });
      new CfnOutput(this, 'AnalystUserPoolId', { value: this.analyst.userPool.userPoolId });
      new CfnOutput(this, 'AnalystUserPoolClientId', { value: this.analyst.userPoolClient.userPoolClientId });
    }
    acknowledge(this, {
      id: 'AwsSolutions-L1',
      reason: 'The project targets nodejs22.x on purpose: all code must also run on Node 20/22 machines, and the runtime is supported.',
    });
  }
}
