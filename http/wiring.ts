/**
 * The composition root: config + adapters -> the dependencies the HTTP apps need.
 * The Lambda entry points and the local server both call these, so they run the same objects.
 */
import { monotonicFactory } from 'ulid';
import { awsConfig, redirectConfig, spillConfig } from '../config/config.ts';
import { ConfigError } from '../core/errors.ts';
import { CachedVendorDirectory } from '../core/cached-vendor-directory.ts';
import type { Clock, IdGenerator } from '../core/ports.ts';
import type { RedirectDeps } from '../core/record-click.ts';
import { DynamoClickLog } from '../adapters/dynamodb-click-log.ts';
import { dynamodb } from '../adapters/dynamodb-client.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import { kinesis, KinesisClickSpill } from '../adapters/kinesis-spill.ts';

export const systemClock: Clock = { now: () => new Date() };

const nextUlid = monotonicFactory();
export const ulidGenerator: IdGenerator = { clickId: (at) => nextUlid(at.getTime()) };

/**
 * `visitorHashKey` is passed in when it came from somewhere other than the environment
 * (the Lambda entry resolves it from Secrets Manager at cold start).
 */
export function wireRedirect(
  opts: { readonly visitorHashKey?: string; readonly originSecret?: string | undefined } = {},
): RedirectDeps & { readonly trustCloudFront: boolean; readonly originSecret: string | undefined } {
  const aws = awsConfig();
  const cfg = redirectConfig();
  const visitorHashKey = opts.visitorHashKey ?? cfg.VISITOR_HASH_KEY;
  if (visitorHashKey === undefined) throw new ConfigError('invalid configuration: VISITOR_HASH_KEY: required (or resolve VISITOR_HASH_KEY_SECRET_ARN first)');
  return {
    vendors: new CachedVendorDirectory(new DynamoVendorStore(dynamodb, aws.STATE_TABLE), systemClock, cfg.VENDOR_CACHE_TTL_MS),
    clicks: new DynamoClickLog(dynamodb, aws.EVENTS_TABLE),
    spill: new KinesisClickSpill(kinesis, spillConfig().SPILL_STREAM_NAME),
    clock: systemClock,
    ids: ulidGenerator,
    trustCloudFront: cfg.TRUST_CLOUDFRONT_HEADERS,
    originSecret: opts.originSecret ?? cfg.ORIGIN_VERIFY_SECRET,
    settings: {
      defaultDestination: cfg.DESTINATION_URL,
      fallbackUrl: cfg.FALLBACK_URL,
      timeZone: cfg.TIME_ZONE,
      utmPreset: cfg.UTM_PRESET,
      visitorHashKey,
      internalRanges: cfg.INTERNAL_CIDRS,
      writeBudgetMs: cfg.WRITE_BUDGET_MS,
    },
  };
}
