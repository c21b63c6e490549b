import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface GuestRateLimitProps {
  readonly namePrefix: string;
  /** Requests per minute one client address may send to /ref/*. */
  readonly requestsPerMinute: number;
  /** Where a client over the limit is redirected. */
  readonly fallbackUrl: string;
}

/**
 * The per-client limit in front of /ref/* (a CLOUDFRONT-scope web ACL; must live in us-east-1).
 * The redirect's concurrency is shared by every guest, so a single client flooding it would get
 * everyone a 429; WAF counts per client address at the edge instead, and a client over the
 * limit gets a 302 to the fallback (WAF answers itself: the request never reaches the origin, and
 * a guest behind the same address still lands somewhere useful, never on an error page).
 * Sampled requests are off: they would keep client addresses, which reftrack never stores.
 */
export class GuestRateLimit extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: GuestRateLimitProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: false });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.namePrefix}-guests`,
      description: 'reftrack - per-client rate limit on /ref/, over the limit a 302 to the fallback',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${props.namePrefix}-guests`),
      rules: [
        {
          name: 'ref-rate-per-client',
          priority: 0,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              evaluationWindowSec: 60,
              limit: props.requestsPerMinute,
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: '/ref/',
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 302,
                responseHeaders: [
                  { name: 'location', value: props.fallbackUrl },
                  { name: 'cache-control', value: 'no-store' },
                ],
              },
            },
          },
          visibilityConfig: visibility(`${props.namePrefix}-ref-rate-per-client`),
        },
      ],
    });
  }
}
