import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_DELIVERY } from '../../adapters/export-settings.ts';
import { guestFallbackRevision } from '../../infra/constructs/guest-fallback-edge.ts';
import { actionsOf, buildTestApp, statementsOf } from './build.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const json = (value: unknown) => JSON.stringify(value);

let built: ReturnType<typeof buildTestApp>;
beforeAll(() => {
  built = buildTestApp({ redirectReservedConcurrency: '50', internalCidrs: '203.0.113.0/24, 2001:db8::/32', timeZone: 'America/New_York' });
});

describe('Data stack: tables from adapters/tables.ts', () => {
  it('Events streams NEW_IMAGE, State expires items on expiresAt; both on-demand, PITR, deletion-protected', () => {
    const t = built.dataTemplate;
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TableName: 'reftrack-events',
    });
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'reftrack-state',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: Match.absent(),
    });
    t.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    t.allResources('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });
});

describe('Firehose export delivery', () => {
  it('partitions on the record day with JQ 1.6, gzip, error prefix and the shared buffering', () => {
    built.dataTemplate.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'events/dt=!{partitionKeyFromQuery:day}/',
        ErrorOutputPrefix: EXPORT_DELIVERY.errorOutputPrefix,
        CompressionFormat: 'GZIP',
        BufferingHints: { IntervalInSeconds: EXPORT_DELIVERY.bufferingIntervalSeconds, SizeInMBs: EXPORT_DELIVERY.bufferingSizeMiB },
        DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
        // Exactly one processor: no AppendDelimiterToRecord, the export consumer already ends records with \n.
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'MetadataExtraction',
              Parameters: Match.arrayWith([
                { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{"day":.day}' },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ]),
            },
          ],
        },
      }),
    });
  });
});

describe('buckets', () => {
  it('every bucket is encrypted, blocks public access and logs access (except the log bucket itself)', () => {
    const buckets = built.dataTemplate.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBe(5);
    built.dataTemplate.allResourcesProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const logged = Object.values(buckets).filter((b: any) => b.Properties.LoggingConfiguration !== undefined);
    expect(logged.length).toBe(4);
  });

  it('data buckets move objects to infrequent access', () => {
    const withIa = built.dataTemplate.findResources('AWS::S3::Bucket', {
      Properties: { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] })]) } },
    });
    expect(Object.keys(withIa).length).toBe(3); // export, assets, failed batches
  });

  it('every bucket policy refuses plain HTTP and TLS below 1.2', () => {
    const policies = built.dataTemplate.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies).length).toBe(5);
    built.dataTemplate.allResourcesProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('the visitor-hash key is a generated secret, never a template value', () => {
    built.dataTemplate.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }), SecretString: Match.absent() });
  });
});

describe('stream consumers', () => {
  const commonMapping = {
    StartingPosition: 'TRIM_HORIZON',
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    BisectBatchOnFunctionError: true,
    MaximumRetryAttempts: 10,
    MaximumRecordAgeInSeconds: 6 * 3600,
    ParallelizationFactor: 1,
    MaximumBatchingWindowInSeconds: 1,
    MetricsConfig: { Metrics: ['EventCount'] },
    DestinationConfig: {
      OnFailure: { Destination: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^:s3:::reftrack-failed-batches-$')])] } },
    },
  };

  it('both Events mappings: TRIM_HORIZON, INSERT only, partial failures, bisect, bounded retries and age, one batch per shard, S3 on failure', () => {
    expect(Object.keys(built.appTemplate.findResources('AWS::Lambda::EventSourceMapping')).length).toBe(3);
    built.appTemplate.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      { ...commonMapping, BatchSize: 500, FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] } },
      2,
    );
  });

  it('the spill stream is one provisioned shard by default, on-demand as a setting', () => {
    built.dataTemplate.resourceCountIs('AWS::Kinesis::Stream', 1);
    built.dataTemplate.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 1, StreamModeDetails: { StreamMode: 'PROVISIONED' } });
    const onDemand = buildTestApp({ spillStreamMode: 'on-demand' }).dataTemplate;
    onDemand.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: Match.absent(), StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    expect(() => buildTestApp({ spillStreamMode: 'ondemand' })).toThrow(/-c spillStreamMode=\.\.\.: /);
  });

  it('the spill drain reads the spill stream with the same failure handling', () => {
    built.dataTemplate.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 168,
    });
    // It waits out DynamoDB trouble: retries for as long as the stream keeps the record (7 days).
    built.appTemplate.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      { ...commonMapping, BatchSize: 100, FilterCriteria: Match.absent(), MaximumRetryAttempts: 10_000, MaximumRecordAgeInSeconds: 7 * 24 * 3600 },
      1,
    );
  });
});

describe('least privilege per function', () => {
  const dataActions = (service: string) =>
    statementsOf(built.appTemplate, service)
      .flatMap(actionsOf)
      .filter((a) => !a.startsWith('logs:'))
      .sort();

  it('redirect: PutItem (events), GetItem/Query (state), PutRecord (spill stream), reads the visitor-hash key; nothing else', () => {
    // One secret: with the function URL behind OAC there is no origin-verify secret to read.
    expect(dataActions('redirect')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'kinesis:PutRecord', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    const put = statementsOf(built.appTemplate, 'redirect').find((s) => actionsOf(s).includes('dynamodb:PutItem'))!;
    expect(JSON.stringify(put.Resource)).toMatch(/TablesEvents/);
    expect(JSON.stringify(put.Resource)).not.toMatch(/TablesState/);
  });

  it('aggregate: reads the stream; reads and writes State (transaction parts); writes failed batches', () => {
    expect(dataActions('aggregate')).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DescribeStream',
        'dynamodb:GetItem',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        's3:ListBucket',
        's3:PutObject',
      ].sort(),
    );
    const writes = statementsOf(built.appTemplate, 'aggregate').filter((s) => actionsOf(s).includes('dynamodb:UpdateItem'));
    expect(writes.every((s) => /TablesState/.test(JSON.stringify(s.Resource)))).toBe(true);
  });

  it('export: PutRecordBatch on the one delivery stream, the stream read, failed batches; no table access', () => {
    expect(dataActions('export')).toEqual(
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'firehose:PutRecordBatch', 's3:ListBucket', 's3:PutObject'].sort(),
    );
    const put = statementsOf(built.appTemplate, 'export').find((s) => actionsOf(s).includes('firehose:PutRecordBatch'))!;
    expect(JSON.stringify(put.Resource)).toMatch(/ClickExportStream.*Arn/);
  });

  it('analyst API: reads State only', () => {
    expect(dataActions('analyst-api')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('no function has a wildcard action or a Resource "*"', () => {
    for (const service of ['redirect', 'aggregate', 'export', 'analyst-api']) {
      for (const statement of statementsOf(built.appTemplate, service)) {
        expect(actionsOf(statement).filter((a) => a.includes('*')), service).toEqual([]);
        expect(statement.Resource, service).not.toBe('*');
      }
    }
  });
});

describe('functions', () => {
  it('all run nodejs22.x on arm64 without source-map parsing at import, the AWS target and a Powertools service name', () => {
    const all = built.appTemplate.findResources('AWS::Lambda::Function');
    const ours = built.appTemplate.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { REFTRACK_TARGET: 'aws' } } } });
    expect(Object.keys(ours).length).toBe(7); // redirect, aggregate, export, spill drain, analyst API, vendor seed, conversions
    for (const [id, fn] of Object.entries<any>(ours)) {
      expect(fn.Properties, id).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      expect(fn.Properties.Environment.Variables, id).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: 'Reftrack', POWERTOOLS_SERVICE_NAME: expect.any(String) });
      // Parsing a source map at every cold start costs more than it gives (see reftrack-function.ts).
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, id).toBeUndefined();
    }
    // The rest are aws-cdk-lib's deploy-time helpers: dashboard upload, custom-resource framework,
    // bucket auto-delete, and the provider that reads the Edge stack's parameters.
    const helpers = Object.keys(all).filter((id) => !(id in ours));
    for (const id of helpers) expect(id).toMatch(/^(CustomCDKBucketDeployment|VendorSeedProviderframeworkonEvent|CustomS3AutoDeleteObjectsCustomResourceProvider|AWS679f53fac002430cb0da5b7982bd2287)/);
    expect(helpers).toHaveLength(4);
  });

  it('the redirect gets the settings under config names and the secret ARN, never the key', () => {
    built.appTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'redirect',
          TRUST_CLOUDFRONT_HEADERS: 'true',
          ORIGIN_ACCESS_CONTROL: 'true',
          TIME_ZONE: 'America/New_York',
          UTM_PRESET: 'ga4',
          DESTINATION_URL: 'https://queenofsandiego.com/',
          FALLBACK_URL: 'https://queenofsandiego.com/',
          INTERNAL_CIDRS: '203.0.113.0/24,2001:db8::/32',
          EVENTS_TABLE: Match.anyValue(),
          STATE_TABLE: Match.anyValue(),
          VISITOR_HASH_KEY_SECRET_ARN: Match.anyValue(),
          VISITOR_HASH_KEY: Match.absent(),
          ORIGIN_VERIFY_SECRET_ARN: Match.absent(),
          ORIGIN_VERIFY_SECRET: Match.absent(),
        }),
      },
    });
  });
});

describe('referral function URL (guests)', () => {
  const redirectId = () => Object.keys(built.appTemplate.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'redirect' } } } }))[0]!;
  const urlId = () => Object.keys(built.appTemplate.findResources('AWS::Lambda::Url'))[0]!;
  const distributionArn = Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':cloudfront::', ':distribution/', { Ref: Match.stringLikeRegexp('^CdnDistribution') }])] });

  it('the redirect has one function URL, with AWS_IAM auth (unsigned calls get 403) and no CORS', () => {
    built.appTemplate.resourceCountIs('AWS::Lambda::Url', 1);
    built.appTemplate.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED', TargetFunctionArn: { 'Fn::GetAtt': [redirectId(), 'Arn'] }, Cors: Match.absent() });
  });

  it('only the distribution may invoke it: InvokeFunctionUrl and InvokeFunction (via the URL), both with the distribution ARN as source', () => {
    const onRedirect = Object.values(built.appTemplate.findResources('AWS::Lambda::Permission', { Properties: { FunctionName: { 'Fn::GetAtt': [urlId(), 'FunctionArn'] } } })) as Array<{ Properties: Record<string, unknown> }>;
    expect(onRedirect.map((p) => p.Properties.Action).sort()).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    built.appTemplate.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunctionUrl', Principal: 'cloudfront.amazonaws.com', SourceArn: distributionArn, FunctionUrlAuthType: Match.absent() });
    built.appTemplate.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'cloudfront.amazonaws.com', SourceArn: distributionArn, InvokedViaFunctionUrl: true });
    // Nothing else may call the redirect (no API Gateway, no public principal).
    const anyOther = Object.values(built.appTemplate.findResources('AWS::Lambda::Permission')).filter((p: any) => json(p.Properties.FunctionName).includes(redirectId()) || json(p.Properties.FunctionName).includes(urlId()));
    expect(anyOther.every((p: any) => p.Properties.Principal === 'cloudfront.amazonaws.com')).toBe(true);
  });

  it('no HTTP API routes guests: no /ref route and no $default route anywhere', () => {
    const keys = Object.values(built.appTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r: any) => r.Properties.RouteKey as string);
    expect(keys.filter((k) => /\/ref\b|^\$default$/.test(k))).toEqual([]);
    expect(keys.sort()).toEqual(['ANY /api/{proxy+}', 'ANY /api/{proxy+}', 'POST /api/v1/conversions']);
  });

  it('reserves concurrency only when asked (redirectReservedConcurrency): a ceiling for all guests together', () => {
    built.appTemplate.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'redirect' }) }, ReservedConcurrentExecutions: 50 });
    const { appTemplate } = buildTestApp();
    appTemplate.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'redirect' }) }, ReservedConcurrentExecutions: Match.absent() });
  });
});

describe('CloudFront', () => {
  it('/ref/* goes to the API uncached (managed CachingDisabled) with exactly the headers the redirect reads', () => {
    built.appTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: '/ref/*',
            CachePolicyId: CACHING_DISABLED,
            OriginRequestPolicyId: { Ref: Match.stringLikeRegexp('^CdnRedirectRequests') },
            ViewerProtocolPolicy: 'redirect-to-https',
            AllowedMethods: ['GET', 'HEAD'],
          }),
        ]),
        // No standard logs: they would hold every guest's IP address and user agent.
        Logging: Match.absent(),
        Aliases: Match.absent(),
      }),
    });
  });

  it('/ref/* and /ref reach the function URL through an origin access control that always signs (sigv4); no origin secret exists', () => {
    const dist = Object.values(built.appTemplate.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    const urlId = Object.keys(built.appTemplate.findResources('AWS::Lambda::Url'))[0]!;
    for (const pattern of ['/ref/*', '/ref']) {
      const behavior = dist.CacheBehaviors.find((b: any) => b.PathPattern === pattern);
      const origin = dist.Origins.find((o: any) => o.Id === behavior.TargetOriginId);
      expect(origin.DomainName).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [urlId, 'FunctionUrl'] }] }] });
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      expect(origin.OriginCustomHeaders).toBeUndefined();
      const oacId = origin.OriginAccessControlId['Fn::GetAtt'][0];
      built.appTemplate.hasResource('AWS::CloudFront::OriginAccessControl', { Properties: { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 'lambda', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) } });
      expect(built.appTemplate.toJSON().Resources[oacId].Properties.OriginAccessControlConfig.OriginAccessControlOriginType).toBe('lambda');
    }
    // The origin-verify secret is gone: nothing sends it, nothing reads it.
    expect(Object.values(built.dataTemplate.findResources('AWS::SecretsManager::Secret')).map((s: any) => s.Properties.Name).sort()).toEqual(['reftrack/conversion-signing', 'reftrack/visitor-hash-key'].sort());
    expect(json(built.appTemplate.toJSON())).not.toMatch(/origin-verify/i);
  });

  it('reads the edge function version again whenever a new one is published (an upgrade must not leave CloudFront on the old rewrite)', () => {
    const lookupOf = (b: typeof built) => {
      const lookups = Object.values(b.appTemplate.findResources('Custom::AWS')).map((r: any) => JSON.stringify(r.Properties.Update));
      return lookups.find((u) => u.includes('guest-fallback-version-arn'))!;
    };
    const revision = (b: typeof built) => /guest-fallback-version-arn@([0-9a-f]{16})/.exec(lookupOf(b))?.[1];
    expect(revision(built)).toBe(guestFallbackRevision('https://queenofsandiego.com/'));
    expect(built.edge.outputs.guestFallbackRevision).toBe(revision(built));
    const moved = buildTestApp({ fallbackUrl: 'https://example.com/book' });
    expect(revision(moved)).toBe(guestFallbackRevision('https://example.com/book'));
    expect(revision(moved)).not.toBe(revision(built));
    // The web ACL's ARN never changes under an update: read once.
    const acl = Object.values(built.appTemplate.findResources('Custom::AWS')).map((r: any) => JSON.stringify(r.Properties.Update)).find((u) => u.includes('web-acl-arn'))!;
    expect(acl).not.toMatch(/web-acl-arn@/);
  });

  it('/ref/* has the per-client WAF rule and an origin-response edge function, both read from us-east-1', () => {
    const dist = Object.values(built.appTemplate.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect(JSON.stringify(dist.WebACLId)).toMatch(/EdgeWebAclArn/);
    const ref = dist.CacheBehaviors.find((b: any) => b.PathPattern === '/ref/*');
    expect(ref.LambdaFunctionAssociations).toEqual([{ EventType: 'origin-response', LambdaFunctionARN: Match.anyValue() as never }].map((a) => ({ ...a, LambdaFunctionARN: ref.LambdaFunctionAssociations[0].LambdaFunctionARN })));
    expect(JSON.stringify(ref.LambdaFunctionAssociations[0].LambdaFunctionARN)).toMatch(/EdgeGuestFallbackArn/);
    built.appTemplate.hasResourceProperties('Custom::AWS', { Create: Match.stringLikeRegexp('"region":"us-east-1"') });

    const edge = Template.fromStack(built.edge);
    expect(built.edge.region).toBe('us-east-1');
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', EvaluationWindowSec: 60, Limit: 100, ScopeDownStatement: Match.objectLike({ ByteMatchStatement: Match.objectLike({ SearchString: '/ref/', PositionalConstraint: 'STARTS_WITH' }) }) }) },
          Action: { Block: { CustomResponse: { ResponseCode: 302, ResponseHeaders: Match.arrayWith([{ Name: 'location', Value: 'https://queenofsandiego.com/' }]) } } },
          VisibilityConfig: Match.objectLike({ SampledRequestsEnabled: false }),
        }),
      ],
    });
    edge.hasResourceProperties('AWS::SSM::Parameter', { Name: '/reftrack/edge/web-acl-arn' });
    edge.hasResourceProperties('AWS::SSM::Parameter', { Name: '/reftrack/edge/guest-fallback-version-arn' });
    edge.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Code: { ZipFile: Match.stringLikeRegexp('status !== 429') } });
    edge.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'edgelambda.amazonaws.com' } })]) }) });
  });

  it('takes an alternate domain and certificate from context, with TLS 1.2', () => {
    const { appTemplate } = buildTestApp({ domainName: 'go.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234' });
    appTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['go.example.com'],
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234', MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
    appTemplate.hasOutput('ReferralBaseUrl', { Value: 'https://go.example.com/ref/' });
  });
});

describe('analyst API', () => {
  it('/api/* needs IAM on the scripts API and a Cognito JWT on the people API', () => {
    built.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/{proxy+}', AuthorizationType: 'AWS_IAM' });
    built.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/{proxy+}', AuthorizationType: 'JWT', AuthorizerId: Match.anyValue() });
    built.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', JwtConfiguration: Match.objectLike({ Audience: Match.anyValue() }) });
    built.dataTemplate.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true }, MfaConfiguration: 'ON' });
    // The one public /api route is the booking system's, authenticated by its HMAC signature (test/infra/conversions.test.ts).
    expect(Object.keys(built.appTemplate.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: Match.stringLikeRegexp('^(?!POST /api/v1/conversions$).*/api/'), AuthorizationType: 'NONE' } }))).toEqual([]);
  });

  it('is not created until an API entry is given (issue 6)', () => {
    const { appTemplate } = buildTestApp({}, { withAnalystApi: false });
    appTemplate.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    expect(Object.keys(appTemplate.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: Match.stringLikeRegexp('^(?!POST /api/v1/conversions$).*/api/') } }))).toEqual([]);
    expect(Object.keys(appTemplate.findOutputs('AnalystApiUrl'))).toEqual([]);
  });
});

describe('alarms', () => {
  const alarmMetrics = () => Object.values(built.appTemplate.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.MetricName ?? 'expression');

  it('cover iterator age and failed batches per consumer, redirect errors and p99, Firehose, the function URL\'s errors, latency and throttling', () => {
    const names = alarmMetrics();
    expect(names.filter((n) => n === 'IteratorAge')).toHaveLength(3); // aggregate, export, spill drain
    expect(names.filter((n) => n === 'OnFailureDestinationDeliveredEventCount')).toHaveLength(3);
    expect(names).toEqual(expect.arrayContaining(['Errors', 'Duration', 'DeliveryToS3.Success', 'ThrottledRecords', 'Url5xxCount', 'Url4xxCount']));
    // Nothing watches an HTTP API for guests any more.
    built.appTemplate.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway' }, 0);
    built.appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', ExtendedStatistic: 'p99' });
    built.appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DeliveryToS3.Success', ComparisonOperator: 'LessThanThreshold', Threshold: 1 });
  });
});

describe('outputs', () => {
  it('print the referral base URL, the dashboard URL, the analyst API URL and the export location', () => {
    for (const name of ['ReferralBaseUrl', 'DashboardUrl', 'AnalystApiUrl', 'AnalystUserPoolClientId', 'DistributionDomainName']) built.appTemplate.hasOutput(name, {});
    // The link guests get is CloudFront's; the function URL is printed for checks (it answers only CloudFront).
    built.appTemplate.hasOutput('ReferralBaseUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdnDistribution'), 'DomainName'] }, '/ref/']] } });
    built.appTemplate.hasOutput('RedirectFunctionUrl', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReferralRedirectFunctionFunctionUrl'), 'FunctionUrl'] } });
    built.appTemplate.hasOutput('RedirectFunctionName', { Value: { Ref: Match.stringLikeRegexp('^ReferralRedirectFunction') } });
    expect(Object.keys(built.appTemplate.findOutputs('ReferralApiUrl'))).toEqual([]);
    for (const name of ['ExportLocation', 'AnalystUserPoolId', 'SignInDomain']) built.dataTemplate.hasOutput(name, {});
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error or warning in either stack, and synth passes its validation', () => {
    const report = new AwsSolutionsChecks().validateScope(built.app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
    expect(() => built.app.synth()).not.toThrow();
  });

  it('is live: a public route that nobody acknowledged is reported (APIG4)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Probe');
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
    new apigw.HttpApi(stack, 'Api').addRoutes({ path: '/open', methods: [apigw.HttpMethod.GET], integration: new HttpLambdaIntegration('I', fn) });
    const rules = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toContain('AwsSolutions-APIG4');
    expect(rules).toContain('AwsSolutions-APIG1');
  });
});

describe('secrets read at cold start through the Parameters and Secrets extension', () => {
  const functionsByService = () =>
    Object.values(built.appTemplate.findResources('AWS::Lambda::Function'))
      .map((r) => r.Properties as { Layers?: unknown[]; Environment?: { Variables?: Record<string, unknown> } })
      .filter((p) => typeof p.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'string');

  it('the redirect and the booking endpoint carry the extension layer on the port config/ reads; no other function does', () => {
    const withLayer = functionsByService().filter((p) => (p.Layers ?? []).length > 0);
    expect(withLayer.map((p) => p.Environment!.Variables!.POWERTOOLS_SERVICE_NAME).sort()).toEqual(['conversions', 'redirect']);
    for (const p of withLayer) {
      expect(p.Layers).toHaveLength(1);
      // An environment-agnostic stack looks the layer up per region (and per arm64) from a mapping.
      expect(JSON.stringify(p.Layers)).toMatch(/Fn::FindInMap/);
      expect(p.Environment!.Variables).toMatchObject({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773', PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'warn', PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'true' });
    }
    const mappings = JSON.stringify(built.appTemplate.toJSON().Mappings ?? {});
    expect(mappings).toMatch(/AWS-Parameters-and-Secrets-Lambda-Extension-Arm64/);
  });
});
