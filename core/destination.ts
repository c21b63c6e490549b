import type { Vendor } from './vendor.ts';

/**
 * `ga4`: utm_source=<code>, utm_medium=referral, utm_campaign=vendor-referral, so GA4's
 * default channel grouping files the session under Referral with the vendor as source.
 * `seed`: the original system's mapping (utm_source=referral&utm_medium=<code>), kept for
 * continuity with historic reports; GA4 puts those sessions in "Unassigned".
 */
export type UtmPreset = 'ga4' | 'seed';

export interface DestinationInput {
  readonly vendor: Vendor;
  /** The deployment's default destination, used when the vendor has none of its own. */
  readonly defaultDestination: string;
  readonly preset: UtmPreset;
  /** Sanitized incoming utm_content (the placement, e.g. `qr`), passed through. */
  readonly placement: string | null;
  /** Sanitized incoming utm_term, passed through. */
  readonly term: string | null;
  /** Present for a counted click; GA4 can join sessions to click events on it. */
  readonly clickId: string | null;
}

/**
 * The guest's landing URL. It is built only from configuration plus sanitized values,
 * never from the request URL, so the redirect cannot be turned into an open redirect.
 * Parameters already on the vendor's destination are kept unless a UTM value replaces them.
 */
export function buildDestination(input: DestinationInput): string {
  const url = new URL(input.vendor.destination ?? input.defaultDestination);
  const base =
    input.preset === 'seed'
      ? { utm_source: 'referral', utm_medium: input.vendor.code, utm_campaign: undefined }
      : { utm_source: input.vendor.code, utm_medium: 'referral', utm_campaign: 'vendor-referral' };
  const utm = { ...base, ...input.vendor.utm };
  for (const [key, value] of Object.entries(utm)) if (value) url.searchParams.set(key, value);
  if (input.placement) url.searchParams.set('utm_content', input.placement);
  if (input.term) url.searchParams.set('utm_term', input.term);
  if (input.clickId) url.searchParams.set('ref_cid', input.clickId);
  return url.toString();
}

/**
 * Incoming utm_content / utm_term: kept only as a short token of safe characters.
 * Anything else is dropped (not escaped) so a hostile value never reaches a header or an export.
 */
export function sanitizeToken(raw: string | undefined, max = 64): string | null {
  if (raw === undefined) return null;
  const token = raw.trim().toLowerCase().replace(/[^a-z0-9._~-]/g, '').slice(0, max);
  return token === '' ? null : token;
}
