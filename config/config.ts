/**
 * The one place that reads process.env. Each part of the system asks for the section
 * it needs; a section's schema is built and the section validated on first use, and a bad value fails fast
 * with a message naming the variable. Every Lambda bundles this file: zod's mini build
 * (see core/validation.ts), so no function carries the classic build for its config.
 */
import '../core/validation.ts';
import * as z from 'zod/mini';
import { isTimeZone } from '../core/business-day.ts';
import { ConfigError } from '../core/errors.ts';
import { parseCidrs, type CidrList } from '../core/internal-traffic.ts';
import type { OutreachSettings } from '../core/outreach/outreach-kit.ts';
import type { QualificationRules } from '../core/qualification.ts';
import { httpsUrl } from '../core/vendor.ts';

type Env = Record<string, string | undefined>;

/**
 * A section's schema, built on first use. Every function bundles this module, but each reads only
 * a few sections: building the schemas it never reads was a measurable share of a cold start.
 */
function lazy<S extends z.ZodMiniType>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}
type Parsed<F extends () => z.ZodMiniType> = z.infer<ReturnType<F>>;

const csv = () => z.pipe(
  z._default(z.string(), ''),
  z.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
);
/** An integer variable within [min, max]. */
const int = (min: number, max: number) => z.coerce.number().check(z.int(), z.gte(min), z.lte(max));
const intDefault = (min: number, max: number, value: number) => z._default(int(min, max), value);
const text = (min: number, max?: number) => z.string().check(z.minLength(min), ...(max === undefined ? [] : [z.maxLength(max)]));
const secretValue = () => z.optional(z.string().check(z.minLength(32, { message: 'must be at least 32 characters (a random secret)' })));
const secretArn = () => z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:/, { message: 'must be a Secrets Manager secret ARN' })));
const bucketName = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name' }));
const flag = () => z.pipe(z._default(z.enum(['true', 'false']), 'false'), z.transform((v) => v === 'true'));

const awsSchema = lazy(() => z.object({
  /** `local` talks to DynamoDB Local / local Firehose / kinesalite; `aws` uses the SDK's default chain. */
  REFTRACK_TARGET: z._default(z.enum(['local', 'aws']), 'local'),
  AWS_REGION: z._default(text(1), 'us-east-1'),
  /** Default: the DynamoDB Local of `npm start` (`http://127.0.0.1:<DYNAMODB_LOCAL_PORT>`). */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  EVENTS_TABLE: z._default(text(3), 'reftrack-events'),
  STATE_TABLE: z._default(text(3), 'reftrack-state'),
  /** Milliseconds one DynamoDB attempt may take before it is abandoned (default: see awsConfig). */
  DYNAMODB_REQUEST_TIMEOUT_MS: z.optional(int(10, 30_000)),
  DYNAMODB_MAX_ATTEMPTS: intDefault(1, 10, 3),
}));

const businessSchema = lazy(() => z.object({
  DESTINATION_URL: z._default(httpsUrl, 'https://queenofsandiego.com/'),
  FALLBACK_URL: z._default(httpsUrl, 'https://queenofsandiego.com/'),
  TIME_ZONE: z._default(z.string().check(z.refine(isTimeZone, { message: 'must be an IANA time zone such as America/Los_Angeles' })), 'America/Los_Angeles'),
  UTM_PRESET: z._default(z.enum(['ga4', 'seed']), 'ga4'),
  /** The business's own network ranges (staff testing links): flagged internal, never paid. */
  INTERNAL_CIDRS: csv(),
}));

const redirectSchema = lazy(() =>
  z
    .extend(businessSchema(), {
      /** Secret for visitor hashes; at least 32 characters. Local runs set it directly. */
      VISITOR_HASH_KEY: secretValue(),
      /**
       * In AWS the key stays in Secrets Manager: the function gets the secret's ARN and reads the
       * value once at cold start (adapters/visitor-key.ts), so it never appears in a template.
       */
      VISITOR_HASH_KEY_SECRET_ARN: secretArn(),
      /**
       * Honour CloudFront-Viewer-Address / -Country, on requests that came through CloudFront:
       * every request when ORIGIN_ACCESS_CONTROL=true, else those carrying the origin secret below.
       * Only true behind CloudFront.
       */
      TRUST_CLOUDFRONT_HEADERS: flag(),
      /**
       * The origin answers only requests CloudFront signed (the deployed stack: a Lambda function URL
       * with AWS_IAM auth behind an Origin Access Control), so no origin secret is needed or read.
       */
      ORIGIN_ACCESS_CONTROL: flag(),
      /** The value CloudFront sends in X-Reftrack-Origin-Verify (local runs and tests). */
      ORIGIN_VERIFY_SECRET: secretValue(),
      /** In AWS: the Secrets Manager secret holding that value, read once at cold start. */
      ORIGIN_VERIFY_SECRET_ARN: secretArn(),
      VENDOR_CACHE_TTL_MS: intDefault(0, 3_600_000, 30_000),
      /** Milliseconds a guest may wait on the event log before the click is spilled to Kinesis instead. */
      WRITE_BUDGET_MS: intDefault(5, 10_000, 150),
    })
    .check(
      z.refine((c) => c.VISITOR_HASH_KEY !== undefined || c.VISITOR_HASH_KEY_SECRET_ARN !== undefined, {
        path: ['VISITOR_HASH_KEY'],
        message: 'required (or VISITOR_HASH_KEY_SECRET_ARN)',
      }),
      z.refine((c) => !c.TRUST_CLOUDFRONT_HEADERS || c.ORIGIN_ACCESS_CONTROL || c.ORIGIN_VERIFY_SECRET !== undefined || c.ORIGIN_VERIFY_SECRET_ARN !== undefined, {
        path: ['ORIGIN_VERIFY_SECRET'],
        message:
          'required with TRUST_CLOUDFRONT_HEADERS=true (or ORIGIN_VERIFY_SECRET_ARN, or ORIGIN_ACCESS_CONTROL=true when only CloudFront can reach the origin): without it anyone calling the origin directly could choose their own address',
      }),
    ),
);

const spillSchema = lazy(() => z.object({
  /** Default: the kinesalite of `npm start` (`http://127.0.0.1:<KINESALITE_PORT>`). */
  KINESIS_ENDPOINT: z.optional(z.url()),
  SPILL_STREAM_NAME: z._default(text(1, 128), 'reftrack-spill'),
  /** Kinesis is the last resort on the hot path: it gets a short timeout of its own. */
  KINESIS_REQUEST_TIMEOUT_MS: intDefault(10, 30_000, 1_000),
}));

const conversionSchema = lazy(() => z.object({
  /** A booking more than this many days after its click is stored, but credited to no vendor. */
  ATTRIBUTION_WINDOW_DAYS: intDefault(1, 365, 30),
  /** The booking system's signing secret (locally `conversionSecret` in .data/secrets.json). */
  CONVERSION_SECRET: secretValue(),
  /** In AWS the secret stays in Secrets Manager; the function reads it at cold start. */
  CONVERSION_SECRET_ARN: secretArn(),
}));
export type ConversionConfig = Parsed<typeof conversionSchema>;

export function conversionConfig(env: Env = process.env): ConversionConfig {
  return parseSection(conversionSchema(), env);
}

/**
 * The AWS Parameters and Secrets Lambda Extension (a layer on the functions that read a secret at
 * cold start; adapters/secrets-extension.ts). Lambda sets AWS_SESSION_TOKEN, which the extension
 * wants back as its request token; the deployment sets the port.
 */
const secretsExtensionSchema = lazy(() => z.object({
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: intDefault(1, 65_535, 2773),
  AWS_SESSION_TOKEN: z.optional(z.string()),
}));
export type SecretsExtensionConfig = Parsed<typeof secretsExtensionSchema>;

export function secretsExtensionConfig(env: Env = process.env): SecretsExtensionConfig {
  return parseSection(secretsExtensionSchema(), env);
}

const localSchema = lazy(() => z.object({
  PORT: intDefault(1, 65_535, 3000),
  DYNAMODB_LOCAL_PORT: intDefault(1, 65_535, 8000),
  KINESALITE_PORT: intDefault(1, 65_535, 4567),
  REFTRACK_DATA_DIR: z._default(text(1), '.data'),
}));

const outreachSchema = lazy(() => z.object({
  /** Where guests reach the redirect (`<base>/ref/<code>`); the deployment's CloudFront domain in AWS. Default http://localhost:<PORT>. */
  PUBLIC_BASE_URL: z.url().check(z.refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), { message: 'must be an http(s):// URL' })),
  /**
   * Where e-mail clients fetch the QR PNG from (`<base>/<code>.png`). Defaults to the app's own
   * `/outreach/qr` route; a deployment points it at the published assets (`.../vendor-referral/qr`).
   */
  OUTREACH_QR_BASE_URL: z.optional(z.url()),
  /** Who the outreach e-mail comes from, as the vendor reads it. */
  OUTREACH_BRAND_NAME: z._default(text(1, 80), 'Queen of San Diego'),
  /** The assets bucket `outreach publish` writes to (locally a directory under REFTRACK_DATA_DIR/s3). */
  ASSETS_BUCKET: z._default(bucketName(), 'reftrack-assets'),
}));

/** The qualification rules (core/qualification.ts): the consumer, replay, verify and payouts must agree. */
const qualificationSchema = lazy(() => z.object({
  /** At most this many paid clicks per network (IPv4 address, IPv6 /64) per vendor per business day. */
  NETWORK_CAP: intDefault(1, 1_000, 3),
  /** More clicks than this from one network in one UTC minute are flagged suspicious (not paid). */
  VELOCITY_PER_MINUTE: intDefault(1, 100_000, 10),
}));

const portalSchema = lazy(() => z.object({
  /**
   * Signs vendor portal links (HMAC-SHA256). Locally generated into <REFTRACK_DATA_DIR>/secrets.json
   * when unset; required when REFTRACK_TARGET=aws. Changing it ends every link at once.
   */
  PORTAL_SIGNING_KEY: z.optional(z.string().check(z.minLength(32, { message: 'must be at least 32 characters' }))),
  /** The payout rules the vendor page's estimate of this month's earnings uses (the same file `reftrack payouts --rules` reads). */
  PAYOUT_RULES_FILE: z._default(text(1), 'config/payout-rules.json'),
}));

/** Powertools' standard variables; the deployment sets one service name per function. */
const telemetrySchema = lazy(() => z.object({
  POWERTOOLS_SERVICE_NAME: z._default(text(1), 'reftrack'),
  POWERTOOLS_METRICS_NAMESPACE: z._default(text(1), 'Reftrack'),
  /** Unset = Powertools' own default (INFO). Local processes default to WARN (see localRuntimeEnv). */
  POWERTOOLS_LOG_LEVEL: z.optional(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((s) => s.toUpperCase()),
      ),
      z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']),
    ),
  ),
  /** `true` drops metrics instead of printing EMF lines (local runs, tests). */
  POWERTOOLS_METRICS_DISABLED: flag(),
}));

const exportSchema = lazy(() => z.object({
  /** Where the Firehose client sends records when REFTRACK_TARGET=local (the local Firehose). */
  FIREHOSE_ENDPOINT: z._default(z.url(), 'http://127.0.0.1:4573'),
  DELIVERY_STREAM_NAME: z._default(z.string().check(z.regex(/^[a-zA-Z0-9_.-]{1,64}$/, { message: 'must be a Firehose stream name ([a-zA-Z0-9_.-], at most 64)' })), 'reftrack-clicks'),
  /** The export's S3 bucket; locally the objects go under <REFTRACK_DATA_DIR>/s3/<bucket>/. */
  EXPORT_BUCKET: z._default(bucketName(), 'reftrack-exports'),
  /** Retry budget of the export sender: PutRecordBatch attempts per record, and the backoff bounds. */
  FIREHOSE_MAX_ATTEMPTS: intDefault(1, 20, 6),
  FIREHOSE_RETRY_BASE_MS: intDefault(0, 10_000, 50),
  FIREHOSE_RETRY_MAX_MS: intDefault(0, 60_000, 2_000),
  /** Local Firehose only: the fraction of records it answers as failed, to exercise the retry path. */
  LOCAL_FIREHOSE_FAIL_RATE: z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 0),
  /** Local Firehose only: buffering interval hint in seconds (default EXPORT_DELIVERY's). */
  LOCAL_FIREHOSE_INTERVAL_SECONDS: z.optional(int(0, 900)),
  /** Optional S3-compatible endpoint for reading exports (`--source s3://...`); unset = AWS S3. */
  S3_ENDPOINT: z.optional(z.url()),
  /** The failed-batches bucket `exports redrive` reads in AWS (Reftrack-Data output FailedBatchesBucketName). */
  FAILED_BATCHES_BUCKET: z.optional(bucketName()),
}));

const logsSchema = lazy(() => z.object({
  /** The redirect's log group (Reftrack-App output RedirectLogGroup); `recover --from-cloudwatch` reads it. */
  REDIRECT_LOG_GROUP: z.optional(z.string().check(z.regex(/^[\w/.#-]{1,512}$/, { message: 'must be a CloudWatch Logs group name' }))),

}));
export type LogsConfig = Parsed<typeof logsSchema>;

export function logsConfig(env: Env = process.env): LogsConfig {
  return parseSection(logsSchema(), env);
}

function parseSection<S extends z.ZodMiniType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

export type AwsConfig = Omit<Parsed<typeof awsSchema>, 'DYNAMODB_ENDPOINT' | 'DYNAMODB_REQUEST_TIMEOUT_MS'> & { DYNAMODB_ENDPOINT: string; DYNAMODB_REQUEST_TIMEOUT_MS: number };
export type SpillConfig = Omit<Parsed<typeof spillSchema>, 'KINESIS_ENDPOINT'> & { KINESIS_ENDPOINT: string };
export type LocalConfig = Parsed<typeof localSchema>;
export type OutreachConfig = Omit<Parsed<typeof outreachSchema>, 'OUTREACH_QR_BASE_URL'> & { OUTREACH_QR_BASE_URL: string };
export type ExportConfig = Parsed<typeof exportSchema>;
export type TelemetryConfig = Parsed<typeof telemetrySchema>;
export type BusinessConfig = Omit<Parsed<typeof businessSchema>, 'INTERNAL_CIDRS'> & { INTERNAL_CIDRS: CidrList };
export type RedirectConfig = Omit<Parsed<typeof redirectSchema>, 'INTERNAL_CIDRS'> & { INTERNAL_CIDRS: CidrList };

/**
 * Local endpoints follow the same port settings as `npm start` (DYNAMODB_LOCAL_PORT,
 * KINESALITE_PORT), so a CLI run with the settings of its `npm start` reaches that instance.
 */
/**
 * How long one DynamoDB attempt may take when DYNAMODB_REQUEST_TIMEOUT_MS is not set: 3 s in AWS;
 * 10 s against local engines, where DynamoDB Local on a busy laptop can take seconds over a
 * consumer's 100-item transaction or a `reftrack verify` scan. A guest never waits on it (the
 * write budget spills first).
 */
const DEFAULT_DYNAMODB_TIMEOUT_MS = { aws: 3_000, local: 10_000 } as const;

export function awsConfig(env: Env = process.env): AwsConfig {
  const parsed = parseSection(awsSchema(), env);
  return {
    ...parsed,
    DYNAMODB_ENDPOINT: parsed.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${localConfig(env).DYNAMODB_LOCAL_PORT}`,
    DYNAMODB_REQUEST_TIMEOUT_MS: parsed.DYNAMODB_REQUEST_TIMEOUT_MS ?? DEFAULT_DYNAMODB_TIMEOUT_MS[parsed.REFTRACK_TARGET],
  };
}

export function qualificationRules(env: Env = process.env): QualificationRules {
  const parsed = parseSection(qualificationSchema(), env);
  return { networkCap: parsed.NETWORK_CAP, velocityPerMinute: parsed.VELOCITY_PER_MINUTE };
}

export function spillConfig(env: Env = process.env): SpillConfig {
  const parsed = parseSection(spillSchema(), env);
  return { ...parsed, KINESIS_ENDPOINT: parsed.KINESIS_ENDPOINT ?? `http://127.0.0.1:${localConfig(env).KINESALITE_PORT}` };
}

export function telemetryConfig(env: Env = process.env): TelemetryConfig {
  return parseSection(telemetrySchema(), env);
}

export function localConfig(env: Env = process.env): LocalConfig {
  return parseSection(localSchema(), env);
}

export function outreachConfig(env: Env = process.env): OutreachConfig {
  // A deployment must say where its links point; a localhost link in a vendor's e-mail is a silent failure.
  if (env.REFTRACK_TARGET === 'aws' && !env.PUBLIC_BASE_URL) throw new ConfigError('invalid configuration: PUBLIC_BASE_URL: required when REFTRACK_TARGET=aws');
  // The deployed bucket's name is generated (stack output AssetsBucketName): a default would write elsewhere.
  if (env.REFTRACK_TARGET === 'aws' && !env.ASSETS_BUCKET) throw new ConfigError('invalid configuration: ASSETS_BUCKET: required when REFTRACK_TARGET=aws (the Reftrack-Data output AssetsBucketName)');
  // Locally the redirect is this machine's server, so the default follows PORT.
  const parsed = parseSection(outreachSchema(), { PUBLIC_BASE_URL: `http://localhost:${localConfig(env).PORT}`, ...definedOnly(env) });
  const base = parsed.PUBLIC_BASE_URL.replace(/\/+$/, '');
  return { ...parsed, PUBLIC_BASE_URL: base, OUTREACH_QR_BASE_URL: (parsed.OUTREACH_QR_BASE_URL ?? `${base}/outreach/qr`).replace(/\/+$/, '') };
}

/** What the outreach kit needs from its section (links, QR image base, sender name). */
export function outreachSettings(cfg: Pick<OutreachConfig, 'PUBLIC_BASE_URL' | 'OUTREACH_QR_BASE_URL' | 'OUTREACH_BRAND_NAME'>): OutreachSettings {
  return { publicBaseUrl: cfg.PUBLIC_BASE_URL, qrBaseUrl: cfg.OUTREACH_QR_BASE_URL, brandName: cfg.OUTREACH_BRAND_NAME };
}

function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}

export type PortalConfig = Parsed<typeof portalSchema>;

export function portalConfig(env: Env = process.env): PortalConfig {
  const parsed = parseSection(portalSchema(), env);
  if (env.REFTRACK_TARGET === 'aws' && !parsed.PORTAL_SIGNING_KEY) throw new ConfigError('invalid configuration: PORTAL_SIGNING_KEY: required when REFTRACK_TARGET=aws');
  return parsed;
}

export function exportConfig(env: Env = process.env): ExportConfig {
  return parseSection(exportSchema(), env);
}

export function businessConfig(env: Env = process.env): BusinessConfig {
  return withCidrs(parseSection(businessSchema(), env));
}

export function redirectConfig(env: Env = process.env): RedirectConfig {
  return withCidrs(parseSection(redirectSchema(), env));
}

function withCidrs<T extends { INTERNAL_CIDRS: string[] }>(parsed: T): Omit<T, 'INTERNAL_CIDRS'> & { INTERNAL_CIDRS: CidrList } {
  try {
    return { ...parsed, INTERNAL_CIDRS: parseCidrs(parsed.INTERNAL_CIDRS) };
  } catch (cause) {
    throw new ConfigError(`invalid configuration: INTERNAL_CIDRS: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The environment a local process reads its sections from: `defaults` fill in what a
 * deployment would set (the engines `npm start` runs, its generated key), and values already
 * in the process environment win. Nothing is written to process.env.
 */
export function environment(defaults: Readonly<Record<string, string>> = {}, env: Env = process.env): Env {
  return { ...defaults, ...definedOnly(env) };
}

/**
 * Local processes run on Node 20, which the AWS SDK warns about when a client is created (it
 * reads this variable itself); Lambda runs nodejs22.x. Each local composition root calls this
 * first. It silences that one warning, nothing else.
 */
export function quietLocalRuntime(env: Env = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
