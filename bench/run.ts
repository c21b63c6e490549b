/**
 * `npm run bench`: starts its own in-memory DynamoDB Local on a free port, runs every section,
 * prints ONE table and writes bench/results/<date>.json. Every figure that has a baseline was
 * measured in the same run as it: on a shared 2-core machine only ratios within a run mean much.
 */
import './quiet.ts';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadSeedVendors } from '../config/seed-vendors.ts';
import { ensureTable, provision } from '../adapters/provision.ts';
import { STATE_TABLE } from '../adapters/tables.ts';
import { freePort } from '../local/free-port.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { table } from '../cli/command.ts';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { benchAggregate, benchContention, benchWriteUnits, syntheticClicks, type BenchContext } from './aggregate.ts';
import { benchBundles } from './bundles.ts';
import { costRows } from './cost.ts';
import { benchRedirect } from './redirect.ts';
import type { BenchRow } from './row.ts';

async function aggregateRows(ctx: BenchContext & { clientConfig: DynamoDBClientConfig }): Promise<{ rows: BenchRow[]; writeUnitsPerClick: number }> {
  const raw = await benchAggregate(ctx);
  const exact = raw.find((r) => r.design.startsWith('exactly-once (transactional'))!;
  const naive = raw.find((r) => r.design.startsWith('naive'))!;
  const redelivery = raw.find((r) => r.design.includes('redelivery'));
  const rows: BenchRow[] = [
    { id: 'aggregate.events_per_second', section: 'aggregate', metric: 'aggregator throughput, exactly once', value: exact.eventsPerSecond, unit: 'events/s', baseline: naive.eventsPerSecond, baselineName: 'naive ADD per click', note: exact.note },
    {
      section: 'aggregate',
      id: 'aggregate.wcu_per_click.mixed', metric: 'write units per click, mixed traffic (modelled at DynamoDB rates)',
      value: exact.modelledWriteUnitsPerClick ?? NaN,
      unit: 'WRU',
      baseline: naive.modelledWriteUnitsPerClick ?? NaN,
      baselineName: 'naive ADD per click',
      note: `DynamoDB Local reported ${exact.writeUnitsPerClick?.toFixed(2)} vs ${naive.writeUnitsPerClick?.toFixed(2)} (it counts a transaction as one item)`,
    },
  ];
  rows.push({ id: 'aggregate.events_per_second.naive', section: 'aggregate', metric: 'naive aggregator throughput (ADD per click per projection)', value: naive.eventsPerSecond, unit: 'events/s', note: naive.note });
  if (redelivery) rows.push({ id: 'aggregate.redelivery.events_per_second', section: 'aggregate', metric: 'full redelivery of applied clicks', value: redelivery.eventsPerSecond, unit: 'events/s', note: redelivery.note });
  for (const shape of ['dense', 'sparse'] as const) {
    const w = await benchWriteUnits(ctx, shape);
    rows.push({ id: `aggregate.wcu_per_click.${shape}`, section: 'aggregate', metric: `write units per click, ${shape} (aggregate writes, modelled)`, value: w.perClick, unit: 'WRU', note: w.note });
  }
  for (const shards of [1, 4, 16, 32]) {
    const c = await benchContention(ctx, shards);
    const note = `${c.events} events, ${c.commits} commits, ${c.cancels} cancelled, ${(c.events / c.seconds).toFixed(0)} events/s; items held 20 ms`;
    rows.push({ id: `aggregate.shards_${shards}.give_ups`, section: 'aggregate', metric: `${shards} concurrent shards: records given up after 10 attempts`, value: c.giveUps, unit: 'records', note });
    rows.push({ id: `aggregate.shards_${shards}.cancels_per_commit`, section: 'aggregate', metric: `${shards} concurrent shards: cancelled transactions per commit`, value: c.cancels / Math.max(1, c.commits), unit: 'ratio', note });
  }
  return { rows, writeUnitsPerClick: exact.modelledWriteUnitsPerClick ?? NaN };
}

function exportBytesPerClick(): number {
  // A day's worth of export lines gzip together in one object; measure that ratio on a realistic sample.
  const lines = syntheticClicks(2_000).map((e) => `${JSON.stringify({ schema: 'reftrack.click/1', ...e })}\n`).join('');
  return gzipSync(lines).length / 2_000;
}

async function main(): Promise<void> {
  const engine = await startDynamoDbLocal({ port: await freePort() });
  const clientConfig = {
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }) }),
  };
  const client = new DynamoDBClient(clientConfig);
  const ctx: BenchContext & { clientConfig: typeof clientConfig } = {
    client,
    clientConfig,
    stateTable: async () => {
      const name = `bench-state-${randomUUID().slice(0, 8)}`;
      await ensureTable(client, STATE_TABLE, name);
      return name;
    },
  };
  const rows: BenchRow[] = [];
  // `npm run bench -- aggregate cost`: only the named sections (none: all).
  const only = process.argv.slice(2);
  const want = (section: string) => only.length === 0 || only.includes(section);
  try {
    if (want('redirect')) {
      console.error('running redirect...');
      const tables = { events: `bench-events-${randomUUID().slice(0, 8)}`, state: `bench-vendors-${randomUUID().slice(0, 8)}` };
      await provision(client, tables, loadSeedVendors());
      rows.push(...(await benchRedirect({ client, endpoint: engine.endpoint, tables })));
    }
    console.error('running aggregate...');
    const aggregate = want('aggregate') || want('cost') ? await aggregateRows(ctx) : { rows: [], writeUnitsPerClick: NaN };
    if (want('aggregate')) rows.push(...aggregate.rows);
    if (want('bundles')) {
      console.error('running bundles (cdk synth)...');
      rows.push(...(await benchBundles()));
    }
    if (want('cost')) rows.push(
      ...costRows({
        aggregateWriteUnitsPerClick: aggregate.writeUnitsPerClick,
        redirectBilledMs: 15,
        redirectMemoryMb: 512,
        consumerBatchSize: 500,
        consumerBilledMsPerBatch: 400,
        exportBytesPerClickGz: exportBytesPerClick(),
      }),
    );
  } finally {
    client.destroy();
    await engine.stop();
  }

  const num = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : n >= 100 ? n.toFixed(0) : n.toFixed(2));
  console.log(
    table(
      ['section', 'figure', 'value', 'unit', 'baseline (same run)', 'ratio', 'note'],
      rows.map((r) => [r.section, r.metric, num(r.value), r.unit, r.baseline === undefined ? '' : `${num(r.baseline)} ${r.baselineName ?? ''}`, r.baseline ? `${(r.value / r.baseline).toFixed(2)}x` : '', r.note ?? '']),
    ),
  );
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync('bench/results', { recursive: true });
  const body = `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, engine: 'DynamoDB Local 3.3.0 (in memory)', sections: only.length > 0 ? only : 'all', rows }, null, 2)}\n`;
  // latest.json: this run, whatever it ran (not committed); the dated file only for a full run.
  writeFileSync('bench/results/latest.json', body);
  if (only.length === 0) writeFileSync(`bench/results/${date}.json`, body);
  console.error(`written bench/results/latest.json${only.length === 0 ? ` and bench/results/${date}.json` : ''}`);
}

await main();
