/**
 * What recording a booking needs (core/record-conversion.ts), from configuration and the
 * process's DynamoDB client. The signed HTTP route (http/conversions-wiring.ts) and
 * `reftrack conversions` both use it, so a booking is attributed the same way from either door.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsConfig, BusinessConfig, ConversionConfig } from '../config/config.ts';
import type { ConversionDeps } from '../core/record-conversion.ts';
import { systemClock } from './clock.ts';
import { DynamoClickLookup, DynamoConversionLog } from './dynamodb-conversion-log.ts';
import { DynamoVendorStore } from './dynamodb-vendor-store.ts';

export interface ConversionWiring {
  readonly aws: Pick<AwsConfig, 'EVENTS_TABLE' | 'STATE_TABLE'>;
  readonly business: Pick<BusinessConfig, 'TIME_ZONE'>;
  readonly conversion: Pick<ConversionConfig, 'ATTRIBUTION_WINDOW_DAYS'>;
  readonly dynamodb: DynamoDBClient;
}

export function wireConversionDeps(w: ConversionWiring): ConversionDeps {
  const timeZone = w.business.TIME_ZONE;
  const vendors = new DynamoVendorStore(w.dynamodb, w.aws.STATE_TABLE);
  return {
    clicks: new DynamoClickLookup({ client: w.dynamodb, tableName: w.aws.EVENTS_TABLE, timeZone, vendorCodes: async () => (await vendors.list()).map((v) => v.code) }),
    conversions: new DynamoConversionLog(w.dynamodb, w.aws.EVENTS_TABLE),
    clock: systemClock,
    settings: { timeZone, attributionWindowDays: w.conversion.ATTRIBUTION_WINDOW_DAYS },
  };
}
