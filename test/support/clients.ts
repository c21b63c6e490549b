/**
 * The test process's clients: one DynamoDB client on the run's DynamoDB Local (the global setup
 * puts its endpoint in the environment) and one S3 client, built from configuration like any root.
 */
import { awsConfig, exportConfig } from '../../config/config.ts';
import { createDynamoClient } from '../../adapters/dynamodb-client.ts';
import { createS3Client } from '../../adapters/s3-client.ts';

export const dynamodb = createDynamoClient(awsConfig());
export const s3 = createS3Client(awsConfig(), exportConfig());
