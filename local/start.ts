/**
 * `npm start`: the whole pipeline on this machine. DynamoDB Local (data in ./.data), tables and
 * seed vendors, kinesalite for the spill stream, the stream consumers fed by local pollers that
 * play Lambda's event source mappings, and the HTTP server on http://localhost:3000.
 * Ctrl-C stops everything in order (server first, then consumers, then engines); the next
 * start resumes every consumer from its checkpoint and still has every click.
 */
import { join, resolve } from 'node:path';
import { awsConfig, businessConfig, conversionConfig, environment, exportConfig, localConfig, outreachConfig, portalConfig, qualificationRules, quietLocalRuntime, redirectConfig, spillConfig, telemetryConfig } from '../config/config.ts';
import { describeInstance, runningInstance, writeRuntimeFile, type RuntimeInfo } from '../config/runtime-file.ts';
import { loadSeedVendors } from '../config/seed-vendors.ts';
import { ReftrackError } from '../core/errors.ts';
import { createDynamoClient, createDynamoStreamsClient } from '../adapters/dynamodb-client.ts';
import { DynamoClickLog } from '../adapters/dynamodb-click-log.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
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
import { portInUse } from './free-port.ts';
import { ensureSpillStream, startKinesalite } from './kinesalite.ts';
import { KinesisPoller } from './kinesis-poller.ts';
import { loadOrCreateSecrets, portalSigningKey } from './secrets.ts';
import { createLocalApp, startServer } from './server.ts';
import { eventNames, StreamPoller } from './stream-poller.ts';
import { UnrecordedJournal } from './unrecorded-journal.ts';

/** A start that must not go ahead (another instance, a taken port): said plainly, exit 2. */
class StartRefusedError extends ReftrackError {}

/**
 * Before anything is started: one `npm start` per data folder, and every port free. A busy port
 * would otherwise be answered by someone else's engine (DynamoDB Local's readiness probe would
 * succeed against the other instance) and fail much later.
 */
async function assertCanStart(dataDir: string, ports: RuntimeInfo['ports']): Promise<void> {
  const other = runningInstance(dataDir);
  if (other) throw new StartRefusedError(`already running on ${dataDir} (${describeInstance(other)}). Use that one, stop it (Ctrl-C in its terminal, or kill ${other.pid}), or give this one its own REFTRACK_DATA_DIR and ports.`);
  const wanted: Array<[keyof RuntimeInfo['ports'], string, number]> = [
    ['PORT', 'the HTTP server', ports.PORT],
    ['DYNAMODB_LOCAL_PORT', 'DynamoDB Local', ports.DYNAMODB_LOCAL_PORT],
    ['KINESALITE_PORT', 'kinesalite', ports.KINESALITE_PORT],
    ['FIREHOSE_PORT', 'the local Firehose (FIREHOSE_ENDPOINT)', ports.FIREHOSE_PORT],
  ];
  for (const [i, [name, what, port]] of wanted.entries()) {
    const clash = wanted.slice(0, i).find(([, , p]) => p === port);
    if (clash) throw new StartRefusedError(`${name} and ${clash[0]} are both ${port}; each engine needs its own port`);
    if (await portInUse(port)) throw new StartRefusedError(`port ${port} (${name === 'FIREHOSE_PORT' ? 'FIREHOSE_ENDPOINT' : name}, for ${what}) is already in use; stop what listens there or choose another port`);
  }
}

/**
 * Retries before a failing record goes to the dead-letter dir. With backoff capped at 5 s, 60 is
 * about five minutes: a DynamoDB Local restart is waited out, a poison record still surfaces.
 * The spill drain exists to wait out DynamoDB trouble, so it retries far longer (like its
 * deployed mapping, which retries for as long as the stream keeps the record).
 */
const CONSUMER_RETRIES = 60;
const SPILL_DRAIN_RETRIES = 1_000;
/** How often clicks kept in `unrecorded.ndjson` are re-appended to the event log. */
const UNRECORDED_RETRY_MS = 5_000;

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
    CONVERSION_SECRET: secrets.conversionSecret,
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
  const conversion = conversionConfig(env);
  const portal = portalConfig(env);
  const telemetry = new PowertoolsTelemetry(telemetryConfig(env));

  const running: Stoppable[] = [];
  const stopAll = async () => {
    for (const part of running.reverse()) {
      await part.stop().catch((error: unknown) => console.error(`reftrack: stopping ${part.name} failed:`, error));
    }
  };
  const dataDir = resolve(local.REFTRACK_DATA_DIR);
  const localFirehose = configuredLocalFirehose(exportCfg, local);
  const ports: RuntimeInfo['ports'] = {
    PORT: local.PORT,
    DYNAMODB_LOCAL_PORT: local.DYNAMODB_LOCAL_PORT,
    KINESALITE_PORT: local.KINESALITE_PORT,
    FIREHOSE_PORT: localFirehose.port,
  };
  await assertCanStart(dataDir, ports);
  try {
    const engine = await startDynamoDbLocal({ port: local.DYNAMODB_LOCAL_PORT, dbPath: join(local.REFTRACK_DATA_DIR, 'dynamodb') });
    running.push({ name: 'DynamoDB Local', stop: () => engine.stop() });
    const spillStream = await startKinesalite({ port: local.KINESALITE_PORT, path: join(local.REFTRACK_DATA_DIR, 'kinesis') }).catch((error: unknown) => {
      // LevelDB's lock: a process without a runtime file (an older version, or one still starting) holds the folder.
      if (/LOCK/.test(String((error as Error)?.message))) throw new StartRefusedError(`the data folder ${dataDir} is in use by another process (its kinesis/LOCK is held); stop it or use another REFTRACK_DATA_DIR`, { cause: error });
      throw error;
    });
    running.push({ name: 'kinesalite', stop: () => spillStream.stop() });
    const firehose = await startLocalFirehose({ ...localFirehose, logger: telemetry.logger });
    running.push({ name: 'local Firehose', stop: () => firehose.stop() });

    const dynamodb = createDynamoClient(aws);
    const streams = createDynamoStreamsClient(aws);
    const kinesis = createKinesisClient(aws, spill);
    const firehoseClient = createFirehoseClient(aws, exportCfg);
    running.push({ name: 'AWS clients', stop: async () => [dynamodb, streams, kinesis, firehoseClient].forEach((c) => c.destroy()) });

    const { seeded } = await provision(dynamodb, { events: aws.EVENTS_TABLE, state: aws.STATE_TABLE }, loadSeedVendors());
    await ensureSpillStream(kinesis, spill.SPILL_STREAM_NAME);

    // The event source mappings of the deployed stack, played locally (INSERT-only, partial batch failures).
    const streamMapping = { tableName: aws.EVENTS_TABLE, filter: eventNames('INSERT'), batchSize: 500, batchingWindowMs: 300, maxRetries: CONSUMER_RETRIES, dataDir: local.REFTRACK_DATA_DIR, region: aws.AWS_REGION, dynamodb, streams, logger: telemetry.logger };
    const aggregator = new StreamPoller({ ...streamMapping, name: 'aggregate', handler: createAggregateHandler(aggregateDeps(aws, qualificationRules(env), dynamodb, telemetry)) });
    await aggregator.start();
    running.push({ name: 'aggregate consumer', stop: () => aggregator.stop() });
    const exportPoller = new StreamPoller({ ...streamMapping, name: 'export', handler: createExportHandler(exportDeps(exportCfg, firehoseClient, telemetry)) });
    await exportPoller.start();
    running.push({ name: 'export consumer', stop: () => exportPoller.stop() });
    // The drain reads with its own client: the spill's one-second timeout is for a guest waiting
    // on PutRecord, while a read of 100 records from kinesalite under load may take longer.
    const spillReader = createKinesisClient(aws, { ...spill, KINESIS_REQUEST_TIMEOUT_MS: 10_000 });
    running.push({ name: 'spill reader', stop: async () => spillReader.destroy() });
    const drain = new KinesisPoller({ name: 'spill-drain', streamName: spill.SPILL_STREAM_NAME, client: spillReader, handler: createSpillDrainHandler(spillDrainDeps(aws, dynamodb, telemetry)), region: aws.AWS_REGION, maxRetries: SPILL_DRAIN_RETRIES, dataDir: local.REFTRACK_DATA_DIR, logger: telemetry.logger });
    await drain.start();
    running.push({ name: 'spill drain', stop: () => drain.stop() });

    // Clicks neither engine took are kept on disk and re-appended from there, without a human.
    const unrecorded = new UnrecordedJournal(local.REFTRACK_DATA_DIR);
    const clickLog = new DynamoClickLog(dynamodb, aws.EVENTS_TABLE);
    const reappend = async () => {
      if (!unrecorded.pending()) return;
      const r = await unrecorded.replay(clickLog).catch(() => undefined);
      if (r && r.appended + r.alreadyPresent > 0) console.log(`reftrack: re-appended ${r.appended} unrecorded click(s) from ${unrecorded.file} (${r.alreadyPresent} were already stored, ${r.kept} still waiting)`);
    };
    await reappend();
    const reappendTimer = setInterval(() => void reappend(), UNRECORDED_RETRY_MS);
    running.push({ name: 'unrecorded clicks', stop: async () => (clearInterval(reappendTimer), reappend()) });

    const visitorHashKey = await resolveVisitorHashKey(redirect, secretsManagerReader(aws));
    const app = createLocalApp({
      aws,
      redirect,
      spill,
      business,
      outreach,
      conversion,
      portal,
      local,
      dynamodb,
      kinesis,
      visitorHashKey,
      apiToken: secrets.apiToken,
      conversionSecret: conversion.CONVERSION_SECRET ?? secrets.conversionSecret,
      portalSigningKey: portalSigningKey(portal, local.REFTRACK_DATA_DIR),
      unrecorded,
      telemetry,
    });
    const server = await startServer(app, local.PORT);
    running.push({ name: 'HTTP server', stop: () => new Promise((r) => server.close(r)) });

    const base = `http://localhost:${local.PORT}`;
    // The real list (a vendor paused or added since the seed file is shown as it is now).
    const vendors = (await new DynamoVendorStore(dynamodb, aws.STATE_TABLE).list()).sort((a, b) => a.code.localeCompare(b.code));
    const runtime: RuntimeInfo = {
      pid: process.pid,
      status: 'running',
      startedAt: new Date().toISOString(),
      dataDir,
      ports,
      endpoints: { http: base, dynamodb: engine.endpoint, kinesis: spillStream.endpoint, firehose: firehose.endpoint },
    };
    writeRuntimeFile(dataDir, runtime);
    running.unshift({ name: 'runtime file', stop: async () => writeRuntimeFile(dataDir, { ...runtime, status: 'stopped' }) });
    console.log(
      [
        '',
        'reftrack is running locally',
        `  redirect server   ${base}/ref/<code>`,
        `  dashboard         ${base}/#token=${secrets.apiToken}   (API: Authorization: Bearer ${secrets.apiToken})`,
        `  outreach preview  ${base}/outreach`,
        `  vendor pages      ${base}/portal#key=...   (one private link per vendor: npx reftrack portal link --vendor solare)`,
        `  DynamoDB Local    ${engine.endpoint} (data in ${join(local.REFTRACK_DATA_DIR, 'dynamodb')})`,
        `  spill stream      ${spillStream.endpoint} (kinesalite, data in ${join(local.REFTRACK_DATA_DIR, 'kinesis')})`,
        `  local Firehose    ${firehose.endpoint} -> ${join(local.REFTRACK_DATA_DIR, 's3', exportCfg.EXPORT_BUCKET)}/events/dt=YYYY-MM-DD/`,
        `  consumers         aggregate (rollups), export (Firehose), spill drain; dead letters in ${join(local.REFTRACK_DATA_DIR, 'dlq')}`,
        '',
        `  runtime file      ${join(local.REFTRACK_DATA_DIR, 'runtime.json')} (how npx reftrack finds these engines)`,
        '',
        `Vendor links (${vendors.length} vendors${seeded ? `, ${seeded} seeded now from config/vendors.json` : ''}):`,
        ...vendors.map((v) => `  ${`${base}/ref/${v.code}`.padEnd(40)} ${v.name}${v.status === 'active' ? '' : `  (${v.status}: goes to the fallback, not counted)`}`),
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
  process.exit(error instanceof StartRefusedError ? 2 : 1);
});
