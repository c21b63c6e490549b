/**
 * The vendor portal's credential: a signed, vendor-scoped, expiring token carried in the
 * private link `reftrack portal link` prints (`<base>/portal#key=<token>`; the fragment is
 * never sent to a server, so it stays out of access logs and Referer headers).
 *
 *   token = "rtp1." + base64url(JSON {v: vendor code, e: epoch, x: expiry, unix seconds})
 *                   + "." + base64url(HMAC-SHA256(signing key, "rtp1." + payload))
 *
 * The signature binds all three fields, so no field can be changed (another vendor, a later
 * expiry) without the key. Revocation: the State table keeps a per-vendor epoch; a token is
 * accepted only while its epoch is the vendor's current one, so `reftrack portal revoke`
 * (epoch + 1) stops every earlier link of that vendor at once. It never grants the analyst
 * API: a different key, a different header check, and routes that take the vendor from the
 * token, never from the request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError, ValidationError } from './errors.ts';
import { VENDOR_CODE_PATTERN, type VendorCode } from './vendor-code.ts';

const PREFIX = 'rtp1.';

export interface PortalGrant {
  readonly vendor: VendorCode;
  /** The vendor's revocation epoch when the link was made. */
  readonly epoch: number;
  /** Unix seconds after which the link no longer works. */
  readonly expiresAt: number;
}

/** The link's lifetime unless the caller asks otherwise. */
export const DEFAULT_PORTAL_DAYS = 90;
export const MAX_PORTAL_DAYS = 400;

/** A portal token was refused; `reason` says why (never shown with any vendor's data). */
export class PortalCredentialError extends UnauthorizedError {
  constructor(
    readonly reason: 'malformed' | 'bad-signature' | 'expired' | 'revoked' | 'unknown-vendor',
    message: string,
  ) {
    super(message);
  }
}

function sign(key: string, body: string): Buffer {
  return createHmac('sha256', key).update(body, 'utf8').digest();
}

function checkKey(key: string): void {
  if (key.length < 32) throw new ValidationError('the portal signing key must be at least 32 characters');
}

export function issuePortalToken(grant: PortalGrant, key: string): string {
  checkKey(key);
  if (!VENDOR_CODE_PATTERN.test(grant.vendor)) throw new ValidationError(`not a vendor code: ${grant.vendor}`);
  const payload = Buffer.from(JSON.stringify({ v: grant.vendor, e: grant.epoch, x: grant.expiresAt }), 'utf8').toString('base64url');
  const body = `${PREFIX}${payload}`;
  return `${body}.${sign(key, body).toString('base64url')}`;
}

/**
 * Checks signature and expiry (not the epoch: that needs the store, see `acceptPortalToken`).
 * Malformed, forged or expired tokens throw PortalCredentialError.
 */
export function readPortalToken(token: string, key: string, now: Date): PortalGrant {
  checkKey(key);
  if (token.length > 512 || !token.startsWith(PREFIX)) throw new PortalCredentialError('malformed', 'not a vendor portal link');
  const parts = token.slice(PREFIX.length).split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) throw new PortalCredentialError('malformed', 'not a vendor portal link');
  const expected = sign(key, `${PREFIX}${parts[0]}`);
  const given = Buffer.from(parts[1]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new PortalCredentialError('bad-signature', 'this link is not valid');
  let claims: { v?: unknown; e?: unknown; x?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw new PortalCredentialError('malformed', 'not a vendor portal link');
  }
  if (typeof claims.v !== 'string' || !VENDOR_CODE_PATTERN.test(claims.v) || !Number.isSafeInteger(claims.e) || !Number.isSafeInteger(claims.x)) {
    throw new PortalCredentialError('malformed', 'not a vendor portal link');
  }
  const grant: PortalGrant = { vendor: claims.v as VendorCode, epoch: claims.e as number, expiresAt: claims.x as number };
  if (now.getTime() / 1000 >= grant.expiresAt) throw new PortalCredentialError('expired', 'this link has expired; ask for a new one');
  return grant;
}

/** What the portal needs to know about a vendor's links: the current epoch (0 = never revoked). */
export interface PortalEpochs {
  current(vendor: VendorCode): Promise<number>;
  /** Makes every link issued so far stop working; returns the new epoch. */
  revoke(vendor: VendorCode): Promise<number>;
}

/** Signature, expiry and revocation: the whole check a portal request passes. */
export async function acceptPortalToken(token: string, key: string, now: Date, epochs: PortalEpochs): Promise<PortalGrant> {
  const grant = readPortalToken(token, key, now);
  if ((await epochs.current(grant.vendor)) !== grant.epoch) throw new PortalCredentialError('revoked', 'this link was withdrawn; ask for a new one');
  return grant;
}

export function portalLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/portal#key=${token}`;
}
