/**
 * The pieces of Lambda's DynamoDB Streams integration that are pure data: turning a Streams
 * API record into the record a Lambda handler receives, and the context it is invoked with.
 * (Reading the handler's partial batch response is local/shard-delivery.ts, for both pollers.)
 */
import { randomUUID } from 'node:crypto';
import type { _Record as StreamsRecord } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBRecord } from 'aws-lambda';

/**
 * Lambda delivers JSON: ApproximateCreationDateTime in epoch seconds, binary attributes as
 * base64. The SDK hands us a Date and Uint8Arrays, so convert; the JSON round trip also
 * gives each record its own copy, nothing shared with the SDK response.
 */
export function toLambdaRecord(record: StreamsRecord, streamArn: string, awsRegion: string): DynamoDBRecord {
  const ddb = record.dynamodb ?? {};
  const created = ddb.ApproximateCreationDateTime;
  const lambdaRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
      Keys: ddb.Keys,
      NewImage: ddb.NewImage,
      OldImage: ddb.OldImage,
      SequenceNumber: ddb.SequenceNumber,
      SizeBytes: ddb.SizeBytes,
      StreamViewType: ddb.StreamViewType,
    },
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  };
  return JSON.parse(JSON.stringify(lambdaRecord, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value)));
}

export function sequenceOf(record: DynamoDBRecord): string {
  const seq = record.dynamodb?.SequenceNumber;
  if (!seq) throw new TypeError(`stream record ${record.eventID ?? '?'} has no SequenceNumber`);
  return seq;
}

/** Enough of a Lambda context for handlers that log it or ask for the remaining time. */
export function localLambdaContext(functionName: string, awsRegion: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new TypeError('context.done/fail/succeed are not supported locally; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${awsRegion}:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
