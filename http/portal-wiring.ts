/**
 * The vendor portal's dependencies from configuration and the process's DynamoDB client. The
 * signing key is the root's to resolve (PORTAL_SIGNING_KEY, or locally the generated one).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsConfig, BusinessConfig, LocalConfig, OutreachConfig, PortalConfig } from '../config/config.ts';
import { parsePayoutRules } from '../core/finance/payout-rules.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { DynamoPortalEpochs } from '../adapters/dynamodb-portal-epochs.ts';
import { LocalStatementShelf } from '../adapters/statement-shelf.ts';
import { wireFigureReaders } from './api-wiring.ts';
import type { PortalAppDeps } from './portal-app.ts';

export interface PortalWiring {
  readonly aws: Pick<AwsConfig, 'STATE_TABLE'>;
  readonly business: Pick<BusinessConfig, 'TIME_ZONE'>;
  readonly outreach: Pick<OutreachConfig, 'PUBLIC_BASE_URL' | 'ASSETS_BUCKET'>;
  readonly portal: Pick<PortalConfig, 'PAYOUT_RULES_FILE'>;
  readonly local: Pick<LocalConfig, 'REFTRACK_DATA_DIR'>;
  readonly dynamodb: DynamoDBClient;
  readonly portalSigningKey: string;
  readonly telemetry: Telemetry;
}

export function wirePortal(w: PortalWiring): PortalAppDeps {
  const { STATE_TABLE } = w.aws;
  const { PAYOUT_RULES_FILE } = w.portal;
  // The same readers as the analyst API: a vendor sees exactly the figures an analyst does.
  const readers = wireFigureReaders(w);
  const { vendors } = readers;
  return {
    ...readers,
    epochs: new DynamoPortalEpochs(w.dynamodb, STATE_TABLE),
    signingKey: w.portalSigningKey,
    // Read per estimate, so a changed rate shows without a restart; a missing file means "no rate yet".
    payoutRules: async () => {
      let text: string;
      try {
        text = await readFile(PAYOUT_RULES_FILE, 'utf8');
      } catch {
        return null;
      }
      return parsePayoutRules(text, PAYOUT_RULES_FILE, new Set((await vendors.list()).map((v) => v.code))).rules;
    },
    statements: new LocalStatementShelf(join(w.local.REFTRACK_DATA_DIR, 's3'), w.outreach.ASSETS_BUCKET),
  };
}
