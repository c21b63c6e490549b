import { describe, expect, it } from 'vitest';
import { awsConfig, businessConfig, conversionConfig, exportConfig, localConfig, logsConfig, portalConfig, qualificationRules, redirectConfig, spillConfig, telemetryConfig } from '../../config/config.ts';
import { ConfigError } from '../../core/errors.ts';

const KEY = 'k'.repeat(32);
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:reftrack-visitor-AbCdEf';

/** The message a bad value gets, or undefined when it parses. */
function problem(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('config sections: defaults', () => {
  it('fills every default of an empty environment', () => {
    expect(awsConfig({})).toEqual({
      REFTRACK_TARGET: 'local',
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      EVENTS_TABLE: 'reftrack-events',
      STATE_TABLE: 'reftrack-state',
      DYNAMODB_REQUEST_TIMEOUT_MS: 10_000,
      DYNAMODB_MAX_ATTEMPTS: 3,
    });
    // Local engines get 10 s per DynamoDB attempt, AWS 3 s; a value set wins either way.
    expect(awsConfig({ REFTRACK_TARGET: 'aws' }).DYNAMODB_REQUEST_TIMEOUT_MS).toBe(3_000);
    expect(awsConfig({ REFTRACK_TARGET: 'local', DYNAMODB_REQUEST_TIMEOUT_MS: '700' }).DYNAMODB_REQUEST_TIMEOUT_MS).toBe(700);
    expect(spillConfig({ KINESALITE_PORT: '4999' })).toEqual({ KINESIS_ENDPOINT: 'http://127.0.0.1:4999', SPILL_STREAM_NAME: 'reftrack-spill', KINESIS_REQUEST_TIMEOUT_MS: 1_000 });
    expect(localConfig({})).toEqual({ PORT: 3000, DYNAMODB_LOCAL_PORT: 8000, KINESALITE_PORT: 4567, REFTRACK_DATA_DIR: '.data' });
    expect(conversionConfig({})).toEqual({ ATTRIBUTION_WINDOW_DAYS: 30 });
    expect(telemetryConfig({})).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'reftrack', POWERTOOLS_METRICS_NAMESPACE: 'Reftrack' });
    expect(portalConfig({})).toEqual({ PAYOUT_RULES_FILE: 'config/payout-rules.json' });
    expect(logsConfig({})).toEqual({});
    expect(qualificationRules({})).toEqual({ networkCap: 3, velocityPerMinute: 10 });
    expect(qualificationRules({ NETWORK_CAP: '5', VELOCITY_PER_MINUTE: '60' })).toEqual({ networkCap: 5, velocityPerMinute: 60 });
    expect(exportConfig({})).toEqual({
      FIREHOSE_ENDPOINT: 'http://127.0.0.1:4573',
      DELIVERY_STREAM_NAME: 'reftrack-clicks',
      EXPORT_BUCKET: 'reftrack-exports',
      FIREHOSE_MAX_ATTEMPTS: 6,
      FIREHOSE_RETRY_BASE_MS: 50,
      FIREHOSE_RETRY_MAX_MS: 2_000,
      LOCAL_FIREHOSE_FAIL_RATE: 0,
    });
    const business = businessConfig({});
    expect(business).toMatchObject({ DESTINATION_URL: 'https://queenofsandiego.com/', FALLBACK_URL: 'https://queenofsandiego.com/', TIME_ZONE: 'America/Los_Angeles', UTM_PRESET: 'ga4' });
    const redirect = redirectConfig({ VISITOR_HASH_KEY: KEY });
    expect(redirect).toMatchObject({ VISITOR_HASH_KEY: KEY, TRUST_CLOUDFRONT_HEADERS: false, VENDOR_CACHE_TTL_MS: 30_000, WRITE_BUDGET_MS: 150, TIME_ZONE: 'America/Los_Angeles' });
  });

  it('coerces numbers and booleans and splits lists', () => {
    expect(awsConfig({ DYNAMODB_REQUEST_TIMEOUT_MS: '250', DYNAMODB_MAX_ATTEMPTS: '1', REFTRACK_TARGET: 'aws' })).toMatchObject({ DYNAMODB_REQUEST_TIMEOUT_MS: 250, DYNAMODB_MAX_ATTEMPTS: 1, REFTRACK_TARGET: 'aws' });
    expect(exportConfig({ LOCAL_FIREHOSE_FAIL_RATE: '0.25', LOCAL_FIREHOSE_INTERVAL_SECONDS: '0' })).toMatchObject({ LOCAL_FIREHOSE_FAIL_RATE: 0.25, LOCAL_FIREHOSE_INTERVAL_SECONDS: 0 });
    const r = redirectConfig({ VISITOR_HASH_KEY_SECRET_ARN: ARN, ORIGIN_VERIFY_SECRET_ARN: ARN, TRUST_CLOUDFRONT_HEADERS: 'true', INTERNAL_CIDRS: ' 10.0.0.0/8, ,2001:db8::/32 ' });
    expect(r.TRUST_CLOUDFRONT_HEADERS).toBe(true);
    expect(r.ORIGIN_ACCESS_CONTROL).toBe(false);
    // The deployed redirect: only CloudFront can reach its function URL, so no origin secret is required.
    expect(redirectConfig({ VISITOR_HASH_KEY_SECRET_ARN: ARN, TRUST_CLOUDFRONT_HEADERS: 'true', ORIGIN_ACCESS_CONTROL: 'true' })).toMatchObject({ TRUST_CLOUDFRONT_HEADERS: true, ORIGIN_ACCESS_CONTROL: true });
    expect(r.VISITOR_HASH_KEY).toBeUndefined();
    expect(r.INTERNAL_CIDRS).toHaveLength(2);
  });
});

describe('config sections: a bad value fails fast, naming the variable', () => {
  it.each([
    [() => awsConfig({ DYNAMODB_ENDPOINT: 'not a url' }), /DYNAMODB_ENDPOINT: /],
    [() => awsConfig({ EVENTS_TABLE: 'ab' }), /EVENTS_TABLE: .*3/],
    [() => awsConfig({ DYNAMODB_REQUEST_TIMEOUT_MS: '2.5' }), /DYNAMODB_REQUEST_TIMEOUT_MS: /],
    [() => awsConfig({ DYNAMODB_REQUEST_TIMEOUT_MS: 'soon' }), /DYNAMODB_REQUEST_TIMEOUT_MS: /],
    [() => awsConfig({ DYNAMODB_MAX_ATTEMPTS: '11' }), /DYNAMODB_MAX_ATTEMPTS: .*10/],
    [() => awsConfig({ REFTRACK_TARGET: 'gcp' }), /REFTRACK_TARGET: .*"local"\|"aws"/],
    [() => spillConfig({ SPILL_STREAM_NAME: '' }), /SPILL_STREAM_NAME: /],
    [() => localConfig({ PORT: '70000' }), /PORT: .*65535/],
    [() => qualificationRules({ NETWORK_CAP: '0' }), /NETWORK_CAP: /],
    [() => qualificationRules({ VELOCITY_PER_MINUTE: '1.5' }), /VELOCITY_PER_MINUTE: /],
    [() => conversionConfig({ CONVERSION_SECRET: 'short' }), /CONVERSION_SECRET: must be at least 32 characters/],
    [() => conversionConfig({ CONVERSION_SECRET_ARN: 'arn:aws:s3:::bucket' }), /CONVERSION_SECRET_ARN: must be a Secrets Manager secret ARN/],
    [() => exportConfig({ DELIVERY_STREAM_NAME: 'has space' }), /DELIVERY_STREAM_NAME: must be a Firehose stream name/],
    [() => exportConfig({ EXPORT_BUCKET: 'Upper' }), /EXPORT_BUCKET: must be an S3 bucket name/],
    [() => exportConfig({ LOCAL_FIREHOSE_FAIL_RATE: '2' }), /LOCAL_FIREHOSE_FAIL_RATE: /],
    [() => logsConfig({ REDIRECT_LOG_GROUP: 'bad group!' }), /REDIRECT_LOG_GROUP: must be a CloudWatch Logs group name/],
    [() => portalConfig({ PORTAL_SIGNING_KEY: 'short' }), /PORTAL_SIGNING_KEY: must be at least 32 characters/],
    [() => businessConfig({ DESTINATION_URL: 'http://example.com/' }), /DESTINATION_URL: must be an https:\/\/ URL/],
    [() => businessConfig({ TIME_ZONE: 'Mars/Olympus' }), /TIME_ZONE: must be an IANA time zone/],
    [() => businessConfig({ UTM_PRESET: 'fb' }), /UTM_PRESET: /],
    [() => businessConfig({ INTERNAL_CIDRS: '10.0.0.0/99' }), /INTERNAL_CIDRS: /],
    [() => redirectConfig({}), /VISITOR_HASH_KEY: required \(or VISITOR_HASH_KEY_SECRET_ARN\)/],
    [() => redirectConfig({ VISITOR_HASH_KEY: 'short' }), /VISITOR_HASH_KEY: must be at least 32 characters/],
    [() => redirectConfig({ VISITOR_HASH_KEY_SECRET_ARN: 'arn:aws:kms:us-east-1:1:key/x' }), /VISITOR_HASH_KEY_SECRET_ARN: must be a Secrets Manager secret ARN/],
    [() => redirectConfig({ VISITOR_HASH_KEY: KEY, TRUST_CLOUDFRONT_HEADERS: 'yes' }), /TRUST_CLOUDFRONT_HEADERS: /],
    [() => redirectConfig({ VISITOR_HASH_KEY: KEY, TRUST_CLOUDFRONT_HEADERS: 'true' }), /ORIGIN_VERIFY_SECRET: required with TRUST_CLOUDFRONT_HEADERS=true/],
    [() => redirectConfig({ VISITOR_HASH_KEY: KEY, WRITE_BUDGET_MS: '1' }), /WRITE_BUDGET_MS: .*5/],
    [() => redirectConfig({ VISITOR_HASH_KEY: KEY, VENDOR_CACHE_TTL_MS: '-1' }), /VENDOR_CACHE_TTL_MS: /],
  ])('%#', (parse, message) => {
    const text = problem(parse);
    expect(text).toMatch(/^invalid configuration: /);
    expect(text).toMatch(message);
  });

  it('reads readable English messages, not a generic "Invalid input"', () => {
    expect(problem(() => awsConfig({ EVENTS_TABLE: 'ab' }))).toMatch(/EVENTS_TABLE: Too small: expected string to have >=3 characters/);
    expect(problem(() => awsConfig({ DYNAMODB_MAX_ATTEMPTS: '0' }))).toMatch(/DYNAMODB_MAX_ATTEMPTS: Too small: expected number to be >=1/);
    expect(problem(() => awsConfig({ DYNAMODB_REQUEST_TIMEOUT_MS: '2.5' }))).toMatch(/DYNAMODB_REQUEST_TIMEOUT_MS: Invalid input: expected int, received number/);
  });

  it('reports every bad variable of a section at once', () => {
    const text = problem(() => awsConfig({ EVENTS_TABLE: 'ab', STATE_TABLE: 'cd' }))!;
    expect(text).toContain('EVENTS_TABLE: ');
    expect(text).toContain('STATE_TABLE: ');
  });
});
