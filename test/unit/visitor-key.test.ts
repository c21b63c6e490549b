import { describe, expect, it } from 'vitest';
import { redirectConfig } from '../../config/config.ts';
import { resolveVisitorHashKey } from '../../adapters/visitor-key.ts';
import { ConfigError, StoreUnavailableError } from '../../core/errors.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:reftrack-visitor-hash-AbCdEf';
const KEY = 'k'.repeat(48);

describe('visitor-hash key source', () => {
  it('uses VISITOR_HASH_KEY as is and never calls Secrets Manager (the local path)', async () => {
    const cfg = redirectConfig({ VISITOR_HASH_KEY: KEY });
    const key = await resolveVisitorHashKey(cfg, async () => {
      throw new Error('must not be called');
    });
    expect(key).toBe(KEY);
  });

  it('reads the key by ARN when only VISITOR_HASH_KEY_SECRET_ARN is set', async () => {
    const asked: string[] = [];
    const cfg = redirectConfig({ VISITOR_HASH_KEY_SECRET_ARN: ARN });
    const key = await resolveVisitorHashKey(cfg, async (arn) => {
      asked.push(arn);
      return KEY;
    });
    expect(key).toBe(KEY);
    expect(asked).toEqual([ARN]);
  });

  it('fails config validation, naming the variable, when neither is set', () => {
    expect(() => redirectConfig({})).toThrow(ConfigError);
    expect(() => redirectConfig({})).toThrow(/VISITOR_HASH_KEY: required \(or VISITOR_HASH_KEY_SECRET_ARN\)/);
  });

  it('rejects something that is not a Secrets Manager ARN', () => {
    expect(() => redirectConfig({ VISITOR_HASH_KEY_SECRET_ARN: 'reftrack-visitor-hash' })).toThrow(/VISITOR_HASH_KEY_SECRET_ARN: must be a Secrets Manager secret ARN/);
  });

  it('refuses a secret shorter than 32 characters instead of hashing with a weak key', async () => {
    const cfg = redirectConfig({ VISITOR_HASH_KEY_SECRET_ARN: ARN });
    await expect(resolveVisitorHashKey(cfg, async () => 'short')).rejects.toThrow(ConfigError);
    await expect(resolveVisitorHashKey(cfg, async () => undefined)).rejects.toThrow(/at least 32 characters/);
  });

  it('turns a Secrets Manager failure into StoreUnavailableError with the cause kept', async () => {
    const cfg = redirectConfig({ VISITOR_HASH_KEY_SECRET_ARN: ARN });
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    const failure = await resolveVisitorHashKey(cfg, async () => {
      throw denied;
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).cause).toBe(denied);
  });
});
