/**
 * Table definitions. Each table's definition and key formats live in its own module
 * (adapters/events-table.ts, adapters/state-table.ts); the CDK stack (infra/) and the local
 * runtime (local/) both build their tables from these, so the key schema cannot drift.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { EVENTS_TABLE } from './events-table.ts';
import { STATE_TABLE } from './state-table.ts';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name; deployments add a prefix (`reftrack-events`). */
  readonly id: 'events' | 'state';
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly stream?: 'NEW_IMAGE';
  readonly timeToLiveAttribute?: string;
}

export { EVENTS_TABLE, STATE_TABLE };

/** The CreateTable request for a definition (on-demand, like the deployed tables). */
export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const keys = [def.partitionKey, def.sortKey];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
    ],
    ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
  };
}
