/**
 * What a real team gets from one `npx cdk deploy --all`: the dashboard on the distribution,
 * Cognito sign-in (code + PKCE) with MFA, vendors and QR images at deploy time, settings kept in
 * cdk.json, unmatched referral paths to the fallback, analyst policies, alarms for every way a
 * click can be lost, least privilege for Firehose. Synthesized without bundling.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricName } from '../../core/metric-names.ts';
import { ConfigError } from '../../core/errors.ts';
import { REDIRECT_QUERY_PARAMETERS, REDIRECT_REQUEST_HEADERS } from '../../http/redirect-headers.ts';
import { checkSettingsFile, deploymentSettings } from '../../infra/settings.ts';
import { actionsOf, buildTestApp, statementsOf } from './build.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let built: ReturnType<typeof buildTestApp>;
beforeAll(() => {
  built = buildTestApp();
});

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
const only = (template: Template, type: string): Resource => {
  const found = Object.values(template.findResources(type)) as Resource[];
  expect(found).toHaveLength(1);
  return found[0]!;
};
const distributionConfig = (template = built.appTemplate) => only(template, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
const behavior = (pattern: string) => distributionConfig().CacheBehaviors.find((b: any) => b.PathPattern === pattern);
const originOf = (b: { TargetOriginId: string }) => distributionConfig().Origins.find((o: any) => o.Id === b.TargetOriginId);
const json = (value: unknown) => JSON.stringify(value);

describe('the dashboard on the distribution', () => {
  it('is the default behaviour: a private S3 bucket through origin access control, index.html at /', () => {
    const config = distributionConfig();
    expect(config.DefaultRootObject).toBe('index.html');
    const origin = originOf(config.DefaultCacheBehavior);
    expect(origin.S3OriginConfig).toBeDefined();
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CdnDistributionOrigin\d+S3OriginAccessControl/), 'Id'] });
    expect(json(origin.DomainName)).toContain('DashboardFiles');
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: CACHING_OPTIMIZED, ResponseHeadersPolicyId: expect.anything() });
    // Only this distribution may read the dashboard files.
    const policy = Object.values(built.appTemplate.findResources('AWS::S3::BucketPolicy')).find((p: any) => json(p.Properties.Bucket).includes('DashboardFiles')) as Resource;
    const read = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(read.Action).toBe('s3:GetObject');
    expect(json(read.Condition)).toContain('Distribution');
  });

  it('uploads the built files and a sign-in configuration naming the Cognito endpoints and the distribution as callback', () => {
    const deployments = Object.entries(built.appTemplate.findResources('Custom::CDKBucketDeployment')) as Array<[string, Resource & { DependsOn?: string[] }]>;
    expect(deployments).toHaveLength(2);
    // Content-named files (dashboard.<hash>.js, the uPlot chunk) first, cached for a year; the pages after, revalidated every time.
    const [namedId, named] = deployments.find(([, d]) => d.Properties.Include)!;
    const [, deployment] = deployments.find(([, d]) => !d.Properties.Include)!;
    expect(named.Properties).toMatchObject({ Exclude: ['*'], Include: expect.arrayContaining(['assets/chunk-*.js', 'assets/*.????????????.js']), Prune: true });
    expect(named.Properties.SystemMetadata['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(named.Properties.SourceObjectKeys).toHaveLength(1);
    expect(deployment.Properties.Exclude).toEqual(named.Properties.Include);
    expect(deployment.Properties.SystemMetadata['cache-control']).toBe('no-cache');
    expect(deployment.DependsOn).toContain(namedId);
    expect(deployment.Properties.Prune).toBe(true);
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2); // the dashboard asset, dashboard-config.json
    // dashboard-config.json is written at deploy time from these values: the client id, the sign-in domain, the distribution's name.
    const markers = json(deployment.Properties.SourceMarkers);
    for (const part of ['{"Ref":"AnalystDashboard', 'ExportsOutputRefAnalystsSignIn', '"Fn::GetAtt":["CdnDistribution', '"Ref":"AWS::Region"']) expect(markers).toContain(part);
  });

  it('serves the page with the local Content-Security-Policy plus the sign-in domain for the token call', () => {
    const policies = Object.values(built.appTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy')) as Resource[];
    const dashboard = policies.find((p) => p.Properties.ResponseHeadersPolicyConfig.Comment.startsWith('reftrack dashboard'))!;
    const csp = json(dashboard.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const part of ["script-src 'self'", "connect-src 'self' https://", 'amazoncognito.com', "frame-ancestors 'none'"]) expect(csp).toContain(part);
  });

  it('routes /api/* to the people (Cognito JWT) API on the same origin: uncached, all methods, Authorization forwarded', () => {
    const api = behavior('/api/*');
    expect(api).toMatchObject({ CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER, ViewerProtocolPolicy: 'https-only' });
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'HEAD', 'POST', 'OPTIONS']));
    expect(json(originOf(api).DomainName)).toContain('AnalystPeopleApi');
  });
});

describe('sign-in', () => {
  it('keeps the user pool (and its MFA enrolments) in the Data stack: retained, deletion-protected, TOTP required', () => {
    built.dataTemplate.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE', MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'], AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } }),
    });
    built.appTemplate.resourceCountIs('AWS::Cognito::UserPool', 0);
  });

  it('has a managed-login domain (sign-in, MFA enrolment, sign-out pages) with a style for the dashboard client', () => {
    built.dataTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2, Domain: { 'Fn::Join': ['', ['reftrack-', { Ref: 'AWS::AccountId' }]] } });
    built.appTemplate.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', { UseCognitoProvidedValues: true, ClientId: Match.anyValue() });
  });

  it('gives the dashboard a public client with the authorization code flow only, callbacks and sign-out on the distribution', () => {
    const client = only(built.appTemplate, 'AWS::Cognito::UserPoolClient').Properties;
    expect(client).toMatchObject({ AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, GenerateSecret: false, SupportedIdentityProviders: ['COGNITO'] });
    expect(client.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'email']));
    for (const urls of [client.CallbackURLs, client.LogoutURLs]) {
      expect(urls).toHaveLength(1);
      expect(json(urls)).toContain('"Fn::GetAtt":["CdnDistribution');
      expect(json(urls)).not.toContain('example.com');
    }
  });

  it('with a custom domain, both it and the CloudFront name are callbacks (sign-in works before DNS is switched)', () => {
    const { appTemplate } = buildTestApp({ domainName: 'go.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234' });
    const client = only(appTemplate, 'AWS::Cognito::UserPoolClient').Properties;
    expect(client.CallbackURLs).toHaveLength(2);
    expect(client.CallbackURLs[0]).toBe('https://go.example.com/');
    appTemplate.hasOutput('DashboardUrl', { Value: 'https://go.example.com/' });
  });
});

describe('vendors at deploy time', () => {
  it('loads config/vendors.json through a custom resource whose function can only add (conditional PutItem) and publish QR assets', () => {
    const seed = only(built.appTemplate, 'Custom::ReftrackVendorSeed');
    const vendors = JSON.parse(readFileSync(new URL('../../config/vendors.json', import.meta.url), 'utf8'));
    expect(JSON.parse(seed.Properties.Vendors)).toEqual(vendors.map((v: object) => ({ status: 'active', ...v })));
    const actions = statementsOf(built.appTemplate, 'vendor-seed').flatMap(actionsOf);
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).not.toContain('dynamodb:UpdateItem');
    expect(actions).not.toContain('dynamodb:DeleteItem');
    const fn = Object.values(built.appTemplate.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'vendor-seed' } } } }))[0] as Resource;
    expect(fn.Properties.Environment.Variables).toMatchObject({ STATE_TABLE: expect.anything(), ASSETS_BUCKET: expect.anything(), PUBLIC_BASE_URL: expect.anything() });
  });
});

describe('settings file (cdk.json context)', () => {
  const committed = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

  it('the committed file holds valid settings that a plain synth uses', () => {
    expect(() => checkSettingsFile(committed)).not.toThrow();
    const settings = deploymentSettings((name) => committed[name]);
    expect(settings).toMatchObject({ stackPrefix: 'Reftrack', timeZone: 'America/Los_Angeles', guestRequestsPerMinute: 100 });
  });

  it('a misspelt key is refused with its name instead of silently dropping the setting', () => {
    expect(() => checkSettingsFile({ ...committed, domainname: 'go.example.com' })).toThrow(ConfigError);
    expect(() => checkSettingsFile({ ...committed, domainname: 'go.example.com' })).toThrow(/"domainname"/);
    expect(() => checkSettingsFile({ ...committed, '@aws-cdk/core:newStyleStackSynthesis': true })).not.toThrow();
  });

  it('a file still holding the HTTP API throttle is told what replaced it', () => {
    expect(() => checkSettingsFile({ ...committed, throttleRate: 100, throttleBurst: 200 })).toThrow(/"throttleRate" was the HTTP API limit.*redirectReservedConcurrency.*; "throttleBurst"/);
  });

  it('file values reach the template, and a -c value overrides the file', () => {
    const file = { ...committed, domainName: 'go.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234', alarmEmail: 'ops@example.com' };
    const fromFile = buildTestApp(file);
    fromFile.appTemplate.hasOutput('ReferralBaseUrl', { Value: 'https://go.example.com/ref/' });
    // CDK puts -c values over cdk.json's; the app sees the merged context.
    const overridden = buildTestApp({ ...file, domainName: 'refs.example.org' });
    overridden.appTemplate.hasOutput('ReferralBaseUrl', { Value: 'https://refs.example.org/ref/' });
  });

  it('validates the new settings with their names', () => {
    expect(() => deploymentSettings((n) => ({ alarmEmail: 'not-an-address' })[n])).toThrow(/alarmEmail/);
    expect(() => deploymentSettings((n) => ({ alarmTopicArn: 'arn:aws:sqs:us-east-1:123456789012:q' })[n])).toThrow(/alarmTopicArn/);
    expect(() => deploymentSettings((n) => ({ signInDomainPrefix: 'my-cognito-login' })[n])).toThrow(/signInDomainPrefix/);
  });
});

describe('referral paths', () => {
  it('/ref (no slash) reaches the redirect\'s function URL too, uncached, GET/HEAD only, with the guest fallback; the URL takes every path (the redirect sends unknown ones to the fallback)', () => {
    expect(behavior('/ref')).toMatchObject({ CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: behavior('/ref/*').OriginRequestPolicyId, TargetOriginId: behavior('/ref/*').TargetOriginId, AllowedMethods: ['GET', 'HEAD'] });
    expect(behavior('/ref').LambdaFunctionAssociations).toEqual(behavior('/ref/*').LambdaFunctionAssociations);
    expect(json(originOf(behavior('/ref')).DomainName)).toMatch(/ReferralRedirectFunctionFunctionUrl.*FunctionUrl/);
    // A function URL has no routes: whatever path CloudFront forwards, the redirect answers it.
    expect(only(built.appTemplate, 'AWS::Lambda::Url').Properties).not.toHaveProperty('Routes');
  });

  it('forwards exactly the headers and query parameters the redirect reads, no cookies', () => {
    const policy = only(built.appTemplate, 'AWS::CloudFront::OriginRequestPolicy').Properties.OriginRequestPolicyConfig;
    expect(policy.HeadersConfig).toEqual({ HeaderBehavior: 'whitelist', Headers: [...REDIRECT_REQUEST_HEADERS] });
    expect(policy.QueryStringsConfig).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: [...REDIRECT_QUERY_PARAMETERS] });
    expect(policy.CookiesConfig).toEqual({ CookieBehavior: 'none' });
    expect(REDIRECT_REQUEST_HEADERS).toEqual(expect.arrayContaining(['cloudfront-viewer-address', 'cloudfront-viewer-country', 'user-agent']));
    // The vendor's own preview (`?preview=vendor`) must reach the redirect, or it is counted and paid.
    expect(policy.QueryStringsConfig.QueryStrings).toEqual(['utm_content', 'utm_term', 'preview']);
    // Host must not reach a function URL behind OAC: CloudFront signs the URL's own host name.
    expect(policy.HeadersConfig.Headers.map((h: string) => h.toLowerCase())).not.toContain('host');
  });
});

describe('outreach assets through the distribution', () => {
  it('/outreach/* reads the assets bucket through origin access control, rewritten to the published keys', () => {
    const outreach = behavior('/outreach/*');
    expect(outreach.FunctionAssociations).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
    const origin = originOf(outreach);
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(json(origin.DomainName)).toContain('AssetsBucket');
    const policy = Object.values(built.dataTemplate.findResources('AWS::S3::BucketPolicy')).find((p: any) => json(p.Properties.Bucket).includes('AssetsBucket')) as Resource;
    const read = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'CloudFrontReadsPublishedAssets');
    expect(read).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(json(read.Resource)).toContain('/vendor-referral/*');
    expect(json(read.Condition)).toContain(':distribution/*');
  });

  it('the viewer-request function maps the local URLs onto the published keys and answers 404 for anything else', () => {
    // The code as deployed: the CloudFront Function in the template, not the module's constant.
    const functions = Object.values(built.appTemplate.findResources('AWS::CloudFront::Function')) as Resource[];
    const rewrites = functions.map((f) => f.Properties.FunctionCode).filter((code): code is string => typeof code === 'string' && code.includes('vendor-referral/qr/'));
    expect(rewrites).toHaveLength(1);
    const run = (uri: string) => runInNewContext(`${rewrites[0]}; handler({ request: { uri: ${JSON.stringify(uri)} } })`);
    expect(run('/outreach/qr/solare.png').uri).toBe('/vendor-referral/qr/solare.png');
    expect(run('/outreach/qr/board-brew.svg').uri).toBe('/vendor-referral/qr/board-brew.svg');
    expect(run('/outreach/templates/solare.html').uri).toBe('/vendor-referral/templates/solare-preview.html');
    for (const uri of ['/outreach/qr/../secret.png', '/outreach/qr/Solare.png', '/outreach/other/x', '/outreach/templates/a.html/..', '/outreach/qr/x.gif']) expect(run(uri).statusCode).toBe(404);
  });

  it('the CLI default matches: ASSETS_BUCKET is required in AWS and printed in CliEnvironment', () => {
    const value = json(built.appTemplate.findOutputs('CliEnvironment'));
    for (const name of ['REFTRACK_TARGET=aws', 'ASSETS_BUCKET=', 'EVENTS_TABLE=', 'STATE_TABLE=', 'PUBLIC_BASE_URL=https://', 'REDIRECT_LOG_GROUP=']) expect(value).toContain(name);
  });
});

describe('analyst IAM policies', () => {
  const managed = (template: Template, description: RegExp) =>
    (Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Resource[]).find((p) => description.test(p.Properties.Description))!.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;

  it('CLI read: DynamoDB reads on both tables and S3 reads on the export, nothing that writes', () => {
    const statements = managed(built.dataTemplate, /read-only/);
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem', 's3:GetObject', 's3:ListBucket']));
    expect(actions.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    expect(json(statements)).toContain('TablesEvents');
    expect(json(statements)).toContain('TablesState');
    expect(json(statements)).toContain('ExportBucket');
  });

  it('scripts: execute-api:Invoke on the IAM API /api/* only; both are outputs', () => {
    const statements = managed(built.appTemplate, /scripts/);
    expect(statements.flatMap(actionsOf)).toEqual(['execute-api:Invoke']);
    expect(json(statements)).toContain('/$default/*/api/*');
    built.appTemplate.hasOutput('AnalystScriptsPolicyArn', {});
    built.dataTemplate.hasOutput('AnalystReadPolicyArn', {});
    built.appTemplate.hasOutput('DistributionDomainName', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdnDistribution'), 'DomainName'] } });
  });
});

describe('alarms for every way a click can be lost', () => {
  const alarms = () => Object.values(built.appTemplate.findResources('AWS::CloudWatch::Alarm')) as Resource[];

  it('the redirect could not record, spilled, or lacked the viewer address (Reftrack metrics, service=redirect)', () => {
    for (const name of [MetricName.ClickUnrecorded, MetricName.ClickSpilled, MetricName.ViewerAddressMissing]) {
      built.appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Reftrack',
        MetricName: name,
        Dimensions: [{ Name: 'service', Value: 'redirect' }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('the guests\' function URL: any 5xx and any 4xx (403 refused signature, 429 throttled: the redirect itself never answers 4xx to CloudFront), at any traffic', () => {
    const fn = [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^ReferralRedirectFunction') } }];
    for (const metric of ['Url5xxCount', 'Url4xxCount']) {
      built.appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: fn, Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    }
    expect(json(alarms().find((a) => a.Properties.MetricName === 'Url4xxCount')!.Properties.AlarmDescription)).toMatch(/403.*redeploy Reftrack-App.*429.*redirectReservedConcurrency/);
    // No alarm is left on an API Gateway metric for guests.
    expect(alarms().filter((a) => a.Properties.Namespace === 'AWS/ApiGateway')).toEqual([]);
  });

  it('each mapping that drops records or cannot write to its failure destination', () => {
    const names = alarms().map((a) => a.Properties.MetricName);
    expect(names.filter((n) => n === 'DroppedEventCount')).toHaveLength(3);
    expect(names.filter((n) => n === 'DestinationDeliveryFailures')).toHaveLength(3);
  });

  it('without a destination the alarms have no actions; alarmEmail and alarmTopicArn send every alarm and recovery', () => {
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toBeUndefined();
    const { appTemplate } = buildTestApp({ alarmEmail: 'ops@example.com', alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:pager' });
    appTemplate.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const all = Object.values(appTemplate.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(all.length).toBeGreaterThan(20);
    for (const alarm of all) {
      expect(alarm.Properties.AlarmActions).toHaveLength(2);
      expect(json(alarm.Properties.AlarmActions)).toContain('arn:aws:sns:us-east-1:123456789012:pager');
      expect(alarm.Properties.OKActions).toHaveLength(2);
    }
  });
});

describe('the finance record', () => {
  it('the Firehose role can write the export but never delete, retain or lock objects', () => {
    const stream = only(built.dataTemplate, 'AWS::KinesisFirehose::DeliveryStream');
    const roleId = stream.Properties.ExtendedS3DestinationConfiguration.RoleARN['Fn::GetAtt'][0];
    const policies = (Object.values(built.dataTemplate.findResources('AWS::IAM::Policy')) as Resource[]).filter((p) => json(p.Properties.Roles).includes(roleId));
    const actions = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap(actionsOf);
    expect([...new Set(actions)].sort()).toEqual(['logs:PutLogEvents', 's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject']);
  });

  it('the export bucket keeps every version', () => {
    const buckets = Object.values(built.dataTemplate.findResources('AWS::S3::Bucket')) as Resource[];
    const versioned = buckets.filter((b) => b.Properties.VersioningConfiguration?.Status === 'Enabled');
    expect(versioned).toHaveLength(1);
    const stream = only(built.dataTemplate, 'AWS::KinesisFirehose::DeliveryStream');
    const exportBucketId = stream.Properties.ExtendedS3DestinationConfiguration.BucketARN['Fn::GetAtt'][0];
    expect(built.dataTemplate.toJSON().Resources[exportBucketId].Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });
});
