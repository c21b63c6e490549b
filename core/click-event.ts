import { z } from 'zod';
import { VENDOR_CODE_PATTERN, type VendorCode } from './vendor-code.ts';

/** Fetch metadata as the browser sent it; each token lower-case `[a-z0-9-]`, at most 32 characters. */
export const FetchMetadata = z.object({
  mode: z.string().regex(/^[a-z0-9-]{1,32}$/).nullable(),
  dest: z.string().regex(/^[a-z0-9-]{1,32}$/).nullable(),
  site: z.string().regex(/^[a-z0-9-]{1,32}$/).nullable(),
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
  clickId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
  vendorCode: z.string().regex(VENDOR_CODE_PATTERN).transform((s) => s as VendorCode),
  /** The vendor's display name as of the click, so renaming a vendor never rewrites history. */
  vendorName: z.string().min(1).max(120),
  /** ISO 8601 UTC with milliseconds. */
  ts: z.string().datetime({ precision: 3 }),
  /** Business day `YYYY-MM-DD` in the deployment's time zone at click time. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Keyed HMAC of ip + user agent + day; never reversible to the address without the key. */
  visitorHash: z.string().min(16).max(64),
  bot: z.object({
    isBot: z.boolean(),
    reason: z.enum(['human', 'empty-user-agent', 'prefetch', 'link-preview', 'isbot', 'subresource']),
    ruleVersion: z.number().int().positive(),
  }),
  /**
   * Keyed HMAC of the guest's network (the IPv4 address, or the IPv6 /64) + day: the unit of the
   * per-network cap and the velocity rule. Absent on events recorded before bot rule version 2.
   */
  networkHash: z.string().min(16).max(64).optional(),
  /**
   * The browser's fetch metadata (`Sec-Fetch-Mode`, `-Dest`, `-Site`, `-User`), sanitized, so the
   * bot rules can be re-run on stored events. null: the browser sent none; absent: recorded before v2.
   */
  fetch: FetchMetadata.nullable().optional(),
  /** Came from one of the business's own network ranges: never paid. */
  internal: z.boolean(),
  userAgent: z.string().max(256),
  refererHost: z.string().max(253).nullable(),
  country: z.string().regex(/^[A-Z]{2}$/).nullable(),
  /** Sanitized incoming utm_content, e.g. `qr` for a printed counter card. */
  placement: z.string().max(64).nullable(),
  /** The exact URL the guest was sent to. */
  destination: z.string().url(),
});
export type ClickEvent = z.infer<typeof ClickEvent>;

export const USER_AGENT_MAX = 256;
