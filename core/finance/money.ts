/** Money as integer cents. Never a float: a payout is a count times an integer rate. */
import { ValidationError } from '../errors.ts';

export type Cents = number;

export function multiplyCents(count: number, rateCents: Cents): Cents {
  const product = count * rateCents;
  if (!Number.isSafeInteger(product)) throw new ValidationError(`amount ${count} x ${rateCents} cents is too large to represent exactly`);
  return product;
}

/** `1250` -> `"12.50"`, by integer arithmetic only. */
export function formatCents(cents: Cents): string {
  if (!Number.isSafeInteger(cents)) throw new ValidationError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
