import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured JSON logs and CloudWatch EMF metrics. Service name, level and namespace come
 * from the standard POWERTOOLS_* variables the deployment sets per function.
 */
export const logger = new Logger({ serviceName: 'reftrack' });
export const metrics = new Metrics({ namespace: 'Reftrack', serviceName: 'reftrack' });

/** The fixed list of metric names; dashboards and alarms refer to these. */
export const MetricName = {
  ClickRecorded: 'ClickRecorded',
  ClickUnrecorded: 'ClickUnrecorded',
  BotClick: 'BotClick',
  OrphanVisit: 'OrphanVisit',
  HeadRequest: 'HeadRequest',
  ExportRecordSent: 'ExportRecordSent',
  ExportRecordRetried: 'ExportRecordRetried',
  ExportRecordFailed: 'ExportRecordFailed',
  ExportPoisonRecord: 'ExportPoisonRecord',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
