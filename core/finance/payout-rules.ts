/**
 * The payout rules file (config/payout-rules.json): per vendor, a rate per qualified click,
 * an optional monthly cap (on click earnings), an optional minimum payout and an optional
 * commission on bookings, all in integer cents of one currency.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { jsonSyntaxProblem } from '../untrusted-text.ts';
import { VENDOR_CODE_PATTERN, type VendorCode } from '../vendor-code.ts';

const cents = z.number().int({ message: 'must be a whole number of cents' }).min(0).max(1_000_000_000);

/** Commission on bookings (core/finance/commission.ts): flat cents per booking OR basis points of its value. */
export const CommissionRuleSchema = z
  .object({
    flatCents: cents.nullable().default(null),
    /** 1000 = 10% of the booking's value. */
    basisPoints: z.number().int({ message: 'must be a whole number of basis points' }).min(1).max(10_000).nullable().default(null),
    /** Paid only in the month in which tripDate + holdDays falls; null = with the booking. */
    holdDays: z.number().int().min(0).max(730).nullable().default(null),
  })
  .strict()
  .refine((r) => (r.flatCents === null) !== (r.basisPoints === null), { message: 'give exactly one of flatCents or basisPoints' });

export const VendorPayoutRule = z
  .object({
    /** Paid per qualified click. */
    rateCents: cents,
    /** The most one month can earn (before the carried-in balance); absent = no cap. */
    monthlyCapCents: cents.nullable().default(null),
    /** A month whose amount due is below this pays nothing and carries the amount forward. */
    minimumPayoutCents: cents.default(0),
    /** Commission on the bookings this vendor's guests make; absent = clicks only. */
    commission: CommissionRuleSchema.nullable().default(null),
    /** The vendor's name on a statement for a month without clicks (otherwise the export lines name it). */
    name: z.string().min(1).max(120).optional(),
  })
  .strict();
export type VendorPayoutRule = z.infer<typeof VendorPayoutRule>;

export const PayoutRules = z
  .object({
    $comment: z.string().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as USD' }),
    vendors: z.record(z.string().regex(VENDOR_CODE_PATTERN, { message: 'must be a vendor code' }), VendorPayoutRule),
  })
  .strict();
export type PayoutRules = { readonly currency: string; readonly vendors: ReadonlyMap<VendorCode, VendorPayoutRule> };

/** A rules file that cannot be used; nothing is computed from it. */
export class PayoutRulesError extends ValidationError {}

/**
 * Parses the file's text; `knownVendors`, when given, are the vendor codes that exist, and a
 * rule for another code is an error. `reftrack payouts` reads no vendor list (it pays from the
 * export alone): there a typo shows up as the real vendor having clicks and no rule.
 */
export function parsePayoutRules(text: string, file: string, knownVendors?: ReadonlySet<string>): { rules: PayoutRules; sha256: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PayoutRulesError(`${file}: ${jsonSyntaxProblem(cause)}`, { cause });
  }
  const result = PayoutRules.safeParse(json);
  if (!result.success) throw new PayoutRulesError(`${file}: ${result.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  const unknown = knownVendors ? Object.keys(result.data.vendors).filter((code) => !knownVendors.has(code)).sort() : [];
  if (unknown.length > 0) throw new PayoutRulesError(`${file}: unknown vendor${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')} (not in the vendor list)`);
  const vendors = new Map(Object.entries(result.data.vendors).sort(([a], [b]) => (a < b ? -1 : 1)) as Array<[VendorCode, VendorPayoutRule]>);
  return { rules: { currency: result.data.currency, vendors }, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}
