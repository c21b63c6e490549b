/**
 * Lambda entry for the Events table's DynamoDB stream: keeps the rollups exact.
 *
 * Per-record verdicts meet a batch-summed write: every record is first judged alone
 * (INSERT? a valid ClickEvent?), then all valid events are applied together (few
 * transactions, exactly once), and only then does the Powertools batch processor
 * (sequential) turn the verdicts into the partial batch response. A poison record is
 * reported as a failure while the valid records around it are counted; the event source
 * mapping retries from it (the rest are duplicates by then, dropped by their markers),
 * bisects until it stands alone, and hands it to the on-failure destination after the
 * retry limit. Records whose chunk could not be written are reported the same way.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { awsConfig, qualificationRules } from '../config/config.ts';
import type { ClickEvent } from '../core/click-event.ts';
import type { ReftrackError } from '../core/errors.ts';
import { dynamodb } from '../adapters/dynamodb-client.ts';
import { DynamoRollupStore } from '../adapters/dynamodb-rollup-store.ts';
import { RollupGenerations } from '../adapters/rollup-generation.ts';
import { logEventFromRecord, PoisonRecordError } from '../adapters/stream-image.ts';
import { count, logger, metrics, MetricName } from '../adapters/telemetry.ts';

type Verdict = { kind: 'ignored' } | { kind: 'poison'; error: PoisonRecordError } | { kind: 'event'; event: ClickEvent };

export interface AggregateDeps {
  readonly store: DynamoRollupStore;
  readonly generations: RollupGenerations;
}

export function createAggregateHandler(deps: AggregateDeps) {
  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const verdicts = new Map<DynamoDBRecord, Verdict>();
    for (const record of event.Records) verdicts.set(record, judge(record));

    const events = [...verdicts.values()].flatMap((v) => (v.kind === 'event' ? [v.event] : []));
    const failedWrites = new Map<string, ReftrackError>();
    if (events.length > 0) {
      // While a replay builds a generation, every click goes to it too (so the replay misses none).
      const { live, building } = await deps.generations.targets();
      for (const generation of building === null ? [live] : [live, building]) {
        const outcome = await deps.store.apply(events, generation);
        for (const f of outcome.failed) failedWrites.set(f.event.clickId, f.error);
        count(MetricName.RollupEventApplied, outcome.applied);
        count(MetricName.RollupEventDuplicate, outcome.duplicates);
        if (outcome.retries > 0) count(MetricName.RollupTransactionRetry, outcome.retries);
        if (outcome.failed.length > 0) count(MetricName.RollupWriteFailed, outcome.failed.length);
        logger.info('rollups applied', { generation, records: event.Records.length, applied: outcome.applied, duplicates: outcome.duplicates, recounted: outcome.recounted, failed: outcome.failed.length, transactions: outcome.transactions, retries: outcome.retries });
      }
    }

    const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
      const verdict = verdicts.get(record);
      if (!verdict || verdict.kind === 'ignored') return;
      if (verdict.kind === 'poison') throw verdict.error;
      const error = failedWrites.get(verdict.event.clickId);
      if (error) throw error;
    };
    try {
      return await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.DynamoDBStreams), { processInParallel: false, ...(context ? { context } : {}) });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

function judge(record: DynamoDBRecord): Verdict {
  if (record.eventName !== 'INSERT') {
    count(MetricName.RollupRecordIgnored);
    return { kind: 'ignored' };
  }
  try {
    const logged = logEventFromRecord(record);
    // Conversions (bookings) share the log; their rollup figures are not kept here yet.
    if (logged.type === 'conversion') return { kind: 'ignored' };
    return { kind: 'event', event: logged.event };
  } catch (error) {
    if (!(error instanceof PoisonRecordError)) throw error;
    count(MetricName.RollupPoisonRecord);
    logger.error('poison stream record', { eventID: record.eventID, sequenceNumber: record.dynamodb?.SequenceNumber, error });
    return { kind: 'poison', error };
  }
}

/** The deployed wiring: module-scope client, tables from config. */
export function wireAggregate(): AggregateDeps {
  const aws = awsConfig();
  return { store: new DynamoRollupStore(dynamodb, { state: aws.STATE_TABLE, events: aws.EVENTS_TABLE }, { rules: qualificationRules() }), generations: new RollupGenerations(dynamodb, aws.STATE_TABLE) };
}

export const handler = createAggregateHandler(wireAggregate());
