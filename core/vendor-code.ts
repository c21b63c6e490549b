import { MalformedVendorCodeError } from './errors.ts';

/** A vendor's URL-safe referral code, e.g. `solare`. Branded so only `parseVendorCode` makes one. */
export type VendorCode = string & { readonly __brand: 'VendorCode' };

export const VENDOR_CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Longest raw input we look at; anything longer is malformed without further work. */
const MAX_RAW_LENGTH = 64;

/**
 * Trims and lower-cases, then accepts only `[a-z0-9][a-z0-9-]{0,31}`.
 * Unicode look-alikes are rejected rather than folded: `ſolare` must not become `solare`.
 */
export function parseVendorCode(raw: string): VendorCode {
  if (raw.length > MAX_RAW_LENGTH) throw new MalformedVendorCodeError('vendor code is too long');
  const code = raw.trim().toLowerCase();
  // toLowerCase can map non-ASCII letters onto ASCII ones (e.g. Kelvin sign K -> k); check the raw input is ASCII too.
  if (!/^[\x20-\x7e]*$/.test(raw) || !VENDOR_CODE_PATTERN.test(code)) {
    throw new MalformedVendorCodeError('vendor code must match [a-z0-9][a-z0-9-]{0,31}');
  }
  return code as VendorCode;
}

/**
 * A printable, bounded rendering of untrusted input for logs: control characters
 * are replaced and the length capped, so a hostile path can never forge a log line.
 */
export function describeUntrusted(raw: string, max = 64): string {
  const cleaned = raw.replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > max ? `${cleaned.slice(0, max)}…(${raw.length} chars)` : cleaned;
}
