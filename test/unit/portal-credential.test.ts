/**
 * The vendor portal's signed link, without I/O: what it carries, and every way a changed, foreign,
 * expired, withdrawn or malformed token is refused (with the reason the portal logs).
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { acceptPortalToken, issuePortalToken, portalLink, PortalCredentialError, readPortalToken, type PortalEpochs } from '../../core/portal-credential.ts';
import type { VendorCode } from '../../core/vendor-code.ts';

const KEY = 'portal-signing-key-0123456789abcdef';
const OTHER_KEY = 'another-signing-key-0123456789abcdef';
const NOW = new Date('2026-12-01T12:00:00Z');
const nowS = NOW.getTime() / 1000;
const grant = { vendor: 'solare' as VendorCode, epoch: 2, expiresAt: nowS + 3600 };
const epochsAt = (current: number): PortalEpochs & { asked: string[] } => {
  const asked: string[] = [];
  return { asked, current: async (v) => (asked.push(v), current), revoke: async () => current + 1 };
};

/** The reason a token is refused (or 'accepted'), and the message it carries. */
function refusal(token: string, key = KEY, now = NOW): [string, string] {
  try {
    readPortalToken(token, key, now);
    return ['accepted', ''];
  } catch (error) {
    if (!(error instanceof PortalCredentialError)) throw error;
    return [error.reason, error.message];
  }
}

/** A token signed with KEY over any payload text (to build well-signed but wrong claims). */
function signedOver(payloadJson: string): string {
  const body = `rtp1.${Buffer.from(payloadJson, 'utf8').toString('base64url')}`;
  return `${body}.${createHmac('sha256', KEY).update(body, 'utf8').digest('base64url')}`;
}

describe('issuePortalToken / readPortalToken', () => {
  it('a token is rtp1.<payload>.<signature>, and reading it gives back exactly the grant', () => {
    const token = issuePortalToken(grant, KEY);
    expect(token).toMatch(/^rtp1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))).toEqual({ v: 'solare', e: 2, x: nowS + 3600 });
    expect(readPortalToken(token, KEY, NOW)).toEqual(grant);
  });

  it('the signature is HMAC-SHA256 over "rtp1." and the payload, with the signing key', () => {
    const token = issuePortalToken(grant, KEY);
    expect(token).toBe(signedOver(JSON.stringify({ v: 'solare', e: 2, x: nowS + 3600 })));
  });

  it('a short signing key or a non-vendor code is refused when issuing', () => {
    expect(() => issuePortalToken(grant, 'k'.repeat(31))).toThrow(new ValidationError('the portal signing key must be at least 32 characters'));
    expect(issuePortalToken(grant, 'k'.repeat(32))).toMatch(/^rtp1\./);
    expect(() => issuePortalToken({ ...grant, vendor: 'Not A Code' as VendorCode }, KEY)).toThrow(new ValidationError('not a vendor code: Not A Code'));
    expect(() => readPortalToken(issuePortalToken(grant, KEY), 'short', NOW)).toThrow(ValidationError);
  });

  it('expiry: valid until the second before expiresAt, refused from that second on', () => {
    const token = issuePortalToken(grant, KEY);
    expect(refusal(token, KEY, new Date((grant.expiresAt - 1) * 1000))).toEqual(['accepted', '']);
    expect(refusal(token, KEY, new Date((grant.expiresAt - 0.001) * 1000))).toEqual(['accepted', '']);
    expect(refusal(token, KEY, new Date(grant.expiresAt * 1000))).toEqual(['expired', 'this link has expired; ask for a new one']);
  });

  it('another key, a changed payload (another vendor, a later expiry) or a changed signature is a bad signature', () => {
    const token = issuePortalToken(grant, KEY);
    const [, payload, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ v: 'puesto', e: 2, x: nowS + 3600 })).toString('base64url');
    const later = Buffer.from(JSON.stringify({ v: 'solare', e: 2, x: nowS + 999_999 })).toString('base64url');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect([
      refusal(token, OTHER_KEY),
      refusal(`rtp1.${forged}.${signature}`),
      refusal(`rtp1.${later}.${signature}`),
      refusal(`rtp1.${payload}.${flipped}`),
      refusal(`rtp1.${payload}.${signature.slice(0, 20)}`),
    ]).toEqual(Array(5).fill(['bad-signature', 'this link is not valid']));
  });

  it('malformed: wrong prefix, too long, wrong number of parts, characters outside base64url, bad JSON, or claims of the wrong type', () => {
    const token = issuePortalToken(grant, KEY);
    const malformed: [string, string] = ['malformed', 'not a vendor portal link'];
    expect(refusal(token.replace('rtp1.', 'rtp2.'))).toEqual(malformed);
    expect(refusal(`${token}${'A'.repeat(513 - token.length)}`)).toEqual(malformed);
    // 512 characters is still read (and fails its signature); 513 is not read at all.
    const at512 = `rtp1.${'A'.repeat(512 - 5 - 1 - 43)}.${token.split('.')[2]}`;
    expect(at512).toHaveLength(512);
    expect(refusal(at512)).toEqual(['bad-signature', 'this link is not valid']);
    expect(refusal(`${token}.extra`)).toEqual(malformed);
    expect(refusal(token.split('.').slice(0, 2).join('.'))).toEqual(malformed);
    expect(refusal(token.replace(/\.([^.]+)$/, '.+$1'))).toEqual(malformed);
    expect(refusal(`rtp1.${token.split('.')[1]}!.${token.split('.')[2]}`)).toEqual(malformed);
    expect(refusal(`rtp1.!${token.split('.')[1]}.${token.split('.')[2]}`)).toEqual(malformed);
    expect(refusal(`${token}!`)).toEqual(malformed);
    expect(refusal('rtp1..')).toEqual(malformed);
    expect(refusal(signedOver('{not json'))).toEqual(malformed);
    expect(refusal(signedOver(JSON.stringify({ v: 'Solare!', e: 2, x: nowS + 60 })))).toEqual(malformed);
    expect(refusal(signedOver(JSON.stringify({ v: 7, e: 2, x: nowS + 60 })))).toEqual(malformed);
    expect(refusal(signedOver(JSON.stringify({ v: 'solare', e: '2', x: nowS + 60 })))).toEqual(malformed);
    expect(refusal(signedOver(JSON.stringify({ v: 'solare', e: 1.5, x: nowS + 60 })))).toEqual(malformed);
    expect(refusal(signedOver(JSON.stringify({ v: 'solare', e: 2, x: 'later' })))).toEqual(malformed);
    expect(refusal(signedOver(JSON.stringify({ v: 'solare', e: 2 })))).toEqual(malformed);
    expect(refusal(signedOver(JSON.stringify({ v: 'solare', e: 2, x: nowS + 60 })))).toEqual(['accepted', '']);
  });
});

describe('acceptPortalToken', () => {
  it('accepts a token whose epoch is the vendor\'s current one, asking the store about that vendor', async () => {
    const epochs = epochsAt(2);
    await expect(acceptPortalToken(issuePortalToken(grant, KEY), KEY, NOW, epochs)).resolves.toEqual(grant);
    expect(epochs.asked).toEqual(['solare']);
  });

  it('refuses a withdrawn link (an earlier epoch) and a link from before a store reset (a later one)', async () => {
    for (const current of [3, 1]) {
      const refused = await acceptPortalToken(issuePortalToken(grant, KEY), KEY, NOW, epochsAt(current)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PortalCredentialError);
      expect([(refused as PortalCredentialError).reason, (refused as Error).message]).toEqual(['revoked', 'this link was withdrawn; ask for a new one']);
    }
  });

  it('a forged token is refused before the store is asked', async () => {
    const epochs = epochsAt(2);
    const refused = await acceptPortalToken(issuePortalToken(grant, OTHER_KEY), KEY, NOW, epochs).catch((e: unknown) => e);
    expect((refused as PortalCredentialError).reason).toBe('bad-signature');
    expect(epochs.asked).toEqual([]);
  });
});

describe('portalLink', () => {
  it('puts the token in the fragment of <base>/portal, which browsers never send to a server', () => {
    expect(portalLink('https://refs.example.com', 'rtp1.a.b')).toBe('https://refs.example.com/portal#key=rtp1.a.b');
  });
});
