import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { redirectOriginRequestPolicy } from './redirect-origin-policy.ts';

export interface ReferralDistributionProps {
  /** The redirect's function URL (`AWS_IAM` auth) serving `/ref/*`: CloudFront signs every request to it. */
  readonly redirectUrl: lambda.IFunctionUrl;
  /** The CLOUDFRONT-scope web ACL (us-east-1) with the per-client rate limit. @default none */
  readonly webAclArn?: string;
  /** Lambda@Edge origin-response version turning an origin 429/5xx on /ref/* into a 302 to the fallback. @default none */
  readonly guestFallback?: lambda.IVersion;
  /** Alternate domain name (e.g. `go.example.com`). @default the `*.cloudfront.net` name only */
  readonly domainName?: string;
  /** ACM certificate (us-east-1) for domainName; required with it. */
  readonly certificateArn?: string;
  /**
   * What the distribution serves besides referral links: the default behaviour (the dashboard)
   * and further path patterns (`/api/*`, `/outreach/*`). @default every path goes to the redirect
   */
  readonly site?: {
    readonly defaultBehavior?: cloudfront.BehaviorOptions;
    readonly behaviors: Readonly<Record<string, cloudfront.BehaviorOptions>>;
  };
}

/**
 * The public front door. `/ref/*` and `/ref` go to the redirect's function URL uncached (every
 * click must reach the function to be counted and to get a fresh UTM-tagged 302), with exactly
 * the headers the redirect reads (redirect-origin-policy.ts), including CloudFront-Viewer-Country
 * and CloudFront-Viewer-Address, which the redirect uses for the country and the visitor hash.
 * CloudFront signs each origin request (SigV4, Origin Access Control); the CDK origin grants this
 * distribution, and only it, `lambda:InvokeFunctionUrl` and `lambda:InvokeFunction` (AWS requires
 * both). Host is not forwarded: the signature covers the function URL's own host name. `/ref` and
 * `/ref/` reach the redirect too, which sends them to the fallback like any unknown path.
 *
 * The default behaviour serves the dashboard and `/api/*` the analyst API (`site`), so the
 * browser talks to one origin and needs no CORS.
 */
export class ReferralDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** What `/ref/*` forwards to the redirect (exactly the headers and query parameters it reads); another distribution may reuse it. */
  readonly redirectRequests: cloudfront.IOriginRequestPolicy;

  constructor(scope: Construct, id: string, props: ReferralDistributionProps) {
    super(scope, id);
    // HTTPS with TLS 1.2 (the origin's defaults); one OAC (sigv4, always sign) made by the origin.
    const redirectOrigin = origins.FunctionUrlOrigin.withOriginAccessControl(props.redirectUrl);
    this.redirectRequests = redirectOriginRequestPolicy(this, 'RedirectRequests');

    const uncachedRedirect: cloudfront.BehaviorOptions = {
      origin: redirectOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: this.redirectRequests,
      compress: false,
    };
    const guests: cloudfront.BehaviorOptions = {
      ...uncachedRedirect,
      // A throttled redirect (Lambda's 429), a refused signature (403) or a 5xx becomes a 302 to the fallback.
      ...(props.guestFallback ? { edgeLambdas: [{ eventType: cloudfront.LambdaEdgeEventType.ORIGIN_RESPONSE, functionVersion: props.guestFallback }] } : {}),
    };
    const custom = props.domainName !== undefined && props.certificateArn !== undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'reftrack: referral links (/ref/*), dashboard, analyst API (/api/*), outreach assets',
      defaultBehavior: props.site?.defaultBehavior ?? uncachedRedirect,
      additionalBehaviors: { '/ref/*': guests, '/ref': guests, ...props.site?.behaviors },
      ...(props.site?.defaultBehavior ? { defaultRootObject: 'index.html' } : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Standard logs would store every guest's address and user agent (reftrack never stores a raw
      // IP); request counts, errors and WAF decisions are in CloudWatch metrics instead.
      enableLogging: false,
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
      { id: 'AwsSolutions-CFR3', reason: 'Standard logs record the client IP address and user agent of every guest; reftrack never stores a raw IP. CloudFront and WAF metrics cover operations.' },
    );
    if (!props.webAclArn) acknowledge(this.distribution, { id: 'AwsSolutions-CFR2', reason: 'Built without the Edge stack (tests): deployments attach the per-client rate-limit web ACL.' });
    if (!custom) {
      acknowledge(this.distribution, {
        id: 'AwsSolutions-CFR4',
        reason: 'Without an alternate domain the distribution uses the default *.cloudfront.net certificate, whose TLS policy cannot be set; with -c domainName/certificateArn it is TLSv1.2_2021.',
      });
    }
  }
}
