import { BlockList, isIP } from 'node:net';
import { ValidationError } from './errors.ts';

/** One staff range: its network address as written and its prefix length. */
export type Cidr = readonly [address: string, prefix: number];
export type CidrList = ReadonlyArray<Cidr>;

/**
 * Parses `10.0.0.0/8, 2001:db8::/32`; a bad entry is a ValidationError naming it. Node's own
 * address parser and `net.BlockList` do the work, so no address library is bundled into every
 * function that reads the configuration.
 */
export function parseCidrs(list: readonly string[]): CidrList {
  return list.map((entry) => {
    try {
      return parseCidr(entry.trim());
    } catch (cause) {
      throw new ValidationError(`"${entry}" is not a CIDR range (e.g. 203.0.113.0/24)`, { cause });
    }
  });
}

function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (slash < 0 || family === 0) throw new Error(`expected <address>/<prefix length>, got "${text}"`);
  const prefixText = text.slice(slash + 1);
  const prefix = Number(prefixText);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || prefix > max) throw new Error(`the prefix length must be 0 to ${max}, got "${prefixText}"`);
  return [address, prefix];
}

/** The ranges as a BlockList, built once per list (the redirect checks every click against the same one). */
const blockLists = new WeakMap<CidrList, BlockList>();

function blockListOf(ranges: CidrList): BlockList {
  let list = blockLists.get(ranges);
  if (!list) {
    list = new BlockList();
    for (const [address, prefix] of ranges) list.addSubnet(address, prefix, isIP(address) === 4 ? 'ipv4' : 'ipv6');
    blockLists.set(ranges, list);
  }
  return list;
}

/**
 * True when the client address is inside one of the business's own ranges (staff testing links).
 * An IPv4-mapped IPv6 address (`::ffff:203.0.113.9`) is matched as the IPv4 address it carries.
 */
export function isInternal(ip: string | undefined, ranges: CidrList): boolean {
  if (!ip || ranges.length === 0) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  return blockListOf(ranges).check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
