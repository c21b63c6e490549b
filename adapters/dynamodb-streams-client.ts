import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { awsConfig } from '../config/config.ts';
import { dynamoClientConfig } from './dynamodb-client.ts';

/** Streams API client (the local poller uses it; in AWS, Lambda's event source mapping reads the stream). */
export const dynamodbStreams = new DynamoDBStreamsClient(dynamoClientConfig(awsConfig()));
