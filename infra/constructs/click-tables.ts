import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EVENTS_TABLE, STATE_TABLE, type KeyAttribute, type TableDefinition } from '../../adapters/tables.ts';

export interface ClickTablesProps {
  /** Deployed names are `<prefix>-events` and `<prefix>-state`. @default 'reftrack' */
  readonly tableNamePrefix?: string;
  /** @default RemovalPolicy.RETAIN (and deletion protection on): the click log is the source of truth */
  readonly removalPolicy?: RemovalPolicy;
}

const attribute = (k: KeyAttribute): dynamodb.Attribute => ({
  name: k.name,
  type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/** One deployed table from the shared definition in adapters/tables.ts (also used by the local runtime). */
export function tableFromDefinition(scope: Construct, def: TableDefinition, props: ClickTablesProps = {}): dynamodb.TableV2 {
  const retain = (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN;
  return new dynamodb.TableV2(scope, def.id === 'events' ? 'Events' : 'State', {
    tableName: `${props.tableNamePrefix ?? 'reftrack'}-${def.id}`,
    partitionKey: attribute(def.partitionKey),
    sortKey: attribute(def.sortKey),
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: retain,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    ...(def.stream ? { dynamoStream: dynamodb.StreamViewType[def.stream] } : {}),
    ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
  });
}

/** The Events log (stream NEW_IMAGE feeds both consumers) and the State table (projections, vendors, TTL'd markers). */
export class ClickTables extends Construct {
  readonly events: dynamodb.TableV2;
  readonly state: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: ClickTablesProps = {}) {
    super(scope, id);
    this.events = tableFromDefinition(this, EVENTS_TABLE, props);
    this.state = tableFromDefinition(this, STATE_TABLE, props);
  }
}
