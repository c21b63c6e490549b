/**
 * Lambda entry: the second consumer of the Events stream. Every INSERT becomes one export
 * line (schema reftrack.click/1, or reftrack.conversion/1 for a booking) sent to Firehose. Records Firehose still refuses after the
 * sender's retry budget, and poison records, are returned as batch item failures so Lambda
 * redelivers them (a poison record ends in the mapping's on-failure destination once its
 * retries run out). Delivery is at least once: readers dedupe on clickId.
 *
 * Not the Powertools record-at-a-time processor: Firehose wants up to 500 records per call,
 * so the batch is mapped first, sent in PutRecordBatch calls, then answered in the same
 * `{ batchItemFailures }` shape (ReportBatchItemFailures) with the stream sequence numbers.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { exportConfig } from '../config/config.ts';
import { toExportLine } from '../core/export-record.ts';
import { firehose } from '../adapters/firehose-client.ts';
import { FirehoseSender, retryBudget, type ExportEntry } from '../adapters/firehose-sender.ts';
import { logEventFromRecord, PoisonRecordError } from '../adapters/stream-image.ts';
import { toConversionExportLine } from '../core/conversion-export.ts';
import { count, logger, metrics, MetricName } from '../adapters/telemetry.ts';

export interface ExportSink {
  send(entries: readonly ExportEntry[]): Promise<{ failed: ReadonlyArray<{ id: string }> }>;
}

const encoder = new TextEncoder();

export function createExportHandler(sink: ExportSink): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  return async (event) => {
    const failures: string[] = [];
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
        count(MetricName.ExportPoisonRecord);
        logger.error('poison stream record', { eventID: record.eventID, sequenceNumber: id, error });
        failures.push(id);
      }
    }
    if (entries.length > 0) {
      const { failed } = await sink.send(entries);
      failures.push(...failed.map((f) => f.id));
    }
    metrics.publishStoredMetrics();
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function sequenceNumber(record: DynamoDBRecord): string {
  const id = record.dynamodb?.SequenceNumber;
  // Without a sequence number Lambda cannot be told which record failed; a malformed event is a bug upstream.
  if (!id) throw new PoisonRecordError(`stream record ${record.eventID ?? '?'} has no SequenceNumber`);
  return id;
}

const cfg = exportConfig();
export const handler = createExportHandler(new FirehoseSender(firehose, cfg.DELIVERY_STREAM_NAME, retryBudget(cfg)));
