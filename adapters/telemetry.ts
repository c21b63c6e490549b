import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { telemetryConfig } from '../config/config.ts';

/**
 * Structured JSON logs and CloudWatch EMF metrics. Service name, level and namespace come
 * from the standard POWERTOOLS_* variables the deployment sets per function.
 */
// Passed explicitly because Powertools lets a constructor option override its env variable.
const telemetry = telemetryConfig();
export const logger = new Logger({ serviceName: telemetry.POWERTOOLS_SERVICE_NAME });
export const metrics = new Metrics({ namespace: telemetry.POWERTOOLS_METRICS_NAMESPACE, serviceName: telemetry.POWERTOOLS_SERVICE_NAME });

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
  VendorPreview: 'VendorPreview',
  // streams/aggregate.ts
  RollupEventApplied: 'RollupEventApplied',
  RollupEventDuplicate: 'RollupEventDuplicate',
  RollupRecordIgnored: 'RollupRecordIgnored',
  RollupPoisonRecord: 'RollupPoisonRecord',
  RollupWriteFailed: 'RollupWriteFailed',
  RollupTransactionRetry: 'RollupTransactionRetry',
  // streams/export.ts
  ExportRecordSent: 'ExportRecordSent',
  ExportRecordRetried: 'ExportRecordRetried',
  ExportRecordFailed: 'ExportRecordFailed',
  ExportPoisonRecord: 'ExportPoisonRecord',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
