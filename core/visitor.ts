import ipaddr from 'ipaddr.js';
import { createHmac } from 'node:crypto';

/**
 * The visitor's identity for unique counting: HMAC-SHA256 over ip, user agent and day,
 * keyed with a secret the deployment holds. The day is inside the hash so the same guest
 * cannot be followed across days, and without the key the address cannot be brute-forced
 * from the small IPv4 space. 128 bits, base64url.
 */
export function visitorHash(key: string, ip: string, userAgent: string, day: string): string {
  return createHmac('sha256', key).update(`${ip}\n${userAgent}\n${day}`).digest('base64url').slice(0, 22);
}

/**
 * The network a guest's address belongs to, as the fraud rules count it: an IPv4 address is its
 * own network; IPv6 hands each subscriber a /64, so one guest can rotate through 2^64 addresses
 * there and the /64 is the unit. IPv4-mapped IPv6 counts as IPv4. Not an address: `unknown`.
 */
export function networkOf(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/** Keyed HMAC of the guest's network and the day (same key and shape as the visitor hash). */
export function networkHash(key: string, ip: string | undefined, day: string): string {
  return createHmac('sha256', key).update(`net\n${networkOf(ip)}\n${day}`).digest('base64url').slice(0, 22);
}
