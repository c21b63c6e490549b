/**
 * The spill path: a click the event log could not take within its budget goes onto a Kinesis
 * data stream (on-demand in AWS, kinesalite locally) and is drained back into the log later.
 */
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { ClickEvent } from '../core/click-event.ts';
import { ValidationError } from '../core/errors.ts';
import type { ClickSpill } from '../core/ports.ts';
import { storeError } from './dynamodb-errors.ts';

export class KinesisClickSpill implements ClickSpill {
  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
  ) {}

  async spill(event: ClickEvent): Promise<void> {
    try {
      // Partition by clickId: spilled clicks spread over every shard, order between clicks does not matter.
      await this.client.send(new PutRecordCommand({ StreamName: this.streamName, PartitionKey: event.clickId, Data: encodeSpilled(event) }));
    } catch (error) {
      throw storeError('spill click event', error);
    }
  }
}

export function encodeSpilled(event: ClickEvent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}

/** A spilled record back into a ClickEvent; anything else is a poison record. */
export function decodeSpilled(data: Uint8Array | string): ClickEvent {
  const text = typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : new TextDecoder().decode(data);
  try {
    return ClickEvent.parse(JSON.parse(text));
  } catch (cause) {
    throw new ValidationError('spilled record is not a click event', { cause });
  }
}
