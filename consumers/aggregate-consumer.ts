/**
 * The aggregate consumer of the Events stream: keeps the rollups exact.
 *
 * Per-record verdicts meet a batch-summed write: every record is first judged alone
 * (INSERT? a valid ClickEvent?), then all valid events are applied together (few
 * transactions, exactly once), and only then are the verdicts turned into the partial batch
 * response (consumers/partial-batch.ts). A poison record is reported as a failure while the
 * valid records around it are counted; the event source mapping retries from it (the rest are
 * duplicates by then, dropped by their markers), bisects until it stands alone, and hands it to
 * the on-failure destination after the retry limit. Records whose chunk could not be written
 * are reported the same way.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AwsConfig } from '../config/config.ts';
import type { QualificationRules } from '../core/qualification.ts';
import type { ClickEvent } from '../core/click-event.ts';
import type { ReftrackError } from '../core/errors.ts';
import { MetricName, type Telemetry } from '../core/telemetry.ts';
import { DynamoRollupStore } from '../adapters/dynamodb-rollup-store.ts';
import { RollupGenerations } from '../adapters/rollup-generation.ts';
import { logEventFromRecord, PoisonRecordError } from '../adapters/stream-image.ts';
import { dynamoStreamResponse } from './partial-batch.ts';

type Verdict = { kind: 'ignored' } | { kind: 'poison'; error: PoisonRecordError } | { kind: 'event'; event: ClickEvent };

export interface AggregateDeps {
  /** Applies a batch of events to a projection generation, exactly once (DynamoRollupStore). */
  readonly store: Pick<DynamoRollupStore, 'apply'>;
  /** The live projection generation, and the one a replay is building (RollupGenerations). */
  readonly generations: Pick<RollupGenerations, 'targets'>;
  readonly telemetry: Telemetry;
}

export type AggregateHandler = (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse>;

export function createAggregateHandler(deps: AggregateDeps): AggregateHandler {
  const { telemetry } = deps;
  return async (event, context) => {
    try {
      const verdicts = new Map<DynamoDBRecord, Verdict>();
      for (const record of event.Records) verdicts.set(record, judge(record, telemetry));

      const events = [...verdicts.values()].flatMap((v) => (v.kind === 'event' ? [v.event] : []));
      const failedWrites = new Map<string, ReftrackError>();
      if (events.length > 0) {
        // While a replay builds a generation, every click goes to it too (so the replay misses none).
        const { live, building } = await deps.generations.targets();
        for (const generation of building === null ? [live] : [live, building]) {
          const outcome = await deps.store.apply(events, generation);
          for (const f of outcome.failed) failedWrites.set(f.event.clickId, f.error);
          telemetry.count(MetricName.RollupEventApplied, outcome.applied);
          telemetry.count(MetricName.RollupEventDuplicate, outcome.duplicates);
          if (outcome.retries > 0) telemetry.count(MetricName.RollupTransactionRetry, outcome.retries);
          if (outcome.failed.length > 0) telemetry.count(MetricName.RollupWriteFailed, outcome.failed.length);
          telemetry.logger.info('rollups applied', { generation, records: event.Records.length, applied: outcome.applied, duplicates: outcome.duplicates, recounted: outcome.recounted, failed: outcome.failed.length, transactions: outcome.transactions, retries: outcome.retries });
        }
      }

      return await dynamoStreamResponse(
        event,
        (record) => {
          const verdict = verdicts.get(record);
          if (!verdict || verdict.kind === 'ignored') return undefined;
          if (verdict.kind === 'poison') return verdict.error;
          return failedWrites.get(verdict.event.clickId);
        },
        { throwOnFullBatchFailure: true, context },
      );
    } finally {
      telemetry.flush();
    }
  };
}

function judge(record: DynamoDBRecord, telemetry: Telemetry): Verdict {
  if (record.eventName !== 'INSERT') {
    telemetry.count(MetricName.RollupRecordIgnored);
    return { kind: 'ignored' };
  }
  try {
    const logged = logEventFromRecord(record);
    // Conversions (bookings) share the log; their rollup figures are not kept here yet.
    if (logged.type === 'conversion') return { kind: 'ignored' };
    return { kind: 'event', event: logged.event };
  } catch (error) {
    if (!(error instanceof PoisonRecordError)) throw error;
    telemetry.count(MetricName.RollupPoisonRecord);
    telemetry.logger.error('poison stream record', { eventID: record.eventID, sequenceNumber: record.dynamodb?.SequenceNumber, error });
    return { kind: 'poison', error };
  }
}

/** The deployed wiring (Lambda and `npm start`): the State table's rollups through the process's client. */
export function aggregateDeps(aws: Pick<AwsConfig, 'STATE_TABLE' | 'EVENTS_TABLE'>, rules: QualificationRules, dynamodb: DynamoDBClient, telemetry: Telemetry): AggregateDeps {
  return { store: new DynamoRollupStore(dynamodb, { state: aws.STATE_TABLE, events: aws.EVENTS_TABLE }, { rules }), generations: new RollupGenerations(dynamodb, aws.STATE_TABLE), telemetry };
}
