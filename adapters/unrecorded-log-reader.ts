/**
 * Reads the redirect's `click-unrecorded` lines straight from its CloudWatch Logs group
 * (FilterLogEvents with a term filter, every page), so recovering a click needs no log export.
 */
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsConfig } from '../config/config.ts';
import { UNRECORDED_MESSAGE } from '../core/recovery.ts';
import { storeError } from './dynamodb-errors.ts';

export interface LogLine {
  /** Where the line came from, for messages: `<stream>@<ISO time>`. */
  readonly origin: string;
  readonly text: string;
}

/** The SDK's default chain and endpoint (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, the SDK's own setting, points it elsewhere). */
export function createLogsClient(aws: Pick<AwsConfig, 'AWS_REGION'>): CloudWatchLogsClient {
  return new CloudWatchLogsClient({ region: aws.AWS_REGION });
}

export async function* unrecordedLogLines(client: CloudWatchLogsClient, logGroupName: string, window: { readonly start: Date; readonly end: Date }): AsyncGenerator<LogLine> {
  try {
    const pages = paginateFilterLogEvents(
      { client },
      { logGroupName, filterPattern: `"${UNRECORDED_MESSAGE}"`, startTime: window.start.getTime(), endTime: window.end.getTime() },
    );
    for await (const page of pages) {
      for (const e of page.events ?? []) if (e.message) yield { origin: `${e.logStreamName ?? '?'}@${new Date(e.timestamp ?? 0).toISOString()}`, text: e.message };
    }
  } catch (error) {
    throw storeError(`read CloudWatch Logs group ${logGroupName}`, error);
  }
}
