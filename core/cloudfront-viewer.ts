import ipaddr from 'ipaddr.js';

/**
 * The header CloudFront adds to every origin request with a secret value (the distribution's
 * origin custom header); the redirect believes CloudFront-* headers only when it matches.
 */
export const ORIGIN_VERIFY_HEADER = 'x-reftrack-origin-verify';

/**
 * The address in `CloudFront-Viewer-Address` (`203.0.113.7:46532`, `2001:db8::1:46532`: the port
 * follows the last colon). Anything that is not an IP address is ignored (undefined), so a made-up
 * value can never become a visitor or a network.
 */
export function viewerAddress(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const colon = header.lastIndexOf(':');
  if (colon <= 0 || !/^\d{1,5}$/.test(header.slice(colon + 1))) return undefined;
  const host = header.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(host) && (ipaddr.IPv4.isValidFourPartDecimal(host) || host.includes(':')) ? host : undefined;
}

/** `CloudFront-Viewer-Country`: two letters, upper-cased; anything else is no country. */
export function viewerCountry(header: string | undefined): string | null {
  return header && /^[A-Za-z]{2}$/.test(header) ? header.toUpperCase() : null;
}
