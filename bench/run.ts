/**
 * `npm run bench`: starts its own in-memory DynamoDB Local on a free port, runs every section,
 * prints ONE table and writes bench/results/<date>.json. Every figure that has a baseline was
 * measured in the same run as it: on a shared 2-core machine only ratios within a run mean much.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { environment, quietLocalRuntime, telemetryConfig } from '../config/config.ts';
import { loadSeedVendors } from '../config/seed-vendors.ts';
import { ensureTable, provision } from '../adapters/provision.ts';
import { STATE_TABLE } from '../adapters/tables.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { freePort } from '../local/free-port.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { table } from '../cli/command.ts';
import { benchAggregate, syntheticClicks, type BenchContext } from './aggregate.ts';
import { benchBundles } from './bundles.ts';
import { costRows } from './cost.ts';
import { benchRedirect } from './redirect.ts';
import type { BenchRow } from './row.ts';

async function aggregateRows(ctx: BenchContext): Promise<{ rows: BenchRow[]; writeUnitsPerClick: number }> {
  const raw = await benchAggregate(ctx);
  const exact = raw.find((r) => r.design.startsWith('exactly-once (transactional'))!;
  const naive = raw.find((r) => r.design.startsWith('naive'))!;
  const redelivery = raw.find((r) => r.design.includes('redelivery'));
  const rows: BenchRow[] = [
    { section: 'aggregate', metric: 'aggregator throughput, exactly once', value: exact.eventsPerSecond, unit: 'events/s', baseline: naive.eventsPerSecond, baselineName: 'naive ADD per click', note: exact.note },
    {
      section: 'aggregate',
      metric: 'write units per click (modelled at DynamoDB rates)',
      value: exact.modelledWriteUnitsPerClick ?? NaN,
      unit: 'WRU',
      baseline: naive.modelledWriteUnitsPerClick ?? NaN,
      baselineName: 'naive ADD per click',
      note: `DynamoDB Local reported ${exact.writeUnitsPerClick?.toFixed(2)} vs ${naive.writeUnitsPerClick?.toFixed(2)} (it counts a transaction as one item)`,
    },
  ];
  if (redelivery) rows.push({ section: 'aggregate', metric: 'full redelivery of applied clicks', value: redelivery.eventsPerSecond, unit: 'events/s', note: redelivery.note });
  return { rows, writeUnitsPerClick: exact.modelledWriteUnitsPerClick ?? NaN };
}

function exportBytesPerClick(): number {
  // A day's worth of export lines gzip together in one object; measure that ratio on a realistic sample.
  const lines = syntheticClicks(2_000).map((e) => `${JSON.stringify({ schema: 'reftrack.click/1', ...e })}\n`).join('');
  return gzipSync(lines).length / 2_000;
}

/** The bench's composition root: a quiet telemetry, its own engine and client. */
async function main(): Promise<void> {
  quietLocalRuntime();
  const telemetry = new PowertoolsTelemetry(telemetryConfig(environment({ POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' })));
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
    console.error('running redirect...');
    const tables = { events: `bench-events-${randomUUID().slice(0, 8)}`, state: `bench-vendors-${randomUUID().slice(0, 8)}` };
    await provision(client, tables, loadSeedVendors());
    rows.push(...(await benchRedirect({ client, endpoint: engine.endpoint, tables, telemetry })));
    console.error('running aggregate...');
    const aggregate = await aggregateRows(ctx);
    rows.push(...aggregate.rows);
    console.error('running bundles (cdk synth)...');
    rows.push(...(await benchBundles()));
    rows.push(
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
  const file = `bench/results/${date}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, engine: 'DynamoDB Local 3.3.0 (in memory)', rows }, null, 2)}\n`);
  console.error(`written ${file}`);
}

await main();
