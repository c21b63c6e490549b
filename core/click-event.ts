import './validation.ts';
import * as z from 'zod/mini';
import { VENDOR_CODE_PATTERN, type VendorCode } from './vendor-code.ts';

/** Fetch metadata as the browser sent it; each token lower-case `[a-z0-9-]`, at most 32 characters. */
const fetchToken = () => z.nullable(z.string().check(z.regex(/^[a-z0-9-]{1,32}$/)));
export const FetchMetadata = z.object({
  mode: fetchToken(),
  dest: fetchToken(),
  site: fetchToken(),
  /** `Sec-Fetch-User: ?1`: the navigation was started by the user (a click or tap). */
  user: z.boolean(),
});
export type FetchMetadata = z.infer<typeof FetchMetadata>;

/**
 * One guest click, as appended to the event log. Immutable: nothing ever updates it;
 * counters and exports are projections of it. Field names are the export schema's too.
 */
export const ClickEvent = z.object({
  schemaVersion: z.literal(1),
  /** ULID: unique, and sorts by time. */
  clickId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/)),
  vendorCode: z.pipe(z.string().check(z.regex(VENDOR_CODE_PATTERN)), z.transform((s) => s as VendorCode)),
  /** The vendor's display name as of the click, so renaming a vendor never rewrites history. */
  vendorName: z.string().check(z.minLength(1), z.maxLength(120)),
  /** ISO 8601 UTC with milliseconds. */
  ts: z.iso.datetime({ precision: 3 }),
  /** Business day `YYYY-MM-DD` in the deployment's time zone at click time. */
  day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  /** Keyed HMAC of ip + user agent + day; never reversible to the address without the key. */
  visitorHash: z.string().check(z.minLength(16), z.maxLength(64)),
  bot: z.object({
    isBot: z.boolean(),
    reason: z.enum(['human', 'empty-user-agent', 'prefetch', 'link-preview', 'isbot', 'subresource']),
    ruleVersion: z.int().check(z.positive()),
  }),
  /**
   * Keyed HMAC of the guest's network (the IPv4 address, or the IPv6 /64) + day: the unit of the
   * per-network cap and the velocity rule. Absent on events recorded before bot rule version 2.
   */
  networkHash: z.optional(z.string().check(z.minLength(16), z.maxLength(64))),
  /**
   * The browser's fetch metadata (`Sec-Fetch-Mode`, `-Dest`, `-Site`, `-User`), sanitized, so the
   * bot rules can be re-run on stored events. null: the browser sent none; absent: recorded before v2.
   */
  fetch: z.optional(z.nullable(FetchMetadata)),
  /** Came from one of the business's own network ranges: never paid. */
  internal: z.boolean(),
  userAgent: z.string().check(z.maxLength(256)),
  refererHost: z.nullable(z.string().check(z.maxLength(253))),
  country: z.nullable(z.string().check(z.regex(/^[A-Z]{2}$/))),
  /** Sanitized incoming utm_content, e.g. `qr` for a printed counter card. */
  placement: z.nullable(z.string().check(z.maxLength(64))),
  /** The exact URL the guest was sent to. */
  destination: z.url(),
});
export type ClickEvent = z.infer<typeof ClickEvent>;

export const USER_AGENT_MAX = 256;
