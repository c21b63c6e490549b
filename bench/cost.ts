/**
 * US dollars per million clicks, from figures measured in this run and published on-demand
 * prices (us-east-1; see the README's Performance section for the list and its date).
 * Assumptions are stated per line; fixed monthly costs are reported apart from per-click ones.
 */
import type { BenchRow } from './row.ts';

export const PRICES = {
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  httpApiPerMillion: 1.0,
  cloudFrontPer10kHttps: 0.01,
  firehosePerGb: 0.029,
  firehoseMinRecordKb: 5,
  s3StandardPerGbMonth: 0.023,
  kinesisOnDemandPerStreamHour: 0.04,
} as const;

export interface CostInputs {
  /** Modelled write units per click of the aggregate consumer (measured). */
  readonly aggregateWriteUnitsPerClick: number;
  /** Redirect Lambda billed duration per click in ms (assumed: DynamoDB in-region p50 plus measured CPU). */
  readonly redirectBilledMs: number;
  readonly redirectMemoryMb: number;
  /** Stream batch size: consumer invocations per click = 1 / batch. */
  readonly consumerBatchSize: number;
  readonly consumerBilledMsPerBatch: number;
  /** Bytes of one gzip-compressed export line (measured from a sample). */
  readonly exportBytesPerClickGz: number;
}

export function costRows(inputs: CostInputs): BenchRow[] {
  const million = 1_000_000;
  const eventPutWru = 1; // one conditional PutItem of an event < 1 KB
  const dynamo = ((eventPutWru + inputs.aggregateWriteUnitsPerClick) * PRICES.dynamoWritePerMillion * million) / million;
  const redirectLambda = PRICES.lambdaPerMillionRequests + (inputs.redirectMemoryMb / 1024) * (inputs.redirectBilledMs / 1000) * million * PRICES.lambdaArmPerGbSecond;
  const consumerInvocations = (2 * million) / inputs.consumerBatchSize; // aggregate + export
  const consumers = (consumerInvocations / million) * PRICES.lambdaPerMillionRequests + consumerInvocations * (inputs.consumerBilledMsPerBatch / 1000) * 0.5 * PRICES.lambdaArmPerGbSecond;
  const api = PRICES.httpApiPerMillion;
  const cloudFront = (million / 10_000) * PRICES.cloudFrontPer10kHttps;
  // Firehose bills each record as at least 5 KB.
  const firehose = ((million * PRICES.firehoseMinRecordKb) / (1024 * 1024)) * PRICES.firehosePerGb;
  const s3 = ((million * inputs.exportBytesPerClickGz) / 1024 ** 3) * PRICES.s3StandardPerGbMonth;
  const lines: Array<[string, number, string]> = [
    ['DynamoDB writes', dynamo, `${eventPutWru} WRU event + ${inputs.aggregateWriteUnitsPerClick.toFixed(2)} WRU aggregate per click`],
    ['Lambda: redirect', redirectLambda, `${inputs.redirectMemoryMb} MB arm64, ${inputs.redirectBilledMs} ms billed per click (assumed)`],
    ['Lambda: stream consumers', consumers, `batches of ${inputs.consumerBatchSize}, ${inputs.consumerBilledMsPerBatch} ms per batch (assumed)`],
    ['API Gateway HTTP API', api, 'one request per click'],
    ['CloudFront', cloudFront, 'one HTTPS request per click (302 bodies are empty)'],
    ['Firehose', firehose, `${PRICES.firehoseMinRecordKb} KB minimum per record`],
    ['S3 storage (first month)', s3, `${inputs.exportBytesPerClickGz.toFixed(0)} bytes per click gzip`],
  ];
  const total = lines.reduce((sum, [, usd]) => sum + usd, 0);
  return [
    ...lines.map(([metric, usd, note]) => ({ section: 'cost', metric: `${metric} per million clicks`, value: usd, unit: 'USD', note })),
    { section: 'cost', metric: 'total per million clicks', value: total, unit: 'USD', note: 'excludes the fixed monthly cost below' },
    { section: 'cost', metric: 'fixed: Kinesis on-demand spill stream, per month', value: PRICES.kinesisOnDemandPerStreamHour * 730, unit: 'USD', note: 'stream-hours whether or not anything spills' },
  ];
}
