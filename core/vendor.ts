import { z } from 'zod';
import { VENDOR_CODE_PATTERN, type VendorCode } from './vendor-code.ts';

export const httpsUrl = z
  .string()
  .url()
  .refine((s) => URL.canParse(s) && new URL(s).protocol === 'https:', { message: 'must be an https:// URL' })
  // `https://user:pass@host/` puts credentials in every guest's address bar and history, and
  // `https://queenofsandiego.com@evil.example/` reads like the real site: refuse both.
  .refine((s) => !URL.canParse(s) || (new URL(s).username === '' && new URL(s).password === '' && !/^https:\/\/[^/?#]*@/i.test(s)), {
    message: 'must not contain a user name or password (user:pass@)',
  });

/** Per-vendor overrides of the UTM parameters put on the destination. */
export const UtmOverrides = z
  .object({
    utm_source: z.string().min(1).max(100),
    utm_medium: z.string().min(1).max(100),
    utm_campaign: z.string().min(1).max(100),
  })
  .partial()
  .strict();
export type UtmOverrides = z.infer<typeof UtmOverrides>;

export const VendorStatus = z.enum(['active', 'paused']);
export type VendorStatus = z.infer<typeof VendorStatus>;

export const Vendor = z
  .object({
    code: z.string().regex(VENDOR_CODE_PATTERN).transform((s) => s as VendorCode),
    name: z.string().min(1).max(120),
    /** Where this vendor's guests land; when absent, the deployment's configured destination. */
    destination: httpsUrl.optional(),
    status: VendorStatus.default('active'),
    utm: UtmOverrides.optional(),
  })
  .strict();
export type Vendor = z.infer<typeof Vendor>;

export const VendorList = z.array(Vendor);
