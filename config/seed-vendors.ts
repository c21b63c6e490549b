import { readFileSync } from 'node:fs';
import { VendorList, type Vendor } from '../core/vendor.ts';

/** The seven launch vendors, validated: a typo in vendors.json fails at start-up, not at click time. */
export function loadSeedVendors(path = new URL('./vendors.json', import.meta.url)): Vendor[] {
  return VendorList.parse(JSON.parse(readFileSync(path, 'utf8')));
}
