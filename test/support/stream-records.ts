/** Lambda-shaped DynamoDB stream events, built from real event items the way the stream carries them. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventKey, toEventItem } from '../../adapters/dynamodb-click-log.ts';
import type { ClickEvent } from '../../core/click-event.ts';

let sequence = 10n ** 20n;

function nextSequence(): string {
  sequence += 1n;
  return sequence.toString().padStart(21, '0');
}

type Image = Record<string, AttributeValue>;

export function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', newImage: Image | undefined, keys: Image): DynamoDBRecord {
  const seq = nextSequence();
  return {
    eventID: `ev-${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/reftrack-events/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      Keys: keys as never,
      ...(newImage ? { NewImage: newImage as never } : {}),
      SequenceNumber: seq,
      SizeBytes: 512,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

export function insertRecord(event: ClickEvent): DynamoDBRecord {
  return streamRecord('INSERT', marshall(toEventItem(event), { removeUndefinedValues: true }), marshall(eventKey(event)));
}

/** A record whose image is not a ClickEvent (a field of the wrong type): a poison record. */
export function poisonRecord(): DynamoDBRecord {
  const image = marshall({ pk: 'solare#2026-11-10', sk: '01JZZZZZZZZZZZZZZZZZZZZZZZ', schemaVersion: 1, vendorCode: 'solare', ts: 'not a time' });
  return streamRecord('INSERT', image, marshall({ pk: 'solare#2026-11-10', sk: '01JZZZZZZZZZZZZZZZZZZZZZZZ' }));
}

export function streamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}
