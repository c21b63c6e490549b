/**
 * Where the visitor-hash key comes from. Locally it is an environment variable (generated
 * by `npm start` and kept under the data directory); in AWS the function only knows the
 * Secrets Manager ARN and reads the value once per cold start, so the key is never in a
 * CloudFormation template, a Lambda configuration or a log line.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsConfig, RedirectConfig } from '../config/config.ts';
import { ConfigError, StoreUnavailableError } from '../core/errors.ts';

/** Reads a secret's current string value by ARN. */
export type SecretReader = (secretArn: string) => Promise<string | undefined>;

const MIN_KEY_LENGTH = 32;

/**
 * Reads from Secrets Manager with the SDK client, built on the first read only (a process with
 * VISITOR_HASH_KEY set never creates one). The Lambdas read through the Parameters and Secrets
 * extension instead (adapters/secrets-extension.ts): an entry that never calls this bundles no
 * Secrets Manager client.
 */
export function secretsManagerReader(aws: Pick<AwsConfig, 'AWS_REGION'>): SecretReader {
  let client: SecretsManagerClient | undefined;
  return async (secretArn) => {
    client ??= new SecretsManagerClient({ region: aws.AWS_REGION });
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return out.SecretString;
  };
}

export async function resolveVisitorHashKey(
  cfg: Pick<RedirectConfig, 'VISITOR_HASH_KEY' | 'VISITOR_HASH_KEY_SECRET_ARN'>,
  read: SecretReader,
): Promise<string> {
  const key = await resolveSecret('VISITOR_HASH_KEY', 'the visitor-hash key', cfg.VISITOR_HASH_KEY, cfg.VISITOR_HASH_KEY_SECRET_ARN, read);
  if (key === undefined) throw new ConfigError('invalid configuration: VISITOR_HASH_KEY: required (or VISITOR_HASH_KEY_SECRET_ARN)');
  return key;
}

/**
 * The value CloudFront sends in X-Reftrack-Origin-Verify, or undefined when none is configured
 * (then no CloudFront header is believed). Same rules as the visitor-hash key.
 */
export function resolveOriginSecret(
  cfg: Pick<RedirectConfig, 'ORIGIN_VERIFY_SECRET' | 'ORIGIN_VERIFY_SECRET_ARN'>,
  read: SecretReader,
): Promise<string | undefined> {
  return resolveSecret('ORIGIN_VERIFY_SECRET', 'the origin-verify secret', cfg.ORIGIN_VERIFY_SECRET, cfg.ORIGIN_VERIFY_SECRET_ARN, read);
}

/** The booking system's signing key (POST /api/v1/conversions). Same rules as the visitor-hash key. */
export async function resolveConversionSecret(cfg: { CONVERSION_SECRET?: string | undefined; CONVERSION_SECRET_ARN?: string | undefined }, read: SecretReader): Promise<string> {
  const secret = await resolveSecret('CONVERSION_SECRET', 'the conversion signing key', cfg.CONVERSION_SECRET, cfg.CONVERSION_SECRET_ARN, read);
  if (secret === undefined) throw new ConfigError('invalid configuration: CONVERSION_SECRET: required (or CONVERSION_SECRET_ARN)');
  return secret;
}

async function resolveSecret(name: string, what: string, explicit: string | undefined, arn: string | undefined, read: SecretReader): Promise<string | undefined> {
  // An explicit value wins: local runs and tests never need AWS credentials.
  if (explicit !== undefined) return explicit;
  if (arn === undefined) return undefined;
  let value: string | undefined;
  try {
    value = await read(arn);
  } catch (cause) {
    throw new StoreUnavailableError(`could not read ${what} from Secrets Manager`, { cause });
  }
  if (value === undefined || value.length < MIN_KEY_LENGTH) {
    // A short or binary secret would silently weaken what it protects: refuse to start.
    throw new ConfigError(`invalid configuration: ${name}_SECRET_ARN: the secret must hold a string of at least ${MIN_KEY_LENGTH} characters`);
  }
  return value;
}
