import { describe, expect, it } from 'vitest';
import { networkHash, networkOf, visitorHash } from '../../core/visitor.ts';

const KEY = 'test-visitor-hash-key-0123456789abcdef';

describe('networkOf: the unit of the per-network rules', () => {
  it('an IPv4 address is its own network', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('203.0.113.8')).not.toBe(networkOf('203.0.113.7'));
  });

  it('every address of one IPv6 /64 is one network; the next /64 is another', () => {
    expect(networkOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });

  it('an IPv4-mapped IPv6 address counts as the IPv4 address', () => {
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('something that is not an address is `unknown`, never the string itself', () => {
    expect(networkOf('not-an-ip')).toBe('unknown');
    expect(networkOf(undefined)).toBe('unknown');
    expect(networkOf('')).toBe('unknown');
  });
});

describe('networkHash', () => {
  it('is keyed, per day, and the same for every address of a /64', () => {
    const a = networkHash(KEY, '2001:db8:1:2::1', '2026-11-10');
    expect(networkHash(KEY, '2001:db8:1:2::beef', '2026-11-10')).toBe(a);
    expect(networkHash(KEY, '2001:db8:1:2::1', '2026-11-11')).not.toBe(a);
    expect(networkHash(`${KEY}x`, '2001:db8:1:2::1', '2026-11-10')).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never equals the visitor hash of the same address (separate domains inside one key)', () => {
    expect(networkHash(KEY, '203.0.113.7', '2026-11-10')).not.toBe(visitorHash(KEY, '203.0.113.7', '', '2026-11-10'));
  });
});
