/** Creates the tables from their shared definitions (idempotent) and loads seed vendors. */
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Vendor } from '../core/vendor.ts';
import { importVendors } from '../core/vendor-import.ts';
import { DynamoVendorStore } from './dynamodb-vendor-store.ts';
import { createTableInput, EVENTS_TABLE, STATE_TABLE, type TableDefinition } from './tables.ts';
import { storeError } from './dynamodb-errors.ts';

export interface TableNames {
  readonly events: string;
  readonly state: string;
}

export async function ensureTable(client: DynamoDBClient, def: TableDefinition, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(def, tableName)));
    if (def.timeToLiveAttribute) {
      await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: def.timeToLiveAttribute } }));
    }
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw storeError(`create table ${tableName}`, error);
  }
  // DynamoDB Local creates synchronously, the cloud does not: wait for ACTIVE either way.
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function provision(client: DynamoDBClient, names: TableNames, seedVendors: readonly Vendor[]): Promise<{ seeded: number }> {
  await ensureTable(client, EVENTS_TABLE, names.events);
  await ensureTable(client, STATE_TABLE, names.state);
  const { added } = await importVendors(new DynamoVendorStore(client, names.state), seedVendors);
  return { seeded: added.length };
}
