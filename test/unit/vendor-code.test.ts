import { describe, expect, it } from 'vitest';
import { MalformedVendorCodeError } from '../../core/errors.ts';
import { describeUntrusted, parseVendorCode } from '../../core/vendor-code.ts';

describe('parseVendorCode', () => {
  it.each([
    ['solare', 'solare'],
    ['  Solare ', 'solare'],
    ['BOARDBREW', 'boardbrew'],
    ['gb-vintners', 'gb-vintners'],
    ['a', 'a'],
    ['0abc', '0abc'],
    ['a'.repeat(32), 'a'.repeat(32)],
  ])('accepts %j as %j', (raw, code) => {
    expect(parseVendorCode(raw)).toBe(code);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['dot-dot after decoding %2e%2e', decodeURIComponent('%2e%2e')],
    ['raw percent-encoding', '%2e%2e'],
    ['CRLF injection', 'solare\r\nSet-Cookie: x=1'],
    ['NUL', 'sol\0are'],
    ['leading hyphen', '-solare'],
    ['underscore', 'sol_are'],
    ['slash', 'sol/are'],
    ['33 characters', 'a'.repeat(33)],
    ['1 KB', 'a'.repeat(1024)],
    ['Cyrillic look-alike', 'solаre'],
    ['Kelvin sign lower-cases to k', '\u212Aayak'],
    ['long s', 'ſolare'],
    ['right-to-left override', '\u202Esolare'],
    ['emoji', 'solare🍷'],
  ])('rejects %s', (_label, raw) => {
    expect(() => parseVendorCode(raw)).toThrow(MalformedVendorCodeError);
  });
});

describe('describeUntrusted', () => {
  it('replaces control and non-ASCII characters and caps the length', () => {
    expect(describeUntrusted('a\r\nb\u202E')).toBe('a??b?');
    const long = describeUntrusted('x'.repeat(200));
    expect(long.startsWith('x'.repeat(64))).toBe(true);
    expect(long).toContain('200 chars');
  });
});
