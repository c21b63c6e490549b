import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { apiDomain } from './http-stage.ts';
import { redirectOriginRequestPolicy } from './redirect-origin-policy.ts';

export interface ReferralDistributionProps {
  /** The HTTP API serving `/ref/*`. */
  readonly api: apigw.IHttpApi;
  /** CloudFront standard logs (an ACL-enabled bucket). */
  readonly logBucket: s3.IBucket;
  /** Alternate domain name (e.g. `go.example.com`). @default the `*.cloudfront.net` name only */
  readonly domainName?: string;
  /** ACM certificate (us-east-1) for domainName; required with it. */
  readonly certificateArn?: string;
  /**
   * What the distribution serves besides referral links: the default behaviour (the dashboard)
   * and further path patterns (`/api/*`, `/outreach/*`). @default every path goes to the referral API
   */
  readonly site?: {
    readonly defaultBehavior?: cloudfront.BehaviorOptions;
    readonly behaviors: Readonly<Record<string, cloudfront.BehaviorOptions>>;
  };
}

/**
 * The public front door. `/ref/*` and `/ref` go to the HTTP API uncached (every click must reach
 * the function to be counted and to get a fresh UTM-tagged 302), with exactly the headers the
 * redirect reads (redirect-origin-policy.ts), including CloudFront-Viewer-Country and
 * CloudFront-Viewer-Address, which the redirect uses for the country and the visitor hash.
 * Host is not forwarded because API Gateway routes on its own host name. `/ref` and `/ref/`
 * reach the API's `$default` route, which redirects to the fallback like any unmatched path.
 *
 * The default behaviour serves the dashboard and `/api/*` the analyst API (`site`), so the
 * browser talks to one origin and needs no CORS.
 */
export class ReferralDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ReferralDistributionProps) {
    super(scope, id);
    const apiOrigin = new origins.HttpOrigin(apiDomain(props.api), {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    const uncachedApi: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: redirectOriginRequestPolicy(this, 'RedirectRequests'),
      compress: false,
    };
    const custom = props.domainName !== undefined && props.certificateArn !== undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'reftrack: referral links (/ref/*), dashboard, analyst API (/api/*), outreach assets',
      defaultBehavior: props.site?.defaultBehavior ?? uncachedApi,
      additionalBehaviors: { '/ref/*': uncachedApi, '/ref': uncachedApi, ...props.site?.behaviors },
      ...(props.site?.defaultBehavior ? { defaultRootObject: 'index.html' } : {}),
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(custom
        ? {
            domainNames: [props.domainName!],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn!),
            // Only settable with a custom certificate; the default *.cloudfront.net one is fixed.
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    acknowledge(
      this.distribution,
      { id: 'AwsSolutions-CFR1', reason: 'Referral links are shared worldwide; guests from any country must be redirected.' },
      { id: 'AwsSolutions-CFR2', reason: 'No WAF: the only routes are throttled 302 redirects with no body or state to protect; a WAF web ACL costs more than the traffic. Add one if abuse appears.' },
    );
    if (!custom) {
      acknowledge(this.distribution, {
        id: 'AwsSolutions-CFR4',
        reason: 'Without an alternate domain the distribution uses the default *.cloudfront.net certificate, whose TLS policy cannot be set; with -c domainName/certificateArn it is TLSv1.2_2021.',
      });
    }
  }
}
