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
  /** Firehose appends this after every record, so the objects are NDJSON. */
  recordDelimiter: '\n',
} as const;
