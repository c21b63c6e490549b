import { VENDOR_PREVIEW } from '../core/outreach/links.ts';

/**
 * Every request header the redirect reads, and nothing else. The redirect app reads headers only
 * through this list (its type), and CloudFront's origin request policy for `/ref/*` forwards
 * exactly these (infra/constructs/redirect-origin-policy.ts), so a header the code starts to
 * read cannot silently be missing in AWS.
 */
export const REDIRECT_REQUEST_HEADERS = [
  'user-agent',
  'referer',
  // Prefetch and prerender hints (bot/prefetch verdict); browsers and proxies use different names.
  'sec-purpose',
  'purpose',
  'x-purpose',
  'x-moz',
  // Fetch metadata: a top-level navigation by a person, or a prefetch/image/embed (bot verdict).
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-site',
  'sec-fetch-user',
  // Added by CloudFront when the origin request policy asks for them.
  'cloudfront-viewer-country',
  'cloudfront-viewer-address',
] as const;
export type RedirectRequestHeader = (typeof REDIRECT_REQUEST_HEADERS)[number];

/**
 * The query-string parameters the redirect reads (the rest of the query is ignored), through this
 * list's type like the headers: CloudFront forwards exactly these. `preview` was read but not on
 * the list, so in AWS a vendor opening their own link from the outreach e-mail was counted.
 */
export const REDIRECT_QUERY_PARAMETERS = ['utm_content', 'utm_term', VENDOR_PREVIEW.param] as const;
export type RedirectQueryParameter = (typeof REDIRECT_QUERY_PARAMETERS)[number];
