/**
 * US dollars per million clicks and per month, from the figures this run measured (or, for a
 * section not run this time, the previous run's, which the note names) and published
 * on-demand list prices (us-east-1; re-check before quoting). Per-click lines and fixed monthly
 * lines are apart: a small business pays the fixed lines whether or not anyone clicks.
 */
import type { BenchRun } from './results.ts';
import { SECTIONS, type BenchRow, type RowLookup, type SectionName } from './row.ts';
import { BenchUsageError } from './sections.ts';
import type { TemplateResource } from './synth.ts';

export const PRICES = {
  dynamoWritePerMillion: 0.625,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  httpApiPerMillion: 1.0,
  cloudFrontPer10kHttps: 0.01,
  firehosePerGb: 0.029,
  firehoseMinRecordKb: 5,
  firehoseDynamicPartitioningPerGb: 0.02,
  firehosePer1000Objects: 0.005,
  s3PutPer1000: 0.005,
  s3StandardPerGbMonth: 0.023,
  kinesisOnDemandPerStreamHour: 0.04,
  kinesisPerShardHour: 0.015,
  secretPerMonth: 0.4,
  alarmPerMonth: 0.1,
  wafWebAclPerMonth: 5.0,
  wafRulePerMonth: 1.0,
  wafPerMillionRequests: 0.6,
  lambdaEdgePerMillionRequests: 0.6,
  lambdaEdgePerGbSecond: 0.00005001,
} as const;

const HOURS_PER_MONTH = 730;
/** Lambda gives a function one full vCPU at 1,769 MB and CPU in proportion below that. */
const FULL_VCPU_MB = 1769;

/** Workload assumptions, stated in the rows' notes: everything else is measured. */
export const WORKLOAD = {
  /** Clicks per redirect cold start (one new execution environment per this many clicks). */
  clicksPerColdStart: 50,
  /** Export consumer: PutRecordBatch waits this long per batch (not measured here: no Firehose). */
  exportMsPerBatch: 50,
  /** Events per stream-consumer invocation, as in the aggregate section's batches. */
  consumerBatch: 100,
  /** Minutes a month in which the export writes an object (60 s buffer): at most every minute. */
  exportObjectMinutesMax: 43_800,
} as const;

export interface MeasuredInputs {
  readonly aggregateWcuPerClick: number;
  readonly aggregateMsPerEvent: number;
  /** Redirect p50 at concurrency 1, ms (handler + SDK + DynamoDB Local round trip). */
  readonly redirectP50Ms: number;
  /** CPU the redirect server spends per click, ms (its process.cpuUsage at concurrency 1). */
  readonly redirectCpuMs: number;
  /** Import plus first request of the redirect bundle in a fresh process, ms. */
  readonly redirectColdStartMs: number;
  readonly redirectMemoryMb: number;
  readonly consumerMemoryMb: number;
  /** Bytes of one export line, and of one gzip-compressed line in a day's object. */
  readonly exportLineBytes: number;
  readonly exportBytesPerClickGz: number;
}

export interface DeployedFixed {
  readonly spillStream: { readonly mode: 'PROVISIONED' | 'ON_DEMAND'; readonly shards: number } | undefined;
  readonly secrets: number;
  readonly alarms: number;
  /** MemorySize of each function, by its Powertools service name. */
  readonly memoryMb: Readonly<Record<string, number>>;
  /** CloudFront web ACLs and their rules (billed by the month, and per request). */
  readonly webAcls: number;
  readonly webAclRules: number;
  /** Lambda@Edge functions CloudFront runs on every /ref/* answer (per request and duration). */
  readonly edgeFunctionsPerClick: number;
  /**
   * Whether CloudFront sends /ref/* to an API Gateway endpoint (billed per request) rather than
   * the redirect's function URL (free beyond the invocation).
   */
  readonly referralViaApiGateway: boolean;
}

type CacheBehavior = { PathPattern?: string; TargetOriginId?: string; LambdaFunctionAssociations?: unknown[] };
type DistributionConfig = { CacheBehaviors?: CacheBehavior[]; Origins?: Array<{ Id: string; DomainName: unknown }> };
const distributions = (resources: readonly TemplateResource[]): DistributionConfig[] =>
  resources.filter((r) => r.Type === 'AWS::CloudFront::Distribution').map((r) => (r.Properties?.DistributionConfig ?? {}) as DistributionConfig);
const guestBehaviors = (d: DistributionConfig): CacheBehavior[] => (d.CacheBehaviors ?? []).filter((b) => /^\/?ref\//.test(b.PathPattern ?? ''));
/** An HTTP API origin is `Fn::GetAtt [api, ApiEndpoint]` (split to its host); a REST API's host names execute-api. */
const isApiGatewayHost = (domainName: unknown): boolean => /"ApiEndpoint"|execute-api/.test(JSON.stringify(domainName) ?? '');

/** What the synthesized default deployment holds that is billed by the month. */
export function deployedFixed(resources: readonly TemplateResource[]): DeployedFixed {
  const stream = resources.find((r) => r.Type === 'AWS::Kinesis::Stream');
  const mode = stream?.Properties?.StreamModeDetails?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED';
  return {
    spillStream: stream ? { mode, shards: mode === 'ON_DEMAND' ? 0 : Number(stream.Properties?.ShardCount ?? 1) } : undefined,
    secrets: resources.filter((r) => r.Type === 'AWS::SecretsManager::Secret').length,
    alarms: resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length,
    memoryMb: Object.fromEntries(
      resources
        .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)
        .map((r) => [r.Properties!.Environment.Variables.POWERTOOLS_SERVICE_NAME as string, Number(r.Properties!.MemorySize ?? 128)]),
    ),
    webAcls: resources.filter((r) => r.Type === 'AWS::WAFv2::WebACL').length,
    webAclRules: resources.filter((r) => r.Type === 'AWS::WAFv2::WebACL').reduce((n, r) => n + ((r.Properties?.Rules as unknown[] | undefined)?.length ?? 0), 0),
    edgeFunctionsPerClick: distributions(resources)
      .flatMap(guestBehaviors)
      .reduce((n, b) => n + (b.LambdaFunctionAssociations?.length ?? 0), 0),
    referralViaApiGateway: distributions(resources).some((d) =>
      guestBehaviors(d).some((b) => isApiGatewayHost(d.Origins?.find((o) => o.Id === b.TargetOriginId)?.DomainName)),
    ),
  };
}

/** Billed ms of one warm redirect: CPU scaled to the function's share of a vCPU, plus the wait on DynamoDB, rounded up to Lambda's 1 ms. */
export function redirectBilledMs(m: Pick<MeasuredInputs, 'redirectP50Ms' | 'redirectCpuMs' | 'redirectMemoryMb'>): number {
  const cpuShare = Math.min(1, m.redirectMemoryMb / FULL_VCPU_MB);
  const waitMs = Math.max(0, m.redirectP50Ms - m.redirectCpuMs);
  return Math.ceil(m.redirectCpuMs / cpuShare + waitMs);
}

export function costRows(m: MeasuredInputs, fixed: DeployedFixed, sources: string): BenchRow[] {
  const million = 1_000_000;
  const gbSecond = (mb: number, ms: number) => (mb / 1024) * (ms / 1000) * PRICES.lambdaArmPerGbSecond;
  const eventPutWru = 1; // one conditional PutItem of an event < 1 KB
  const dynamo = (eventPutWru + m.aggregateWcuPerClick) * PRICES.dynamoWritePerMillion;
  const billedMs = redirectBilledMs(m);
  const redirect = PRICES.lambdaPerMillionRequests + million * gbSecond(m.redirectMemoryMb, billedMs);
  // Since August 2025 Lambda bills the init phase of on-demand functions like any other duration.
  const coldStarts = (million / WORKLOAD.clicksPerColdStart) * gbSecond(m.redirectMemoryMb, Math.ceil(m.redirectColdStartMs));
  const invocations = (2 * million) / WORKLOAD.consumerBatch; // aggregate + export
  const consumerMsPerBatch = m.aggregateMsPerEvent * WORKLOAD.consumerBatch + WORKLOAD.exportMsPerBatch;
  const consumers = (invocations / million) * PRICES.lambdaPerMillionRequests + (invocations / 2) * gbSecond(m.consumerMemoryMb, Math.ceil(consumerMsPerBatch));
  const cloudFront = (million / 10_000) * PRICES.cloudFrontPer10kHttps;
  // Firehose bills each record as at least 5 KB; dynamic partitioning by the GB actually processed.
  const firehose = ((million * PRICES.firehoseMinRecordKb) / 1024 ** 2) * PRICES.firehosePerGb + ((million * m.exportLineBytes) / 1024 ** 3) * PRICES.firehoseDynamicPartitioningPerGb;
  const s3 = ((million * m.exportBytesPerClickGz) / 1024 ** 3) * PRICES.s3StandardPerGbMonth;
  const waf = fixed.webAcls > 0 ? PRICES.wafPerMillionRequests : 0;
  // An origin-response function at 128 MB, billed at least 1 ms (it only rewrites failed answers).
  const edge = fixed.edgeFunctionsPerClick * (PRICES.lambdaEdgePerMillionRequests + million * (128 / 1024) * 0.001 * PRICES.lambdaEdgePerGbSecond);
  const perClick: Array<[string, string, number, string]> = [
    ['dynamodb_writes', 'DynamoDB writes', dynamo, `${eventPutWru} WRU event + ${m.aggregateWcuPerClick.toFixed(2)} WRU aggregate per click (measured)`],
    ['lambda_redirect', 'Lambda: redirect', redirect, `${m.redirectMemoryMb} MB arm64, ${billedMs} ms billed: ${m.redirectCpuMs.toFixed(2)} ms CPU (measured) at ${Math.round(Math.min(1, m.redirectMemoryMb / FULL_VCPU_MB) * 100)}% of a vCPU + ${Math.max(0, m.redirectP50Ms - m.redirectCpuMs).toFixed(2)} ms waiting on DynamoDB (measured p50 minus CPU; DynamoDB Local stands in for DynamoDB)`],
    ['lambda_redirect_init', 'Lambda: redirect cold starts', coldStarts, `one per ${WORKLOAD.clicksPerColdStart} clicks (assumed), ${Math.ceil(m.redirectColdStartMs)} ms billed each (measured import + first request)`],
    ['lambda_consumers', 'Lambda: stream consumers', consumers, `batches of ${WORKLOAD.consumerBatch}; aggregate ${(m.aggregateMsPerEvent * WORKLOAD.consumerBatch).toFixed(0)} ms per batch (measured), export ${WORKLOAD.exportMsPerBatch} ms (assumed)`],
    [
      'api_gateway',
      'API Gateway HTTP API',
      fixed.referralViaApiGateway ? PRICES.httpApiPerMillion : 0,
      fixed.referralViaApiGateway ? 'one request per click: /ref/* reaches the redirect through an HTTP API' : '/ref/* reaches the redirect through its Lambda function URL (CloudFront OAC): no charge beyond the invocation',
    ],
    ['cloudfront', 'CloudFront', cloudFront, 'one HTTPS request per click (302 bodies are empty)'],
    ['firehose', 'Firehose', firehose, `${PRICES.firehoseMinRecordKb} KB minimum per record + dynamic partitioning of ${m.exportLineBytes.toFixed(0)} bytes per line`],
    ['s3_storage', 'S3 storage (first month)', s3, `${m.exportBytesPerClickGz.toFixed(0)} bytes per click gzip`],
    ['waf', 'WAF requests', waf, fixed.webAcls > 0 ? 'the CloudFront web ACL inspects every click' : 'no web ACL'],
    ['lambda_edge', 'Lambda@Edge', edge, `${fixed.edgeFunctionsPerClick} function(s) on every /ref/* origin answer, 128 MB, 1 ms`],
  ];
  const total = perClick.reduce((sum, [, , usd]) => sum + usd, 0);

  const stream = fixed.spillStream;
  const streamUsd = !stream ? 0 : stream.mode === 'ON_DEMAND' ? PRICES.kinesisOnDemandPerStreamHour * HOURS_PER_MONTH : stream.shards * PRICES.kinesisPerShardHour * HOURS_PER_MONTH;
  const fixedLines: Array<[string, string, number, string]> = [
    ['spill_stream', 'fixed: Kinesis spill stream', streamUsd, !stream ? 'no spill stream' : stream.mode === 'ON_DEMAND' ? 'on-demand: stream-hours whether or not anything spills' : `provisioned, ${stream.shards} shard(s): shard-hours whether or not anything spills`],
    ['secrets', 'fixed: Secrets Manager', fixed.secrets * PRICES.secretPerMonth, `${fixed.secrets} secret(s)`],
    ['alarms', 'fixed: CloudWatch alarms', fixed.alarms * PRICES.alarmPerMonth, `${fixed.alarms} standard-resolution alarms (before any free tier)`],
    ['waf', 'fixed: WAF web ACL', fixed.webAcls * PRICES.wafWebAclPerMonth + fixed.webAclRules * PRICES.wafRulePerMonth, `${fixed.webAcls} web ACL(s), ${fixed.webAclRules} rule(s)`],
  ];
  const fixedTotal = fixedLines.reduce((sum, [, , usd]) => sum + usd, 0);
  const objectsMax = WORKLOAD.exportObjectMinutesMax * (PRICES.firehosePer1000Objects + PRICES.s3PutPer1000) / 1000;
  return [
    ...perClick.map(([id, metric, usd, note]): BenchRow => ({ id: `cost.${id}_per_million_usd`, section: 'cost', metric: `${metric} per million clicks`, value: usd, unit: 'USD', note })),
    { id: 'cost.total_per_million_usd', section: 'cost', metric: 'total per million clicks', value: total, unit: 'USD', target: { max: 4.5 }, note: `excludes the fixed monthly lines; inputs from ${sources}` },
    ...fixedLines.map(([id, metric, usd, note]): BenchRow => ({ id: `cost.fixed.${id}_per_month_usd`, section: 'cost', metric: `${metric} per month`, value: usd, unit: 'USD', note })),
    { id: 'cost.fixed_per_month_usd', section: 'cost', metric: 'fixed per month, default deployment', value: fixedTotal, unit: 'USD', target: { max: 12 }, note: 'from the synthesized stacks, billed with no traffic at all' },
    { id: 'cost.export_objects_per_month_max_usd', section: 'cost', metric: 'export objects per month, at most', value: objectsMax, unit: 'USD', note: 'one object per minute with clicks (60 s buffer): Firehose object delivery + S3 PUT; far less when quiet' },
  ];
}

/** The figures the cost model takes from other sections: row id, the section that measures it, and a stand-in. */
const COST_INPUTS = [
  { id: 'aggregate.wcu_per_click', section: 'aggregate' },
  { id: 'aggregate.ms_per_event', section: 'aggregate' },
  { id: 'redirect.c1.p50_ms', section: 'redirect' },
  { id: 'redirect.c1.cpu_ms_per_click', section: 'redirect' },
  { id: 'coldstart.redirect.ms', section: 'bundles', standIn: 'bundle.redirect.init_ms' },
] as const satisfies ReadonlyArray<{ id: string; section: SectionName; standIn?: string }>;

/**
 * Before anything runs: every input is measured by a section of this run or was in the previous
 * run's latest.json; otherwise the run stops at once, naming the sections to add.
 */
export function checkCostInputs(sections: readonly SectionName[], previous: BenchRun | undefined): void {
  if (!sections.includes('cost')) return;
  const have = (id: string) => previous?.rows.some((r) => r.id === id) ?? false;
  const missing = COST_INPUTS.filter((i) => !sections.includes(i.section) && !have(i.id) && !('standIn' in i && have(i.standIn)));
  if (missing.length === 0) return;
  const add = SECTIONS.filter((s) => missing.some((m) => m.section === s));
  throw new BenchUsageError(`the cost section needs ${missing.map((m) => m.id).join(', ')}, measured by ${add.join(', ')}: run \`npm run bench -- ${[...add, 'cost'].join(' ')}\``);
}

/** The measured inputs, by row id, from this run or else the previous one (the returned `sources` says which). */
export function measuredInputs(lookup: RowLookup, deployed: DeployedFixed, exportLineBytes: number, exportBytesPerClickGz: number): { inputs: MeasuredInputs; sources: string } {
  const from = new Set<string>();
  const need = (id: (typeof COST_INPUTS)[number]['id']): number => {
    const input = COST_INPUTS.find((i) => i.id === id)!;
    const found = lookup.getOrPrevious(id) ?? ('standIn' in input ? lookup.getOrPrevious(input.standIn) : undefined);
    if (!found) throw new BenchUsageError(`the cost section needs ${id}: run \`npm run bench -- ${input.section} cost\``);
    from.add(found.from);
    return found.row.value;
  };
  return {
    inputs: {
      aggregateWcuPerClick: need('aggregate.wcu_per_click'),
      aggregateMsPerEvent: need('aggregate.ms_per_event'),
      redirectP50Ms: need('redirect.c1.p50_ms'),
      redirectCpuMs: need('redirect.c1.cpu_ms_per_click'),
      redirectColdStartMs: need('coldstart.redirect.ms'),
      redirectMemoryMb: deployed.memoryMb.redirect ?? 128,
      consumerMemoryMb: deployed.memoryMb.aggregate ?? 128,
      exportLineBytes,
      exportBytesPerClickGz,
    },
    sources: [...from].join(' and '),
  };
}
