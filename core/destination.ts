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

/** The shape of every click id a counted click gets (a ULID): characters a query string carries as they are. */
const CLICK_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** Stands in for the click id while a vendor's destination is built once; a ULID of the same length. */
const PLACEHOLDER = 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';
const MAX_TEMPLATES_PER_VENDOR = 256;

/** A destination built once with the placeholder for its click id: the text before and after it. */
type Template = { readonly before: string; readonly after: string } | null;
/** Per vendor object (a refreshed vendor list brings new objects, so an edited vendor is never served stale). */
const templates = new WeakMap<DestinationInput['vendor'], Map<string, Template>>();

/**
 * `buildDestination` for a counted click, built once per vendor, placement and term instead of
 * on every click (parsing and re-serialising the URL is a tenth of the handler's work). A click id
 * is 26 characters the query string carries unchanged, so the URL built with the placeholder,
 * with the placeholder swapped for the id, is the very string `buildDestination` returns; when
 * that cannot be relied on (an id of another shape, a destination that happens to contain the
 * placeholder), it builds the URL as before.
 */
export function clickDestination(input: DestinationInput & { readonly clickId: string }): string {
  if (!CLICK_ID.test(input.clickId)) return buildDestination(input);
  let perVendor = templates.get(input.vendor);
  if (!perVendor) templates.set(input.vendor, (perVendor = new Map()));
  // Sanitized tokens are [a-z0-9._~-]: a tab or a newline never occurs in one.
  const key = `${input.defaultDestination}\t${input.preset}\t${input.placement ?? '\n'}\t${input.term ?? '\n'}`;
  let template = perVendor.get(key);
  if (template === undefined) {
    const built = buildDestination({ ...input, clickId: PLACEHOLDER });
    const at = built.indexOf(`ref_cid=${PLACEHOLDER}`) + 'ref_cid='.length;
    template = at >= 'ref_cid='.length && built.indexOf(PLACEHOLDER) === built.lastIndexOf(PLACEHOLDER) ? { before: built.slice(0, at), after: built.slice(at + PLACEHOLDER.length) } : null;
    if (perVendor.size >= MAX_TEMPLATES_PER_VENDOR) perVendor.clear();
    perVendor.set(key, template);
  }
  return template ? template.before + input.clickId + template.after : buildDestination(input);
}
