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
