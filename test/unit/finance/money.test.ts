import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { formatCents, multiplyCents } from '../../../core/finance/money.ts';

describe('formatCents', () => {
  it('writes whole units, a dot and exactly two digits of cents', () => {
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(99)).toBe('0.99');
    expect(formatCents(100)).toBe('1.00');
    expect(formatCents(1250)).toBe('12.50');
    expect(formatCents(123456789)).toBe('1234567.89');
  });

  it('puts the sign in front of negative amounts (a correction), never on zero', () => {
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(-1250)).toBe('-12.50');
    expect(formatCents(-100)).toBe('-1.00');
  });

  it('round-trips every safe integer through its text exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (cents) => {
        const text = formatCents(cents);
        expect(text).toMatch(/^-?\d+\.\d{2}$/);
        const negative = text.startsWith('-');
        const [units, hundredths] = text.replace('-', '').split('.') as [string, string];
        const back = BigInt(units) * 100n + BigInt(hundredths);
        expect(negative ? -back : back).toBe(BigInt(cents));
      }),
    );
  });

  it('refuses a fraction of a cent or an unsafe integer, saying which value', () => {
    expect(() => formatCents(0.1 + 0.2)).toThrow(new ValidationError('not a whole number of cents: 0.30000000000000004'));
    expect(() => formatCents(2 ** 53)).toThrow(ValidationError);
    expect(() => formatCents(Number.NaN)).toThrow('not a whole number of cents: NaN');
  });
});

describe('multiplyCents', () => {
  it('is the exact product of a count and a rate', () => {
    expect(multiplyCents(3, 125)).toBe(375);
    expect(multiplyCents(0, 125)).toBe(0);
    expect(multiplyCents(1, 0)).toBe(0);
  });

  it('refuses a product too large to represent exactly, naming both factors', () => {
    expect(() => multiplyCents(2 ** 40, 2 ** 20)).toThrow(new ValidationError('amount 1099511627776 x 1048576 cents is too large to represent exactly'));
    // The largest exact product is accepted.
    expect(multiplyCents(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
