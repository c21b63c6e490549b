/** Staff ranges: clicks from the business's own network are recorded but never paid. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { isInternal, parseCidrs } from '../../core/internal-traffic.ts';

describe('isInternal', () => {
  const office = parseCidrs(['203.0.113.0/24', '198.51.100.64/26']);

  it('with two staff ranges, a click in either is internal', () => {
    expect(isInternal('203.0.113.7', office)).toBe(true);
    expect(isInternal('198.51.100.100', office)).toBe(true);
  });

  it('the range ends are exact: first and last address in, the neighbours out', () => {
    expect(['198.51.100.64', '198.51.100.127'].map((ip) => isInternal(ip, office))).toEqual([true, true]);
    expect(['198.51.100.63', '198.51.100.128', '203.0.112.255', '203.0.114.0'].map((ip) => isInternal(ip, office))).toEqual([false, false, false, false]);
  });

  it('an IPv6 guest when only IPv4 staff ranges are set is a guest (and nothing throws)', () => {
    expect(isInternal('2001:db8::1', office)).toBe(false);
    expect(isInternal('::1', office)).toBe(false);
  });

  it('an IPv4 guest when only IPv6 staff ranges are set is a guest', () => {
    expect(isInternal('203.0.113.7', parseCidrs(['2001:db8::/32']))).toBe(false);
  });

  it('IPv6 staff ranges match IPv6 guests; a mixed list matches both families', () => {
    const mixed = parseCidrs(['2001:db8:aa::/48', '203.0.113.0/24']);
    expect(isInternal('2001:db8:aa:1::5', mixed)).toBe(true);
    expect(isInternal('2001:db8:ab::5', mixed)).toBe(false);
    expect(isInternal('203.0.113.200', mixed)).toBe(true);
  });

  it('an IPv4-mapped IPv6 address is matched as the IPv4 address it carries', () => {
    expect(isInternal('::ffff:203.0.113.9', office)).toBe(true);
    expect(isInternal('::ffff:192.0.2.9', office)).toBe(false);
  });

  it('no address, an unparsable one, or no ranges: never internal', () => {
    expect(isInternal(undefined, office)).toBe(false);
    expect(isInternal('', office)).toBe(false);
    expect(isInternal('garbage', office)).toBe(false);
    expect(isInternal('203.0.113.7', parseCidrs([]))).toBe(false);
  });
});

describe('parseCidrs', () => {
  it('accepts IPv4 and IPv6 ranges with spaces around them', () => {
    const ranges = parseCidrs([' 10.0.0.0/8', '2001:db8::/32 ']);
    expect(ranges.map(([addr, bits]) => `${addr.toString()}/${bits}`)).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  });

  it('a bad entry is a ValidationError naming it, with the parser error as its cause', () => {
    let caught: unknown;
    try {
      parseCidrs(['10.0.0.0/8', '10.0.0.0/33']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as Error).message).toBe('"10.0.0.0/33" is not a CIDR range (e.g. 203.0.113.0/24)');
    expect((caught as Error).cause).toBeInstanceOf(Error);
    expect(() => parseCidrs(['office'])).toThrow('"office" is not a CIDR range');
  });
});
