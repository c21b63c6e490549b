/** Outreach's composition root: config + adapters -> the outreach app's dependencies. */
import type { MiddlewareHandler } from 'hono';
import { awsConfig, outreachConfig } from '../config/config.ts';
import type { OutreachSettings } from '../core/outreach/outreach-kit.ts';
import { dynamodb } from '../adapters/dynamodb-client.ts';
import { DynamoApprovalCardStore } from '../adapters/dynamodb-outreach-store.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import type { OutreachAppDeps } from './outreach-app.ts';
import { systemClock } from './wiring.ts';

export function outreachSettings(): OutreachSettings {
  const cfg = outreachConfig();
  return { publicBaseUrl: cfg.PUBLIC_BASE_URL, qrBaseUrl: cfg.OUTREACH_QR_BASE_URL, brandName: cfg.OUTREACH_BRAND_NAME };
}

export function wireOutreach(apiAuth: MiddlewareHandler): OutreachAppDeps {
  const { STATE_TABLE } = awsConfig();
  return {
    // Read per request (no cache): the preview must show a vendor added a second ago.
    vendors: new DynamoVendorStore(dynamodb, STATE_TABLE),
    cards: new DynamoApprovalCardStore(dynamodb, STATE_TABLE),
    clock: systemClock,
    settings: outreachSettings(),
    apiAuth,
  };
}
