/**
 * The click export's delivery settings, defined once: the CDK delivery stream (infra/) and
 * the local Firehose (local/) both read them, so the S3 layout is the same in both places.
 */
export const EXPORT_DELIVERY = {
  /** S3 key prefix for good records; `day` is the event's business day (dynamic partitioning). */
  prefix: 'events/dt=!{partitionKeyFromQuery:day}/',
  /** Records Firehose could not deliver or partition; required once dynamic partitioning is on. */
  errorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
  /** JQ 1.6 metadata extraction: the partition key comes from the record itself. */
  partitionKeyQuery: { day: '.day' },
  bufferingSizeMiB: 64,
  bufferingIntervalSeconds: 60,
  compression: 'GZIP',
  /** Every record ends with this, so the objects are NDJSON. */
  recordDelimiter: '\n',
  /**
   * The producer already terminates each record (core/export-record.ts toExportLine), so the
   * delivery stream must NOT add the AppendDelimiterToRecord processor: it would double the newline.
   */
  appendDelimiter: false,
} as const;
