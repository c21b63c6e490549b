/** The booking reports' composition: config + adapters -> the conversions app's dependencies. */
import { awsConfig, businessConfig, conversionConfig } from '../config/config.ts';
import { ConfigError } from '../core/errors.ts';
import { dynamodb } from '../adapters/dynamodb-client.ts';
import { DynamoClickLookup, DynamoConversionLog } from '../adapters/dynamodb-conversion-log.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import type { ConversionsAppDeps } from './conversions-app.ts';
import { systemClock } from './wiring.ts';

/** `secret` comes from the runtime: `.data/secrets.json` locally, Secrets Manager in AWS (read at cold start). */
export function wireConversions(opts: { readonly secret?: string } = {}): ConversionsAppDeps {
  const aws = awsConfig();
  const cfg = conversionConfig();
  const secret = opts.secret ?? cfg.CONVERSION_SECRET;
  if (secret === undefined) throw new ConfigError('invalid configuration: CONVERSION_SECRET: required (or resolve CONVERSION_SECRET_ARN first)');
  const timeZone = businessConfig().TIME_ZONE;
  const vendors = new DynamoVendorStore(dynamodb, aws.STATE_TABLE);
  return {
    clicks: new DynamoClickLookup({ client: dynamodb, tableName: aws.EVENTS_TABLE, timeZone, vendorCodes: async () => (await vendors.list()).map((v) => v.code) }),
    conversions: new DynamoConversionLog(dynamodb, aws.EVENTS_TABLE),
    clock: systemClock,
    settings: { timeZone, attributionWindowDays: cfg.ATTRIBUTION_WINDOW_DAYS },
    secret,
  };
}
