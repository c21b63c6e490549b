import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  /** Keys visitor hashes; kept so unique-visitor counts stay stable across restarts. */
  readonly visitorHashKey: string;
  /** Bearer token for the local analyst API. */
  readonly apiToken: string;
  /** Signs vendor portal links (PORTAL_SIGNING_KEY when set wins). */
  readonly portalSigningKey: string;
  /** Signs booking reports (`POST /api/v1/conversions`), as a booking system would. */
  readonly conversionSecret: string;
}

/** Generated on first start and kept under the data directory (mode 600), never committed. */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {};
  const secrets: LocalSecrets = {
    visitorHashKey: stored.visitorHashKey ?? randomBytes(32).toString('base64url'),
    apiToken: stored.apiToken ?? randomBytes(24).toString('base64url'),
    // Added to files written before the vendor portal or bookings existed; the other keys are kept as they are.
    portalSigningKey: stored.portalSigningKey ?? randomBytes(32).toString('base64url'),
    conversionSecret: stored.conversionSecret ?? randomBytes(32).toString('base64url'),
  };
  if (Object.keys(secrets).some((k) => !(k in stored))) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

/** PORTAL_SIGNING_KEY when set (required in AWS), else the key generated into secrets.json. */
export function portalSigningKey(cfg: { readonly PORTAL_SIGNING_KEY?: string | undefined }, dataDir: string): string {
  return cfg.PORTAL_SIGNING_KEY ?? loadOrCreateSecrets(dataDir).portalSigningKey;
}
