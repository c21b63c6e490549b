/**
 * `npm run bench`: starts its own in-memory DynamoDB Local on a free port, runs every bench
 * section, prints ONE table and writes bench/results/<date>.json. Add a section by adding
 * an entry to `sections`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import { quietLocalRuntime } from '../config/config.ts';
import { ensureTable } from '../adapters/provision.ts';
import { STATE_TABLE } from '../adapters/tables.ts';
import { freePort } from '../local/free-port.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { table } from '../cli/command.ts';
import { benchAggregate, type BenchContext, type BenchRow } from './aggregate.ts';

interface BenchSection {
  readonly name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

const sections: BenchSection[] = [{ name: 'aggregate', run: (ctx) => benchAggregate(ctx) }];

const fixed = (n: number | null) => (n === null ? 'n/a' : n.toFixed(2));

async function main(): Promise<void> {
  quietLocalRuntime();
  const engine = await startDynamoDbLocal({ port: await freePort() });
  const client = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }) }),
  });
  const ctx: BenchContext = {
    client,
    stateTable: async () => {
      const name = `bench-state-${randomUUID().slice(0, 8)}`;
      await ensureTable(client, STATE_TABLE, name);
      return name;
    },
  };
  const rows: BenchRow[] = [];
  try {
    for (const section of sections) {
      console.error(`running ${section.name}...`);
      rows.push(...(await section.run(ctx)));
    }
  } finally {
    client.destroy();
    await engine.stop();
  }
  console.log(
    table(
      ['section', 'design', 'events', 'seconds', 'events/s', 'WRU/click reported', 'WRU/click modelled', 'note'],
      rows.map((r) => [r.section, r.design, r.events, r.seconds.toFixed(2), Math.round(r.eventsPerSecond), fixed(r.writeUnitsPerClick), fixed(r.modelledWriteUnitsPerClick), r.note]),
    ),
  );
  console.log('WRU reported = ReturnConsumedCapacity from DynamoDB Local, which reports a whole TransactWriteItems as one item (x2);');
  console.log('WRU modelled = from the requests at DynamoDB rates (2 per transactional item <= 1 KB, 1 per standard write <= 1 KB).');
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${date}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, engine: 'DynamoDB Local 3.3.0 (in memory)', rows }, null, 2)}\n`);
  console.error(`written ${file}`);
}

await main();
