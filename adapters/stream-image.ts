/**
 * Stream records from the Events table -> validated ClickEvents. Both stream consumers
 * (aggregate, export) go through here, so a malformed image is judged the same way by both.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ClickEvent } from '../core/click-event.ts';
import type { ConversionEvent } from '../core/conversion-event.ts';
import { ValidationError } from '../core/errors.ts';
import { fromEventItem } from './dynamodb-click-log.ts';
import { fromConversionItem, isConversionItem } from './dynamodb-conversion-log.ts';

/** A stream record whose NewImage is not a valid ClickEvent: a poison record. */
export class PoisonRecordError extends ValidationError {}

export function clickEventFromRecord(record: DynamoDBRecord): ClickEvent {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new PoisonRecordError(`stream record ${record.eventID ?? '?'} has no NewImage`);
  try {
    return fromEventItem(unmarshall(image as Record<string, AttributeValue>));
  } catch (cause) {
    throw new PoisonRecordError(`stream record ${record.eventID ?? '?'} is not a valid click event`, { cause });
  }
}

/** What the Events log holds: clicks, and conversions (bookings) beside them. */
export type LogEvent = { readonly type: 'click'; readonly event: ClickEvent } | { readonly type: 'conversion'; readonly event: ConversionEvent };

/** A stream record -> the click or conversion it carries; anything else is a PoisonRecordError. */
export function logEventFromRecord(record: DynamoDBRecord): LogEvent {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new PoisonRecordError(`stream record ${record.eventID ?? '?'} has no NewImage`);
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (!isConversionItem(item)) return { type: 'click', event: clickEventFromRecord(record) };
  try {
    return { type: 'conversion', event: fromConversionItem(item) };
  } catch (cause) {
    throw new PoisonRecordError(`stream record ${record.eventID ?? '?'} is not a valid conversion event`, { cause });
  }
}
