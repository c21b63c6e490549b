/**
 * Lambda entry for the Events table's stream: the aggregate consumer (consumers/aggregate-consumer.ts),
 * composed once per container from the function's configuration.
 */
import { awsConfig, qualificationRules, telemetryConfig } from '../config/config.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { PowertoolsTelemetry } from '../adapters/telemetry.ts';
import { aggregateDeps, createAggregateHandler } from '../consumers/aggregate-consumer.ts';

const aws = awsConfig();

export const handler = createAggregateHandler(aggregateDeps(aws, qualificationRules(), createDynamoClient(aws), new PowertoolsTelemetry(telemetryConfig())));
