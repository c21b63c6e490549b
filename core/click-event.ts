import { z } from 'zod';
import { VENDOR_CODE_PATTERN, type VendorCode } from './vendor-code.ts';

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
    reason: z.enum(['human', 'empty-user-agent', 'prefetch', 'link-preview', 'isbot']),
    ruleVersion: z.number().int().positive(),
  }),
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
