import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { REDIRECT_QUERY_PARAMETERS, REDIRECT_REQUEST_HEADERS } from '../../http/redirect-headers.ts';

/**
 * What CloudFront sends the redirect: exactly the headers it reads (http/redirect-headers.ts),
 * including CloudFront-Viewer-Address and -Country, which CloudFront adds only when a policy asks
 * for them, and the query parameters it reads. Nothing else reaches the function (no cookies, no
 * Host: CloudFront's origin access control signs the function URL's own host name). Without CloudFront-Viewer-Address the redirect would
 * hash every guest of one edge as one visitor; it counts that case (ViewerAddressMissing, alarmed).
 */
export function redirectOriginRequestPolicy(scope: Construct, id: string): cloudfront.OriginRequestPolicy {
  return new cloudfront.OriginRequestPolicy(scope, id, {
    comment: 'reftrack /ref/*: the headers and query parameters the redirect reads',
    headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...REDIRECT_REQUEST_HEADERS),
    queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.allowList(...REDIRECT_QUERY_PARAMETERS),
    cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
  });
}
