import { paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ClickEvent } from '../core/click-event.ts';
import { fromEventItem } from './dynamodb-click-log.ts';
import { isConversionItem } from './dynamodb-conversion-log.ts';
import { storeError } from './dynamodb-errors.ts';

export interface EventLogPage {
  readonly events: ClickEvent[];
  /** Keys of stored items that are not valid ClickEvents (reported, never counted). */
  readonly invalid: string[];
}

/**
 * The whole event log, page by page (replay and verify). A Scan reads every item once;
 * at 1 KB an event, a million events is ~250k read units (eventually consistent).
 */
export async function* scanEventLog(client: DynamoDBClient, tableName: string): AsyncGenerator<EventLogPage> {
  const pages = paginateScan({ client }, { TableName: tableName })[Symbol.asyncIterator]();
  for (;;) {
    let next;
    try {
      next = await pages.next();
    } catch (error) {
      throw storeError('scan event log', error);
    }
    if (next.done) return;
    const events: ClickEvent[] = [];
    const invalid: string[] = [];
    for (const raw of next.value.Items ?? []) {
      const item = unmarshall(raw);
      // Conversions share the log; their figures need no replay (adapters/state-table.ts, BOOKING#).
      if (isConversionItem(item)) continue;
      try {
        events.push(fromEventItem(item));
      } catch {
        invalid.push(`${item.pk}/${item.sk}`);
      }
    }
    yield { events, invalid };
  }
}
