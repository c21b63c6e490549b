/**
 * The spill stream for a process that runs the redirect alone (the Lambda entry, the bench's
 * server): its Kinesis client is built on the first spill, not at cold start. A spill happens
 * only while the event log is slow or failing, so most containers never call Kinesis; each cold
 * start paid for configuring a client anyway. The module stays a static import: loading it
 * lazily (`import()`) would make esbuild keep the whole Kinesis package and wrap every module it
 * shares with the rest of the bundle, a bigger bundle for a smaller saving.
 */
import type { AwsConfig, SpillConfig } from '../config/config.ts';
import type { ClickEvent } from '../core/click-event.ts';
import type { ClickSpill } from '../core/ports.ts';
import { storeError } from './dynamodb-errors.ts';
import { createKinesisClient } from './kinesis-client.ts';
import { KinesisClickSpill } from './kinesis-spill.ts';

export function lazyKinesisSpill(aws: AwsConfig, spill: Pick<SpillConfig, 'KINESIS_ENDPOINT' | 'KINESIS_REQUEST_TIMEOUT_MS' | 'SPILL_STREAM_NAME'>): ClickSpill {
  let target: KinesisClickSpill | undefined;
  return {
    async spill(event: ClickEvent): Promise<void> {
      if (!target) {
        try {
          target = new KinesisClickSpill(createKinesisClient(aws, spill), spill.SPILL_STREAM_NAME);
        } catch (error) {
          // Translated, so the click is reported unrecorded (and logged whole); the next spill tries again.
          throw storeError('build the spill stream client', error);
        }
      }
      await target.spill(event);
    },
  };
}
