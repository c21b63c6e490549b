/**
 * What the code reports, as ports: a structured log and named counters. The Powertools
 * implementation lives in adapters/telemetry.ts; each composition root builds one and passes it
 * to whatever reports, so nothing creates a logger when imported.
 */

/** The fixed list of metric names; dashboards and alarms refer to these. */
export const MetricName = {
  ClickRecorded: 'ClickRecorded',
  ClickUnrecorded: 'ClickUnrecorded',
  ClickSpilled: 'ClickSpilled',
  SpillDrained: 'SpillDrained',
  SpillAlreadyPresent: 'SpillAlreadyPresent',
  BotClick: 'BotClick',
  OrphanVisit: 'OrphanVisit',
  HeadRequest: 'HeadRequest',
  // the aggregate consumer
  RollupEventApplied: 'RollupEventApplied',
  RollupEventDuplicate: 'RollupEventDuplicate',
  RollupRecordIgnored: 'RollupRecordIgnored',
  RollupPoisonRecord: 'RollupPoisonRecord',
  RollupWriteFailed: 'RollupWriteFailed',
  RollupTransactionRetry: 'RollupTransactionRetry',
  // the export consumer
  ExportRecordSent: 'ExportRecordSent',
  ExportRecordRetried: 'ExportRecordRetried',
  ExportRecordFailed: 'ExportRecordFailed',
  ExportPoisonRecord: 'ExportPoisonRecord',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** A structured log: a message and the attributes that go with it (one JSON line each). */
export interface Log {
  debug(message: string, ...attributes: Array<Record<string, unknown>>): void;
  info(message: string, ...attributes: Array<Record<string, unknown>>): void;
  warn(message: string, ...attributes: Array<Record<string, unknown>>): void;
  error(message: string, ...attributes: Array<Record<string, unknown>>): void;
}

export interface Telemetry {
  readonly logger: Log;
  count(name: MetricName, value?: number): void;
  /** Publishes what was counted since the last flush (on Lambda: once per invocation). */
  flush(): void;
}
