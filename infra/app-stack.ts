import { CfnOutput, Duration, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Vendor } from '../core/vendor.ts';
import type { Construct } from 'constructs';
import { AnalystApi } from './constructs/analyst-api.ts';
import { ConversionsApi } from './constructs/conversions-api.ts';
import { DashboardSite } from './constructs/dashboard-site.ts';
import { apiDomain, apiUrl } from './constructs/http-stage.ts';
import { AppAccessPolicies } from './constructs/operator-policies.ts';
import { OutreachAssets } from './constructs/outreach-assets.ts';
import { VendorSeed } from './constructs/vendor-seed.ts';
import { PipelineAlarms } from './constructs/pipeline-alarms.ts';
import { ReferralRedirect } from './constructs/referral-redirect.ts';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EdgeParameter } from './constructs/edge-parameter.ts';
import { ReferralDistribution } from './constructs/referral-distribution.ts';
import { StreamConsumer } from './constructs/stream-consumer.ts';
import type { DataStack } from './data-stack.ts';
import type { EdgeOutputs } from './edge-stack.ts';
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
  /** Signed booking reports. @default `handlers/conversions.ts` */
  readonly conversions?: string;
}

export interface AppStackProps extends StackProps {
  readonly data: DataStack;
  readonly settings: DeploymentSettings;
  readonly entries: FunctionEntries;
  /** Loaded into the State table at deploy time (config/vendors.json); existing vendors are never overwritten. */
  readonly vendors: readonly Vendor[];
  /** The SSM parameters (us-east-1) the Edge stack publishes. @default no web ACL, no edge fallback */
  readonly edge?: EdgeOutputs;
}

/**
 * Everything replaceable: functions, event source mappings, the function URL, the HTTP APIs, CloudFront and the
 * alarms. It holds no data, so a bad deployment is fixed by deploying again.
 */
export class AppStack extends Stack {
  readonly referral: ReferralRedirect;
  readonly aggregate: StreamConsumer;
  readonly export: StreamConsumer;
  readonly spillDrain: StreamConsumer;
  readonly analyst?: AnalystApi;
  readonly conversions: ConversionsApi;
  readonly distribution: ReferralDistribution;
  readonly dashboard?: DashboardSite;
  readonly vendorSeed: VendorSeed;
  readonly policies: AppAccessPolicies;
  readonly alarms: PipelineAlarms;

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

    this.referral = new ReferralRedirect(this, 'Referral', {
      ...(props.entries.redirect ? { entry: props.entries.redirect } : {}),
      events: data.events,
      state: data.state,
      visitorHashSecret: data.visitorHashSecret,
      spillStream: data.spillStream,
      environment: business,
      ...(settings.redirectReservedConcurrency !== undefined ? { reservedConcurrency: settings.redirectReservedConcurrency } : {}),
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


    // The distribution's own name is known only once it exists; the sign-in callbacks need it earlier.
    const cdnHost = Lazy.string({ produce: () => this.distribution.distribution.distributionDomainName });
    const publicHost = settings.domainName ?? cdnHost;
    const publicBaseUrl = `https://${publicHost}`;
    // Sign-in works on the CloudFront name from the first deploy, and on the custom domain once DNS points at it.
    const dashboardUrls = [...new Set([`${publicBaseUrl}/`, `https://${cdnHost}/`])];
    const signIn = data.analysts;
    if (props.entries.api) {
      // Vendor links in API answers point at the public host, never a localhost default.
      this.analyst = new AnalystApi(this, 'Analyst', {
        entry: props.entries.api,
        state: data.state,
        environment: { ...business, PUBLIC_BASE_URL: publicBaseUrl },
        logRetention,
        userPool: signIn.userPool,
        dashboardUrls,
      });
      this.dashboard = new DashboardSite(this, 'Dashboard', { accessLogs: data.accessLogs, signInOrigin: signIn.signInBaseUrl, logRetention });
    }
    const outreach = new OutreachAssets(this, 'Outreach', { bucketName: data.assetsBucket.bucketName, bucketRegionalDomainName: data.assetsBucket.bucketRegionalDomainName });

    this.distribution = new ReferralDistribution(this, 'Cdn', {
      redirectUrl: this.referral.url,
      ...(props.edge
        ? {
            webAclArn: new EdgeParameter(this, 'EdgeWebAclArn', { parameterName: props.edge.webAclArn }).value,
            guestFallback: lambda.Version.fromVersionArn(this, 'GuestFallback', new EdgeParameter(this, 'EdgeGuestFallbackArn', { parameterName: props.edge.guestFallbackVersionArn, revision: props.edge.guestFallbackRevision }).value),
          }
        : {}),
      ...(settings.domainName && settings.certificateArn ? { domainName: settings.domainName, certificateArn: settings.certificateArn } : {}),
      ...(this.analyst && this.dashboard
        ? {
            site: {
              defaultBehavior: this.dashboard.behavior,
              behaviors: {
                // Same origin as the page: no CORS. Uncached; with caching disabled the AllViewer
                // policies forward Authorization (the Cognito JWT the API's authorizer checks).
                '/api/*': {
                  origin: new origins.HttpOrigin(apiDomain(this.analyst.peopleApi), { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY, originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2] }),
                  viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                  allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
                  cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
                  originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                  compress: true,
                },
                '/outreach/*': outreach.behavior,
              },
            },
          }
        : { site: { behaviors: { '/outreach/*': outreach.behavior } } }),
    });

    if (this.analyst && this.dashboard) {
      const base = signIn.signInBaseUrl;
      this.dashboard.deploy({
        signIn: {
          kind: 'oidc',
          clientId: this.analyst.userPoolClient.userPoolClientId,
          authorizeUrl: `${base}/oauth2/authorize`,
          tokenUrl: `${base}/oauth2/token`,
          logoutUrl: `${base}/logout?client_id=${this.analyst.userPoolClient.userPoolClientId}&logout_uri=${publicBaseUrl}/`,
          redirectUri: `${publicBaseUrl}/`,
          scopes: ['openid', 'email'],
        },
      });
    }

    this.conversions = new ConversionsApi(this, 'Conversions', {
      ...(props.entries.conversions ? { entry: props.entries.conversions } : {}),
      events: data.events,
      state: data.state,
      conversionSecret: data.conversionSecret,
      environment: business,
      logRetention,
    });


    this.vendorSeed = new VendorSeed(this, 'VendorSeed', {
      state: data.state,
      vendors: props.vendors,
      logRetention,
      assetsBucketName: data.assetsBucket.bucketName,
      publishPolicy: data.policies.publishAssets,
      environment: { ...business, PUBLIC_BASE_URL: publicBaseUrl },
    });

    const topics: sns.ITopic[] = [];
    if (settings.alarmEmail) {
      const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'reftrack alarms', enforceSSL: true });
      topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
      acknowledge(topic, { id: 'AwsSolutions-SNS2', reason: 'Alarm notifications carry alarm names and states only; a KMS key would need a key policy for CloudWatch and costs more than the data is worth.' });
      topics.push(topic);
    }
    if (settings.alarmTopicArn) topics.push(sns.Topic.fromTopicArn(this, 'ExistingAlarmTopic', settings.alarmTopicArn));
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      redirect: this.referral.redirect,
      consumers: [
        { name: 'Aggregate', consumer: this.aggregate },
        { name: 'Export', consumer: this.export },
        { name: 'SpillDrain', consumer: this.spillDrain },
      ],
      exportDelivery: data.exportDelivery,
      topics,
    });

    this.policies = new AppAccessPolicies(this, 'Access', {
      redirectLogGroup: this.referral.redirectLogGroup,
      ...(this.analyst ? { scriptsApi: this.analyst.scriptsApi } : {}),
    });

    const cdnDomain = this.distribution.distribution.distributionDomainName;
    new CfnOutput(this, 'ReferralBaseUrl', { value: `${publicBaseUrl}/ref/`, description: 'Vendor links are <this><vendor code>' });
    new CfnOutput(this, 'DashboardUrl', { value: `${publicBaseUrl}/`, description: 'The dashboard (analysts sign in with Cognito)' });
    new CfnOutput(this, 'DistributionDomainName', { value: cdnDomain, description: settings.domainName ? `Point ${settings.domainName} here (CNAME, or a Route 53 alias to this distribution)` : 'The CloudFront name (set domainName/certificateArn to use your own)' });
    new CfnOutput(this, 'ConversionsUrl', { value: `${apiUrl(this.conversions.api)}api/v1/conversions`, description: 'The booking system POSTs signed booking reports here (README: Bookings and commission)' });
    new CfnOutput(this, 'RedirectFunctionUrl', { value: this.referral.url.url, description: 'The redirect origin behind CloudFront: it answers only CloudFront (OAC), a direct call gets 403; guests use ReferralBaseUrl' });
    new CfnOutput(this, 'RedirectOriginRequestPolicyId', { value: this.distribution.redirectRequests.originRequestPolicyId, description: 'The origin request policy /ref/* needs (README: adding /ref/* to an existing distribution uses it)' });
    new CfnOutput(this, 'RedirectFunctionName', { value: this.referral.redirect.functionName, description: 'The redirect function (README: adding /ref/* to an existing distribution grants it there)' });
    new CfnOutput(this, 'RedirectLogGroup', { value: this.referral.redirectLogGroup.logGroupName, description: 'reftrack recover --from-cloudwatch reads click-unrecorded lines here' });
    new CfnOutput(this, 'RecoverPolicyArn', { value: this.policies.recover.managedPolicyArn, description: 'Attach (with the Data stack OperatorPolicyArn) to whoever runs reftrack recover --from-cloudwatch' });
    // Everything the CLI needs in one line: `export $(aws cloudformation describe-stacks ... CliEnvironment)`.
    new CfnOutput(this, 'CliEnvironment', {
      value: [
        'REFTRACK_TARGET=aws',
        `AWS_REGION=${this.region}`,
        `EVENTS_TABLE=${data.events.tableName}`,
        `STATE_TABLE=${data.state.tableName}`,
        `ASSETS_BUCKET=${data.assetsBucket.bucketName}`,
        `PUBLIC_BASE_URL=${publicBaseUrl}`,
        `DELIVERY_STREAM_NAME=${data.exportDelivery.deliveryStreamName}`,
        `FAILED_BATCHES_BUCKET=${data.failedBatchesBucket.bucketName}`,
        `REDIRECT_LOG_GROUP=${this.referral.redirectLogGroup.logGroupName}`,
      ].join(' '),
      description: 'Environment for the reftrack CLI against this deployment',
    });
    if (this.analyst) {
      new CfnOutput(this, 'AnalystApiUrl', { value: apiUrl(this.analyst.scriptsApi), description: 'Analyst API for scripts (SigV4 / IAM)' });
      new CfnOutput(this, 'AnalystPeopleApiUrl', { value: apiUrl(this.analyst.peopleApi), description: 'Analyst API for people (Cognito JWT; the dashboard reaches it as /api/* on the distribution)' });
      new CfnOutput(this, 'AnalystUserPoolClientId', { value: this.analyst.userPoolClient.userPoolClientId });
      if (this.policies.analystScripts) new CfnOutput(this, 'AnalystScriptsPolicyArn', { value: this.policies.analystScripts.managedPolicyArn, description: 'Attach to roles whose scripts call AnalystApiUrl' });
    }
    acknowledge(this, {
      id: 'AwsSolutions-L1',
      reason: 'The project targets nodejs22.x on purpose: all code must also run on Node 20/22 machines, and the runtime is supported.',
    });
  }
}
