/** The visitor identity unique counting and payouts rest on. */
import { describe, expect, it } from 'vitest';
import { visitorHash } from '../../core/visitor.ts';

const KEY = 'k'.repeat(32);
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)';

describe('visitorHash', () => {
  it('two guests with the same browser but different IPs are two visitors', () => {
    expect(visitorHash(KEY, '198.51.100.7', UA, '2026-11-25')).not.toBe(visitorHash(KEY, '198.51.100.8', UA, '2026-11-25'));
  });

  it('the same address with another browser is another visitor; the same guest the next day is new', () => {
    const guest = visitorHash(KEY, '198.51.100.7', UA, '2026-11-25');
    expect(visitorHash(KEY, '198.51.100.7', `${UA} Safari`, '2026-11-25')).not.toBe(guest);
    expect(visitorHash(KEY, '198.51.100.7', UA, '2026-11-26')).not.toBe(guest);
    expect(visitorHash(KEY, '198.51.100.7', UA, '2026-11-25')).toBe(guest);
  });

  it('fields cannot slide into each other (ip "1.2.3.4" + ua "5x" is not ip "1.2.3.45" + ua "x")', () => {
    expect(visitorHash(KEY, '1.2.3.4', '5x', '2026-11-25')).not.toBe(visitorHash(KEY, '1.2.3.45', 'x', '2026-11-25'));
  });

  it('is keyed: without the key the hash of an address cannot be recomputed', () => {
    expect(visitorHash('another-key-0123456789abcdef012345', '198.51.100.7', UA, '2026-11-25')).not.toBe(visitorHash(KEY, '198.51.100.7', UA, '2026-11-25'));
  });

  it('is 128 bits of base64url (22 characters) of HMAC-SHA256 over ip, user agent and day', () => {
    // Known answer, computed independently: printf '198.51.100.7\nua\n2026-11-25' | openssl dgst -sha256 -hmac kkkk…k -binary | base64 | tr '+/' '-_' | cut -c1-22
    expect(visitorHash(KEY, '198.51.100.7', 'ua', '2026-11-25')).toBe('0fPR3NcxcA7j0uw4buk7wn');
  });
});
