import ipaddr from 'ipaddr.js';
import { ValidationError } from './errors.ts';

export type CidrList = ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

/** Parses `10.0.0.0/8, 2001:db8::/32`; a bad entry is a ValidationError naming it. */
export function parseCidrs(list: readonly string[]): CidrList {
  return list.map((entry) => {
    try {
      return ipaddr.parseCIDR(entry.trim());
    } catch (cause) {
      throw new ValidationError(`"${entry}" is not a CIDR range (e.g. 203.0.113.0/24)`, { cause });
    }
  });
}

/** True when the client address is inside one of the business's own ranges (staff testing links). */
export function isInternal(ip: string | undefined, ranges: CidrList): boolean {
  if (!ip || ranges.length === 0 || !ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return ranges.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
}
