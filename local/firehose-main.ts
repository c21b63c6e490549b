/**
 * The local Firehose on its own: `npx tsx local/firehose-main.ts`. Listens on the port of
 * FIREHOSE_ENDPOINT, writes under <REFTRACK_DATA_DIR>/s3/<EXPORT_BUCKET>/. Ctrl-C writes
 * everything buffered before exiting (and the journal covers a harder kill).
 * LOCAL_FIREHOSE_INTERVAL_SECONDS overrides the buffering interval hint.
 */
import { exportConfig, localConfig, telemetryConfig } from '../config/config.ts';
import { ReftrackError } from '../core/errors.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { configuredLocalFirehose, startLocalFirehose } from './firehose-server.ts';

/** This process's composition root. */
async function main(): Promise<void> {
  const cfg = exportConfig();
  const local = localConfig();
  const { logger } = new PowertoolsTelemetry(telemetryConfig());
  const firehose = await startLocalFirehose({ ...configuredLocalFirehose(cfg, local), logger });
  console.log(`local Firehose ${firehose.endpoint} stream ${cfg.DELIVERY_STREAM_NAME} -> ${local.REFTRACK_DATA_DIR}/s3/${cfg.EXPORT_BUCKET}/ (ready)`);
  const stop = () => {
    firehose.stop().then(() => {
      console.log('local Firehose stopped; everything buffered was written');
      process.exit(0);
    }, (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ReftrackError ? `local Firehose: ${error.message}` : error);
  process.exit(1);
});
