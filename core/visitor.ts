import ipaddr from 'ipaddr.js';
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';

/**
 * The key as a KeyObject, made once: handing createHmac a string makes it copy and prepare the
 * key again on every call, twice per click. A process has one key; the last one is remembered.
 */
let lastKey: { readonly text: string; readonly key: KeyObject } | undefined;

function hmacKey(text: string): KeyObject {
  if (lastKey?.text !== text) lastKey = { text, key: createSecretKey(Buffer.from(text, 'utf8')) };
  return lastKey.key;
}

/**
 * The visitor's identity for unique counting: HMAC-SHA256 over ip, user agent and day,
 * keyed with a secret the deployment holds. The day is inside the hash so the same guest
 * cannot be followed across days, and without the key the address cannot be brute-forced
 * from the small IPv4 space. 128 bits, base64url.
 */
export function visitorHash(key: string, ip: string, userAgent: string, day: string): string {
  return createHmac('sha256', hmacKey(key)).update(`${ip}\n${userAgent}\n${day}`).digest('base64url').slice(0, 22);
}

/**
 * The network a guest's address belongs to, as the fraud rules count it: an IPv4 address is its
 * own network; IPv6 hands each subscriber a /64, so one guest can rotate through 2^64 addresses
 * there and the /64 is the unit. IPv4-mapped IPv6 counts as IPv4. Not an address: `unknown`.
 */
export function networkOf(ip: string | undefined): string {
  // Plain dotted-decimal IPv4 (what sockets and CloudFront report) is already in the form
  // ipaddr prints, so it is its own network without parsing it twice.
  if (ip !== undefined && isIPv4(ip)) return ip;
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/** Keyed HMAC of the guest's network and the day (same key and shape as the visitor hash). */
export function networkHash(key: string, ip: string | undefined, day: string): string {
  return createHmac('sha256', hmacKey(key)).update(`net\n${networkOf(ip)}\n${day}`).digest('base64url').slice(0, 22);
}
