/**
 * Lambda entry for the Events table's stream: the export consumer (consumers/export-consumer.ts)
 * sending to Firehose, composed once per container from the function's configuration.
 */
import { awsConfig, exportConfig, telemetryConfig } from '../config/config.ts';
import { createFirehoseClient } from '../adapters/firehose-client.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { createExportHandler, exportDeps } from '../consumers/export-consumer.ts';

const aws = awsConfig();
const cfg = exportConfig();

export const handler = createExportHandler(exportDeps(cfg, createFirehoseClient(aws, cfg), new PowertoolsTelemetry(telemetryConfig())));
