/** zod pieces for CLI flags, shared by every command. */
import * as z from 'zod';
import { BusinessDayString } from '../core/business-day.ts';
import { VENDOR_CODE_PATTERN, type VendorCode } from '../core/vendor-code.ts';

export const vendorCodeArg = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => VENDOR_CODE_PATTERN.test(s), { message: 'must be a vendor code like "solare" ([a-z0-9][a-z0-9-]{0,31})' })
  .transform((s) => s as VendorCode);

export const dayArg = BusinessDayString;

export const positiveIntArg = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, { message: `must be between 1 and ${max}` });
