import { DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { DashboardConfig } from '../../dashboard/sign-in-config.ts';
import { dashboardCsp } from '../../http/dashboard-app.ts';
import { writeDashboardFilesSync } from '../dashboard-files.ts';
import { acknowledge, arnInFinding, BASIC_EXECUTION_ROLE } from '../nag.ts';
import { repoPath } from '../paths.ts';
import { PRIVATE_BUCKET } from './secure-bucket.ts';

/** The build's content-named files (see http/dashboard-app.ts), as S3 sync filters. */
const CONTENT_NAMED = ['assets/*.????????????.js', 'assets/*.????????????.css', 'assets/chunk-*.js'];

export interface DashboardSiteProps {
  /** Server access logs of the dashboard bucket. */
  readonly accessLogs: s3.IBucket;
  /** The sign-in provider's origin (the token endpoint is called from the page). */
  readonly signInOrigin: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The dashboard as static files in a private bucket, served by the distribution's default
 * behaviour through origin access control, with the same Content-Security-Policy the local
 * server sends (plus the sign-in provider's origin for the token call). The files are build
 * output, rebuilt on every deploy, so the bucket is replaceable and lives in the App stack.
 * `deploy()` uploads them with `/dashboard-config.json`, which tells the page to sign in with
 * Cognito; it runs after the distribution exists, whose domain is the sign-in callback.
 */
export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly behavior: cloudfront.BehaviorOptions;

  constructor(scope: Construct, id: string, private readonly props: DashboardSiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Files', {
      ...PRIVATE_BUCKET,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'dashboard/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'reftrack dashboard: CSP, no referrer, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: dashboardCsp(props.signInOrigin), override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: false, override: true },
      },
    });
    this.behavior = {
      origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: headers,
      compress: true,
    };
  }

  /** Uploads the built dashboard and its sign-in configuration (after the distribution and the app client exist). */
  deploy(config: DashboardConfig): s3deploy.BucketDeployment {
    // Built by esbuild on this machine at synth (never Docker); the asset hash covers dashboard/.
    const files = s3deploy.Source.asset(repoPath('dashboard'), {
      bundling: {
        image: DockerImage.fromRegistry('node:22-slim'),
        local: {
          tryBundle(outputDir) {
            writeDashboardFilesSync(outputDir);
            return true;
          },
        },
      },
    });
    // Content-named files (`dashboard.<hash>.js`, `chunk-<hash>.js`) never change: browsers and
    // CloudFront keep them for a year. They go up first, so a page never names a file not there yet.
    const named = new s3deploy.BucketDeployment(this, 'DeployContentNamed', {
      destinationBucket: this.bucket,
      sources: [files],
      exclude: ['*'],
      include: CONTENT_NAMED,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.days(365)), s3deploy.CacheControl.fromString('immutable')],
      prune: true,
      memoryLimit: 256,
      logGroup: new logs.LogGroup(this, 'DeployContentNamedLogs', { retention: this.props.logRetention }),
    });
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [files, s3deploy.Source.jsonData('dashboard-config.json', config)],
      exclude: CONTENT_NAMED,
      // The pages and the sign-in configuration: CloudFront revalidates each time, so a deploy shows at once.
      cacheControl: [s3deploy.CacheControl.noCache()],
      prune: true,
      memoryLimit: 256,
      logGroup: new logs.LogGroup(this, 'DeployLogs', { retention: this.props.logRetention }),
    });
    deployment.node.addDependency(named);
    // CDK's BucketDeployment handler is one function per stack (a singleton at the stack's root).
    const handler = Stack.of(this).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment')) ?? deployment;
    const copying = 'The BucketDeployment handler copies CDK-staged asset objects into the dashboard bucket and prunes old files (CDK grant); it runs only during deployments.';
    acknowledge(
      handler,
      { id: `AwsSolutions-IAM4[Policy::${BASIC_EXECUTION_ROLE}]`, reason: 'The CDK BucketDeployment handler uses AWSLambdaBasicExecutionRole for its own logs; it runs only during deployments.' },
      ...['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*', `Resource::${arnInFinding(this.bucket)}/*`, 'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*'].map(
        (finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: copying }),
      ),
      { id: 'AwsSolutions-L1', reason: "The BucketDeployment handler's runtime is chosen by aws-cdk-lib and moves with it." },
    );
    return deployment;
  }
}
