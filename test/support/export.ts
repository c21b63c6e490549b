/** Helpers for the export tests: Lambda-shaped stream records, Lambda's redelivery rule, a handler on a given Firehose. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamodb } from './clients.ts';
import { eventKey } from '../../adapters/dynamodb-click-log.ts';
import { firehoseClientConfig } from '../../adapters/firehose-client.ts';
import { FirehoseSender, type RetryBudget } from '../../adapters/firehose-sender.ts';
import { awsConfig } from '../../config/config.ts';
import type { ClickEvent } from '../../core/click-event.ts';
import { createExportHandler } from '../../consumers/export-consumer.ts';
import { telemetry } from './telemetry.ts';

export const tmpDataDir = () => mkdtempSync(join(tmpdir(), 'reftrack-export-'));

let sequence = 1_000_000;
/** A stream record as Lambda delivers it; `NewImage` is whatever image is given (a stored item, or a broken one). */
export function streamRecord(newImage: Record<string, unknown> | undefined, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT'): DynamoDBRecord {
  const seq = String(++sequence).padStart(21, '0');
  return {
    eventID: `ev-${seq}`,
    eventName,
    eventSource: 'aws:dynamodb',
    eventSourceARN: 'arn:aws:dynamodb:local:000000000000:table/events/stream/2026-11-01T00:00:00.000',
    dynamodb: { SequenceNumber: seq, NewImage: newImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'], StreamViewType: 'NEW_IMAGE', SizeBytes: 300 },
  };
}

/** INSERT records whose NewImage is the item as DynamoDB Local stored it (read back, not rebuilt). */
export async function insertRecordsFor(table: string, events: readonly ClickEvent[]): Promise<DynamoDBRecord[]> {
  const records: DynamoDBRecord[] = [];
  for (const event of events) {
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: marshall(eventKey(event)), ConsistentRead: true }));
    if (!Item) throw new Error(`event ${event.clickId} is not in ${table}`);
    records.push(streamRecord(Item));
  }
  return records;
}

export function exportHandlerOn(endpoint: string, budget: RetryBudget) {
  const client = new FirehoseClient(firehoseClientConfig(awsConfig(), { FIREHOSE_ENDPOINT: endpoint }));
  return { handler: createExportHandler({ sink: new FirehoseSender(client, 'reftrack-clicks', budget, telemetry), telemetry }), client };
}

/**
 * Lambda's event source mapping with ReportBatchItemFailures: after a partial failure the
 * next batch starts at the LOWEST failed sequence number (so later records come again);
 * a record failing more than `maxRetries` times goes to the on-failure destination.
 */
export async function deliverLikeLambda(handler: (e: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>, records: readonly DynamoDBRecord[], opts: { batchSize: number; maxRetries: number }) {
  const attempts = new Map<string, number>();
  const deadLetters: DynamoDBRecord[] = [];
  let invocations = 0;
  let partialFailures = 0;
  let i = 0;
  while (i < records.length) {
    if (++invocations > 1_000) throw new Error('redelivery did not converge');
    const batch = records.slice(i, i + opts.batchSize);
    const { batchItemFailures } = await handler({ Records: batch });
    if (batchItemFailures.length === 0) {
      i += batch.length;
      continue;
    }
    partialFailures++;
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const lowest = batch.findIndex((r) => failed.has(r.dynamodb!.SequenceNumber!));
    const record = batch[lowest]!;
    const tries = (attempts.get(record.eventID!) ?? 0) + 1;
    attempts.set(record.eventID!, tries);
    if (tries > opts.maxRetries) {
      deadLetters.push(record);
      i += lowest + 1;
    } else {
      i += lowest;
    }
  }
  return { invocations, partialFailures, deadLetters };
}

/** Deterministic [0,1) numbers (mulberry32), so a fault-injection run is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
