/** The redirect app wired to fresh tables in the test DynamoDB Local, as a test would run it. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamodb } from './clients.ts';
import { DynamoClickLog } from '../../adapters/dynamodb-click-log.ts';
import { DynamoVendorStore } from '../../adapters/dynamodb-vendor-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { CachedVendorDirectory } from '../../core/cached-vendor-directory.ts';
import type { Clock } from '../../core/ports.ts';
import type { RedirectSettings } from '../../core/record-click.ts';
import { createRedirectApp } from '../../http/redirect-app.ts';
import { systemClock, ulidGenerator } from '../../adapters/clock.ts';
import { telemetry } from './telemetry.ts';

export const testSettings: RedirectSettings = {
  defaultDestination: 'https://queenofsandiego.com/',
  fallbackUrl: 'https://queenofsandiego.com/?ref=fallback',
  timeZone: 'America/Los_Angeles',
  utmPreset: 'ga4',
  visitorHashKey: 'test-visitor-hash-key-0123456789abcdef',
  internalRanges: [],
  // Generous: these tests check the event log; the spill path has tests of its own.
  writeBudgetMs: 10_000,
};

export function testRedirectApp(tables: TableNames, opts: { client?: DynamoDBClient; settings?: Partial<RedirectSettings>; ip?: string; clock?: Clock } = {}) {
  const client = opts.client ?? dynamodb;
  return createRedirectApp({
    vendors: new CachedVendorDirectory(new DynamoVendorStore(client, tables.state), systemClock, 60_000),
    clicks: new DynamoClickLog(client, tables.events),
    clock: opts.clock ?? systemClock,
    ids: ulidGenerator(),
    settings: { ...testSettings, ...opts.settings },
    clientIp: () => opts.ip ?? '198.51.100.7',
    trustCloudFront: false,
    telemetry,
  });
}
