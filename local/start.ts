/**
 * `npm start`: the whole pipeline on this machine. DynamoDB Local (data in ./.data),
 * tables and seed vendors, and the HTTP server on http://localhost:3000.
 * Ctrl-C stops everything; the next start has every click.
 */
import { join } from 'node:path';
import { applyLocalDefaults, awsConfig, localConfig, quietLocalRuntime, spillConfig } from '../config/config.ts';
import { ReftrackError } from '../core/errors.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { ensureSpillStream, startKinesalite } from './kinesalite.ts';
import { loadOrCreateSecrets } from './secrets.ts';

async function main(): Promise<void> {
  quietLocalRuntime();
  const local = localConfig();
  const secrets = loadOrCreateSecrets(local.REFTRACK_DATA_DIR);
  const engine = await startDynamoDbLocal({ port: local.DYNAMODB_LOCAL_PORT, dbPath: join(local.REFTRACK_DATA_DIR, 'dynamodb') });
  const spillStream = await startKinesalite({ port: local.KINESALITE_PORT, path: join(local.REFTRACK_DATA_DIR, 'kinesis') });
  applyLocalDefaults({
    REFTRACK_TARGET: 'local',
    DYNAMODB_ENDPOINT: engine.endpoint,
    KINESIS_ENDPOINT: spillStream.endpoint,
    VISITOR_HASH_KEY: secrets.visitorHashKey,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });

  // Imported only now: these modules build their clients from the configuration just completed.
  const { dynamodb } = await import('../adapters/dynamodb-client.ts');
  const { provision } = await import('../adapters/provision.ts');
  const { loadSeedVendors } = await import('../config/seed-vendors.ts');
  const { createLocalApp, startServer } = await import('./server.ts');
  const { kinesis } = await import('../adapters/kinesis-spill.ts');
  const { KinesisPoller } = await import('./kinesis-poller.ts');
  const spillDrain = await import('../streams/spill-drain.ts');

  const aws = awsConfig();
  const vendors = loadSeedVendors();
  const { seeded } = await provision(dynamodb, { events: aws.EVENTS_TABLE, state: aws.STATE_TABLE }, vendors);
  await ensureSpillStream(kinesis, spillConfig().SPILL_STREAM_NAME);
  const drain = new KinesisPoller({ name: 'spill-drain', streamName: spillConfig().SPILL_STREAM_NAME, client: kinesis, handler: spillDrain.handler, region: aws.AWS_REGION });
  await drain.start();
  const server = await startServer(createLocalApp(), local.PORT);

  const base = `http://localhost:${local.PORT}`;
  console.log(
    [
      '',
      'reftrack is running locally',
      `  redirect server   ${base}/ref/<code>`,
      `  dashboard         ${base}/`,
      `  DynamoDB Local    ${engine.endpoint} (data in ${join(local.REFTRACK_DATA_DIR, 'dynamodb')})`,
      `  spill stream      ${spillStream.endpoint} (kinesalite, data in ${join(local.REFTRACK_DATA_DIR, 'kinesis')})`,
      '',
      `Vendor links (${vendors.length} seed vendors${seeded ? `, ${seeded} added now` : ''}):`,
      ...vendors.map((v) => `  ${`${base}/ref/${v.code}`.padEnd(40)} ${v.name}`),
      '',
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping...');
    await new Promise((r) => server.close(r));
    await drain.stop();
    dynamodb.destroy();
    kinesis.destroy();
    await spillStream.stop();
    await engine.stop();
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
