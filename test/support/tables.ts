/** Fresh, uniquely named tables in the shared DynamoDB Local, so test files never see each other's data. */
import { randomUUID } from 'node:crypto';
import { dynamodb } from './clients.ts';
import { provision, type TableNames } from '../../adapters/provision.ts';
import { loadSeedVendors } from '../../config/seed-vendors.ts';
import type { Vendor } from '../../core/vendor.ts';

export async function freshTables(vendors: readonly Vendor[] = loadSeedVendors()): Promise<TableNames> {
  const suffix = randomUUID().slice(0, 8);
  const names = { events: `t-events-${suffix}`, state: `t-state-${suffix}` };
  await provision(dynamodb, names, vendors);
  return names;
}
