import { paginateQuery, paginateScan, type AttributeValue, type DynamoDBClient, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { storeError } from './dynamodb-errors.ts';

type Item = Record<string, AttributeValue>;

/**
 * Every item of a Query, page after page (the SDK's paginator), stopping early once `limit`
 * items are in; SDK errors come out as domain errors naming `action`.
 */
export async function queryAll(client: DynamoDBClient, input: QueryCommandInput, action: string, limit = Infinity): Promise<Item[]> {
  const items: Item[] = [];
  try {
    for await (const page of paginateQuery({ client }, input)) {
      items.push(...(page.Items ?? []));
      if (items.length >= limit) return items.slice(0, limit);
    }
  } catch (error) {
    throw storeError(action, error);
  }
  return items;
}

/** Every item of a Scan (verify and replay read whole tables). */
export async function scanAll(client: DynamoDBClient, input: ScanCommandInput, action: string): Promise<Item[]> {
  const items: Item[] = [];
  try {
    for await (const page of paginateScan({ client }, input)) items.push(...(page.Items ?? []));
  } catch (error) {
    throw storeError(action, error);
  }
  return items;
}
