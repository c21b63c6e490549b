/** The vendor portal's composition root: config + adapters -> the portal app's dependencies. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { awsConfig, businessConfig, localConfig, outreachConfig, portalConfig } from '../config/config.ts';
import { parsePayoutRules } from '../core/finance/payout-rules.ts';
import { dynamodb } from '../adapters/dynamodb-client.ts';
import { DynamoPortalEpochs } from '../adapters/dynamodb-portal-epochs.ts';
import { RollupReader } from '../adapters/dynamodb-rollup-reader.ts';
import { DynamoVendorStore } from '../adapters/dynamodb-vendor-store.ts';
import { RollupGenerations } from '../adapters/rollup-generation.ts';
import { LocalStatementShelf } from '../adapters/statement-shelf.ts';
import { loadOrCreateSecrets } from '../local/secrets.ts';
import type { PortalAppDeps } from './portal-app.ts';
import { systemClock } from './wiring.ts';

/** PORTAL_SIGNING_KEY, or locally the key generated into secrets.json. */
export function portalSigningKey(): string {
  return portalConfig().PORTAL_SIGNING_KEY ?? loadOrCreateSecrets(localConfig().REFTRACK_DATA_DIR).portalSigningKey;
}

export function wirePortal(): PortalAppDeps {
  const { STATE_TABLE } = awsConfig();
  const { PAYOUT_RULES_FILE } = portalConfig();
  const vendors = new DynamoVendorStore(dynamodb, STATE_TABLE);
  return {
    vendors,
    rollups: new RollupReader(dynamodb, STATE_TABLE, new RollupGenerations(dynamodb, STATE_TABLE)),
    epochs: new DynamoPortalEpochs(dynamodb, STATE_TABLE),
    signingKey: portalSigningKey(),
    clock: systemClock,
    timeZone: businessConfig().TIME_ZONE,
    publicBaseUrl: outreachConfig().PUBLIC_BASE_URL,
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
    statements: new LocalStatementShelf(join(localConfig().REFTRACK_DATA_DIR, 's3'), outreachConfig().ASSETS_BUCKET),
  };
}
