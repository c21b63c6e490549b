/**
 * `npm run bench [-- <section>...]`: runs the named sections (redirect, aggregate, bundles, cost;
 * none = all) in that order, prints ONE table and writes bench/results/latest.json (and, for a
 * run of every section, bench/results/<date>.json). Every figure that has a baseline was measured
 * in the same run as it: on a shared 2-core machine only ratios within a run mean much. A figure
 * that misses its target makes the run exit 1; an unknown section name exits 2.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { environment, quietLocalRuntime, telemetryConfig } from '../config/config.ts';
import { loadSeedVendors } from '../config/seed-vendors.ts';
import { ensureTable, provision } from '../adapters/provision.ts';
import { STATE_TABLE } from '../adapters/tables.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { freePort } from '../local/free-port.ts';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../local/dynamodb-local.ts';
import { aggregateSection, syntheticClicks } from './aggregate.ts';
import { benchBundles } from './bundles.ts';
import { checkCostInputs, costRows, deployedFixed, measuredInputs } from './cost.ts';
import { benchRedirect } from './redirect.ts';
import { renderTable, missedTargets } from './report.ts';
import { readLatest, rowLookup, writeRun } from './results.ts';
import type { BenchRow, SectionName } from './row.ts';
import { BenchUsageError, parseSections } from './sections.ts';
import { removeSynthesized, synthesizeOnce } from './synth.ts';

const RESULTS_DIR = 'bench/results';
const NEEDS_DYNAMODB: readonly SectionName[] = ['redirect', 'aggregate', 'bundles'];

/** A realistic export line, and its share of a day's gzip object. */
function exportLineSizes(): { line: number; gz: number } {
  const lines = syntheticClicks(2_000).map((e) => `${JSON.stringify({ schema: 'reftrack.click/1', ...e })}\n`).join('');
  return { line: Buffer.byteLength(lines) / 2_000, gz: gzipSync(lines).length / 2_000 };
}

/** The bench's composition root: a quiet local runtime, its own engine and clients. */
async function main(): Promise<number> {
  quietLocalRuntime();
  const telemetry = new PowertoolsTelemetry(telemetryConfig(environment({ POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' })));
  let sections: SectionName[];
  try {
    sections = parseSections(process.argv.slice(2));
    checkCostInputs(sections, readLatest(RESULTS_DIR));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`npm run bench: ${error.message}`);
    return 2;
  }
  const started = new Date().toISOString();
  const previous = readLatest(RESULTS_DIR);
  const rows: BenchRow[] = [];
  let engine: RunningDynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;
  let clientConfig: DynamoDBClientConfig = {};
  try {
    if (sections.some((s) => NEEDS_DYNAMODB.includes(s))) {
      engine = await startDynamoDbLocal({ port: await freePort() });
      clientConfig = {
        endpoint: engine.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }) }),
      };
      client = new DynamoDBClient(clientConfig);
    }
    for (const section of sections) {
      console.error(`running ${section}...`);
      if (section === 'redirect') {
        const tables = { events: `bench-events-${randomUUID().slice(0, 8)}`, state: `bench-vendors-${randomUUID().slice(0, 8)}` };
        await provision(client!, tables, loadSeedVendors());
        rows.push(...(await benchRedirect({ endpoint: engine!.endpoint, tables, telemetry })));
      } else if (section === 'aggregate') {
        const c = client!;
        rows.push(...(await aggregateSection({ client: c, clientConfig, stateTable: async () => { const name = `bench-state-${randomUUID().slice(0, 8)}`; await ensureTable(c, STATE_TABLE, name); return name; }, telemetry })));
      } else if (section === 'bundles') {
        // The first invocations record real clicks and rollups: give them tables of their own.
        const tables = { events: `bench-cold-events-${randomUUID().slice(0, 8)}`, state: `bench-cold-state-${randomUUID().slice(0, 8)}` };
        await provision(client!, tables, loadSeedVendors());
        rows.push(...(await benchBundles({ dynamodbEndpoint: engine!.endpoint, tables, log: telemetry.logger })));
      } else {
        const deployed = deployedFixed(synthesizeOnce().resources);
        const sizes = exportLineSizes();
        const { inputs, sources } = measuredInputs(rowLookup(rows, previous), deployed, sizes.line, sizes.gz);
        rows.push(...costRows(inputs, deployed, sources));
      }
    }
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`npm run bench: ${error.message}`);
    return 2;
  } finally {
    client?.destroy();
    await engine?.stop();
    removeSynthesized();
  }

  console.log(renderTable(rows));
  const written = writeRun(RESULTS_DIR, { date: started, node: process.version, cpus: cpus().length, sections, engine: 'DynamoDB Local 3.3.0 (in memory)', rows });
  console.error(`written ${written.join(', ')}`);
  const missed = missedTargets(rows);
  if (missed.length > 0) {
    console.error(`${missed.length} figure(s) miss their target: ${missed.map((r) => r.id).join(', ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
