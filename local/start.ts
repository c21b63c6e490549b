/**
 * `npm start`: the whole pipeline on this machine. DynamoDB Local (data in ./.data), tables and
 * seed vendors, kinesalite for the spill stream, the stream consumers fed by local pollers that
 * play Lambda's event source mappings, and the HTTP server on http://localhost:3000.
 * Ctrl-C stops everything in order (server first, then consumers, then engines); the next
 * start resumes every consumer from its checkpoint and still has every click.
 */
import { join } from 'node:path';
import { awsConfig, businessConfig, environment, exportConfig, localConfig, outreachConfig, quietLocalRuntime, redirectConfig, spillConfig, telemetryConfig } from '../config/config.ts';
import { loadSeedVendors } from '../config/seed-vendors.ts';
import { ReftrackError } from '../core/errors.ts';
import { createDynamoClient, createDynamoStreamsClient } from '../adapters/dynamodb-client.ts';
import { createFirehoseClient } from '../adapters/firehose-client.ts';
import { createKinesisClient } from '../adapters/kinesis-client.ts';
import { provision } from '../adapters/provision.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { resolveVisitorHashKey, secretsManagerReader } from '../adapters/visitor-key.ts';
import { aggregateDeps, createAggregateHandler } from '../consumers/aggregate-consumer.ts';
import { createExportHandler, exportDeps } from '../consumers/export-consumer.ts';
import { createSpillDrainHandler, spillDrainDeps } from '../consumers/spill-drain-consumer.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { configuredLocalFirehose, startLocalFirehose } from './firehose-server.ts';
import { ensureSpillStream, startKinesalite } from './kinesalite.ts';
import { KinesisPoller } from './kinesis-poller.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { createLocalApp, startServer } from './server.ts';
import { eventNames, StreamPoller } from './stream-poller.ts';

/**
 * Retries before a failing record goes to the dead-letter dir. With backoff capped at 5 s, 60 is
 * about five minutes: a DynamoDB Local restart is waited out, a poison record still surfaces.
 * The spill drain exists to wait out DynamoDB trouble, so it retries far longer (like its
 * deployed mapping, which retries for as long as the stream keeps the record).
 */
const CONSUMER_RETRIES = 60;
const SPILL_DRAIN_RETRIES = 1_000;

/** Anything started that must be stopped, in reverse order, on Ctrl-C. */
interface Stoppable {
  readonly name: string;
  stop(): Promise<unknown>;
}

/** This process's composition root: configuration parsed once, every client and consumer built here. */
async function main(): Promise<void> {
  quietLocalRuntime();
  const local = localConfig();
  const secrets = loadOrCreateSecrets(local.REFTRACK_DATA_DIR);
  // What a deployment would set, filled in for this machine: the engines started below, the
  // generated key, a quiet terminal (one line per problem), and a 10 s Firehose buffer so a click
  // shows up in `reftrack exports` soon. Values set in the environment win.
  const env = environment({
    REFTRACK_TARGET: 'local',
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${local.DYNAMODB_LOCAL_PORT}`,
    KINESIS_ENDPOINT: `http://127.0.0.1:${local.KINESALITE_PORT}`,
    VISITOR_HASH_KEY: secrets.visitorHashKey,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    LOCAL_FIREHOSE_INTERVAL_SECONDS: '10',
  });
  const aws = awsConfig(env);
  const spill = spillConfig(env);
  const exportCfg = exportConfig(env);
  const redirect = redirectConfig(env);
  const business = businessConfig(env);
  const outreach = outreachConfig(env);
  const telemetry = new PowertoolsTelemetry(telemetryConfig(env));

  const running: Stoppable[] = [];
  const stopAll = async () => {
    for (const part of running.reverse()) {
      await part.stop().catch((error: unknown) => console.error(`reftrack: stopping ${part.name} failed:`, error));
    }
  };
  try {
    const engine = await startDynamoDbLocal({ port: local.DYNAMODB_LOCAL_PORT, dbPath: join(local.REFTRACK_DATA_DIR, 'dynamodb') });
    running.push({ name: 'DynamoDB Local', stop: () => engine.stop() });
    const spillStream = await startKinesalite({ port: local.KINESALITE_PORT, path: join(local.REFTRACK_DATA_DIR, 'kinesis') });
    running.push({ name: 'kinesalite', stop: () => spillStream.stop() });
    const firehose = await startLocalFirehose({ ...configuredLocalFirehose(exportCfg, local), logger: telemetry.logger });
    running.push({ name: 'local Firehose', stop: () => firehose.stop() });

    const dynamodb = createDynamoClient(aws);
    const streams = createDynamoStreamsClient(aws);
    const kinesis = createKinesisClient(aws, spill);
    const firehoseClient = createFirehoseClient(aws, exportCfg);
    running.push({ name: 'AWS clients', stop: async () => [dynamodb, streams, kinesis, firehoseClient].forEach((c) => c.destroy()) });

    const vendors = loadSeedVendors();
    const { seeded } = await provision(dynamodb, { events: aws.EVENTS_TABLE, state: aws.STATE_TABLE }, vendors);
    await ensureSpillStream(kinesis, spill.SPILL_STREAM_NAME);

    // The event source mappings of the deployed stack, played locally (INSERT-only, partial batch failures).
    const streamMapping = { tableName: aws.EVENTS_TABLE, filter: eventNames('INSERT'), batchSize: 500, batchingWindowMs: 300, maxRetries: CONSUMER_RETRIES, dataDir: local.REFTRACK_DATA_DIR, region: aws.AWS_REGION, dynamodb, streams, logger: telemetry.logger };
    const aggregator = new StreamPoller({ ...streamMapping, name: 'aggregate', handler: createAggregateHandler(aggregateDeps(aws, dynamodb, telemetry)) });
    await aggregator.start();
    running.push({ name: 'aggregate consumer', stop: () => aggregator.stop() });
    const exportPoller = new StreamPoller({ ...streamMapping, name: 'export', handler: createExportHandler(exportDeps(exportCfg, firehoseClient, telemetry)) });
    await exportPoller.start();
    running.push({ name: 'export consumer', stop: () => exportPoller.stop() });
    const drain = new KinesisPoller({ name: 'spill-drain', streamName: spill.SPILL_STREAM_NAME, client: kinesis, handler: createSpillDrainHandler(spillDrainDeps(aws, dynamodb, telemetry)), region: aws.AWS_REGION, maxRetries: SPILL_DRAIN_RETRIES, dataDir: local.REFTRACK_DATA_DIR, logger: telemetry.logger });
    await drain.start();
    running.push({ name: 'spill drain', stop: () => drain.stop() });

    const visitorHashKey = await resolveVisitorHashKey(redirect, secretsManagerReader(aws));
    const app = createLocalApp({ aws, redirect, spill, business, outreach, dynamodb, kinesis, visitorHashKey, apiToken: secrets.apiToken, telemetry });
    const server = await startServer(app, local.PORT);
    running.push({ name: 'HTTP server', stop: () => new Promise((r) => server.close(r)) });

    const base = `http://localhost:${local.PORT}`;
    console.log(
      [
        '',
        'reftrack is running locally',
        `  redirect server   ${base}/ref/<code>`,
        `  dashboard         ${base}/#token=${secrets.apiToken}   (API: Authorization: Bearer ${secrets.apiToken})`,
        `  outreach preview  ${base}/outreach`,
        `  DynamoDB Local    ${engine.endpoint} (data in ${join(local.REFTRACK_DATA_DIR, 'dynamodb')})`,
        `  spill stream      ${spillStream.endpoint} (kinesalite, data in ${join(local.REFTRACK_DATA_DIR, 'kinesis')})`,
        `  local Firehose    ${firehose.endpoint} -> ${join(local.REFTRACK_DATA_DIR, 's3', exportCfg.EXPORT_BUCKET)}/events/dt=YYYY-MM-DD/`,
        `  consumers         aggregate (rollups), export (Firehose), spill drain; dead letters in ${join(local.REFTRACK_DATA_DIR, 'dlq')}`,
        '',
        `Vendor links (${vendors.length} seed vendors${seeded ? `, ${seeded} added now` : ''}):`,
        ...vendors.map((v) => `  ${`${base}/ref/${v.code}`.padEnd(40)} ${v.name}`),
        '',
        'Try: npx reftrack clicks --limit 5   |   npx reftrack rollups --vendor solare   |   npx reftrack exports ls',
        'Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping...');
    await stopAll();
    console.log('stopped; data kept in', local.REFTRACK_DATA_DIR);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ReftrackError ? `reftrack: ${error.message}` : error);
  process.exit(1);
});
