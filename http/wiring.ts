/**
 * The redirect app's dependencies from configuration and the process's clients. The Lambda
 * entry (handlers/redirect.ts) and the local server (local/start.ts) both call this, so they
 * run the same objects; neither this module nor the app reads config. `composeRedirectApp` is
 * the one composition of a process that runs the redirect app alone (the Lambda entry and the
 * bench's redirect server): the root parses the configuration and says how secrets are read and
 * where the client address comes from; the clients are built here, once per call.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Hono } from 'hono';
import type { AwsConfig, RedirectConfig, SpillConfig } from '../config/config.ts';
import { CachedVendorDirectory } from '../core/cached-vendor-directory.ts';
import type { ClickSpill } from '../core/ports.ts';
import type { RedirectDeps } from '../core/record-click.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { systemClock, ulidGenerator } from '../adapters/clock.ts';
import { DynamoClickLog } from '../adapters/dynamodb-click-log.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import { createDynamoClient } from '../adapters/dynamodb-client.ts';
import { lazyKinesisSpill } from '../adapters/lazy-kinesis-spill.ts';
import { resolveOriginSecret, resolveVisitorHashKey, type SecretReader } from '../adapters/visitor-key.ts';
import { createRedirectApp, type RedirectAppDeps } from './redirect-app.ts';

export interface RedirectWiring {
  readonly aws: Pick<AwsConfig, 'EVENTS_TABLE' | 'STATE_TABLE'>;
  readonly redirect: RedirectConfig;
  readonly dynamodb: DynamoDBClient;
  /** Where a click the log did not take in time goes (the Kinesis spill stream). */
  readonly clickSpill: ClickSpill;
  /** Resolved by the root (from VISITOR_HASH_KEY, or from Secrets Manager on Lambda). */
  readonly visitorHashKey: string;
  /** What CloudFront sends in X-Reftrack-Origin-Verify (resolved by the root like the key); absent = no CloudFront header is believed. */
  readonly originSecret?: string | undefined;
  readonly telemetry: Telemetry;
}

export function wireRedirect(w: RedirectWiring): RedirectDeps & { readonly trustCloudFront: boolean; readonly originAccessControl: boolean; readonly originSecret: string | undefined; readonly telemetry: Telemetry } {
  const cfg = w.redirect;
  return {
    vendors: new CachedVendorDirectory(new DynamoVendorStore(w.dynamodb, w.aws.STATE_TABLE), systemClock, cfg.VENDOR_CACHE_TTL_MS),
    clicks: new DynamoClickLog(w.dynamodb, w.aws.EVENTS_TABLE),
    spill: w.clickSpill,
    clock: systemClock,
    ids: ulidGenerator(),
    trustCloudFront: cfg.TRUST_CLOUDFRONT_HEADERS,
    originAccessControl: cfg.ORIGIN_ACCESS_CONTROL,
    telemetry: w.telemetry,
    originSecret: w.originSecret ?? cfg.ORIGIN_VERIFY_SECRET,
    settings: {
      defaultDestination: cfg.DESTINATION_URL,
      fallbackUrl: cfg.FALLBACK_URL,
      timeZone: cfg.TIME_ZONE,
      utmPreset: cfg.UTM_PRESET,
      visitorHashKey: w.visitorHashKey,
      internalRanges: cfg.INTERNAL_CIDRS,
      writeBudgetMs: cfg.WRITE_BUDGET_MS,
    },
  };
}

export interface RedirectRoot {
  readonly aws: AwsConfig;
  readonly redirect: RedirectConfig;
  readonly spill: SpillConfig;
  /** How this process reads a secret by ARN (the Parameters and Secrets extension on Lambda). */
  readonly readSecret: SecretReader;
  readonly telemetry: Telemetry;
  readonly clientIp: RedirectAppDeps['clientIp'];
}

/**
 * The redirect app of a process that runs it alone. The visitor-hash key and the origin-verify
 * secret are read once, here: a bad or unreadable secret fails the start, not a guest's click.
 */
export async function composeRedirectApp(root: RedirectRoot): Promise<Hono> {
  const { aws, redirect, spill, readSecret } = root;
  const [visitorHashKey, originSecret] = await Promise.all([resolveVisitorHashKey(redirect, readSecret), resolveOriginSecret(redirect, readSecret)]);
  // The Kinesis client is configured on the first spill (adapters/lazy-kinesis-spill.ts), not at cold start.
  const deps = wireRedirect({ aws, redirect, dynamodb: createDynamoClient(aws), clickSpill: lazyKinesisSpill(aws, spill), visitorHashKey, originSecret, telemetry: root.telemetry });
  return createRedirectApp({ ...deps, clientIp: root.clientIp });
}
