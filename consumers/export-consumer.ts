/**
 * The export consumer of the Events stream: every INSERT becomes one export line (schema
 * reftrack.click/1, or reftrack.conversion/1 for a booking) sent to Firehose. Records Firehose
 * still refuses after the sender's retry budget, and poison records, are reported as batch item
 * failures so Lambda redelivers them (a poison record ends in the mapping's on-failure
 * destination once its retries run out).
 * Delivery is at least once: readers dedupe on clickId.
 *
 * Firehose wants up to 500 records per call, so the batch is mapped first, sent in
 * PutRecordBatch calls, and only then answered record by record (consumers/partial-batch.ts).
 */
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ExportConfig } from '../config/config.ts';
import { StoreUnavailableError } from '../core/errors.ts';
import { toConversionExportLine } from '../core/conversion-export.ts';
import { toExportLine } from '../core/export-record.ts';
import { MetricName, type Telemetry } from '../core/telemetry.ts';
import { FirehoseSender, retryBudget, type ExportEntry } from '../adapters/firehose-sender.ts';
import { logEventFromRecord, PoisonRecordError } from '../adapters/stream-image.ts';
import { dynamoStreamResponse } from './partial-batch.ts';

/** Where export lines go (FirehoseSender): what it could not deliver comes back by id. */
export interface ExportSink {
  send(entries: readonly ExportEntry[]): Promise<{ failed: ReadonlyArray<{ id: string; errorCode?: string }> }>;
}

export interface ExportDeps {
  readonly sink: ExportSink;
  readonly telemetry: Telemetry;
}

export type ExportHandler = (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse>;

const encoder = new TextEncoder();

export function createExportHandler(deps: ExportDeps): ExportHandler {
  const { telemetry } = deps;
  return async (event, context) => {
    try {
      const failures = new Map<string, Error>();
      const entries: ExportEntry[] = [];
      for (const record of event.Records) {
        if (record.eventName !== 'INSERT') continue; // click events are immutable; nothing else is exported
        const id = sequenceNumber(record);
        try {
          const logged = logEventFromRecord(record);
          entries.push({ id, data: encoder.encode(logged.type === 'click' ? toExportLine(logged.event) : toConversionExportLine(logged.event)) });
        } catch (error) {
          if (!(error instanceof PoisonRecordError)) throw error;
          // Isolated: the rest of the batch is still sent now.
          telemetry.count(MetricName.ExportPoisonRecord);
          telemetry.logger.error('poison stream record', { eventID: record.eventID, sequenceNumber: id, error });
          failures.set(id, error);
        }
      }
      if (entries.length > 0) {
        const { failed } = await deps.sink.send(entries);
        for (const f of failed) failures.set(f.id, new StoreUnavailableError(`Firehose did not take the record (${f.errorCode ?? 'unknown error'})`));
      }
      // Every record listed when all failed (no throw): a Firehose outage is not a reason to bisect the batch.
      return await dynamoStreamResponse(event, (record) => failures.get(record.dynamodb?.SequenceNumber ?? ''), { throwOnFullBatchFailure: false, context });
    } finally {
      telemetry.flush();
    }
  };
}

function sequenceNumber(record: DynamoDBRecord): string {
  const id = record.dynamodb?.SequenceNumber;
  // Without a sequence number Lambda cannot be told which record failed; a malformed event is a bug upstream.
  if (!id) throw new PoisonRecordError(`stream record ${record.eventID ?? '?'} has no SequenceNumber`);
  return id;
}

/** The deployed wiring (Lambda and `npm start`): the configured delivery stream with its retry budget. */
export function exportDeps(cfg: ExportConfig, firehose: FirehoseClient, telemetry: Telemetry): ExportDeps {
  return { sink: new FirehoseSender(firehose, cfg.DELIVERY_STREAM_NAME, retryBudget(cfg), telemetry), telemetry };
}
