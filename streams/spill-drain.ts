/**
 * Lambda entry for the spill stream (Kinesis): the spill drain (consumers/spill-drain-consumer.ts),
 * composed once per container from the function's configuration.
 */
import { awsConfig, telemetryConfig } from '../config/config.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { createSpillDrainHandler, spillDrainDeps } from '../consumers/spill-drain-consumer.ts';

const aws = awsConfig();

export const handler = createSpillDrainHandler(spillDrainDeps(aws, createDynamoClient(aws), new PowertoolsTelemetry(telemetryConfig())));
