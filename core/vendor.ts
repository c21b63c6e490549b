import './validation.ts';
import * as z from 'zod/mini';
import { VENDOR_CODE_PATTERN, type VendorCode } from './vendor-code.ts';

export const httpsUrl = z.url().check(
  z.refine((s) => URL.canParse(s) && new URL(s).protocol === 'https:', { message: 'must be an https:// URL' }),
  // `https://user:pass@host/` puts credentials in every guest's address bar and history, and
  // `https://queenofsandiego.com@evil.example/` reads like the real site: refuse both.
  z.refine((s) => !URL.canParse(s) || (new URL(s).username === '' && new URL(s).password === '' && !/^https:\/\/[^/?#]*@/i.test(s)), {
    message: 'must not contain a user name or password (user:pass@)',
  }),
);

/** Per-vendor overrides of the UTM parameters put on the destination. */
const utmValue = () => z.optional(z.string().check(z.minLength(1), z.maxLength(100)));
export const UtmOverrides = z.strictObject({
  utm_source: utmValue(),
  utm_medium: utmValue(),
  utm_campaign: utmValue(),
});
export type UtmOverrides = z.infer<typeof UtmOverrides>;

export const VendorStatus = z.enum(['active', 'paused']);
export type VendorStatus = z.infer<typeof VendorStatus>;

export const Vendor = z.strictObject({
  code: z.pipe(z.string().check(z.regex(VENDOR_CODE_PATTERN)), z.transform((s) => s as VendorCode)),
  name: z.string().check(z.minLength(1), z.maxLength(120)),
  /** Where this vendor's guests land; when absent, the deployment's configured destination. */
  destination: z.optional(httpsUrl),
  status: z._default(VendorStatus, 'active'),
  utm: z.optional(UtmOverrides),
});
export type Vendor = z.infer<typeof Vendor>;

export const VendorList = z.array(Vendor);
