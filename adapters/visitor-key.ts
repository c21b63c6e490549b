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
 * Reads from Secrets Manager. The client is built on the first read only, so a process with
 * VISITOR_HASH_KEY set (local runs, tests) never creates one.
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
  // An explicit key wins: local runs and tests never need AWS credentials.
  if (cfg.VISITOR_HASH_KEY !== undefined) return cfg.VISITOR_HASH_KEY;
  const arn = cfg.VISITOR_HASH_KEY_SECRET_ARN;
  if (arn === undefined) throw new ConfigError('invalid configuration: VISITOR_HASH_KEY: required (or VISITOR_HASH_KEY_SECRET_ARN)');
  let value: string | undefined;
  try {
    value = await read(arn);
  } catch (cause) {
    throw new StoreUnavailableError('could not read the visitor-hash key from Secrets Manager', { cause });
  }
  if (value === undefined || value.length < MIN_KEY_LENGTH) {
    // A short or binary secret would silently weaken every visitor hash: refuse to start.
    throw new ConfigError(`invalid configuration: VISITOR_HASH_KEY_SECRET_ARN: the secret must hold a string of at least ${MIN_KEY_LENGTH} characters`);
  }
  return value;
}
