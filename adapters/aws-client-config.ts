import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { AwsConfig } from '../config/config.ts';

/**
 * Region, endpoint and credentials for every AWS client (DynamoDB, Kinesis, Firehose); local and
 * cloud differ only here. Its own module, so importing it creates no client.
 */
export function awsClientConfig(cfg: AwsConfig, endpoint: string): Pick<DynamoDBClientConfig, 'region' | 'endpoint' | 'credentials'> {
  return cfg.REFTRACK_TARGET === 'local'
    ? { region: cfg.AWS_REGION, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : { region: cfg.AWS_REGION };
}

