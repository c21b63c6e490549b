/**
 * The fixed list of metric names (namespace POWERTOOLS_METRICS_NAMESPACE, dimension `service`).
 * A module of its own, with no imports, so the CDK alarms (infra/) name the same metrics the
 * functions publish without building a logger or reading configuration.
 */
export const METRICS_NAMESPACE = 'Reftrack';

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
  // Behind CloudFront without CloudFront-Viewer-Address: the visitor hash fell back to the edge's address.
  ViewerAddressMissing: 'ViewerAddressMissing',
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
