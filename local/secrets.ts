import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  /** Keys visitor hashes; kept so unique-visitor counts stay stable across restarts. */
  readonly visitorHashKey: string;
  /** Bearer token for the local analyst API. */
  readonly apiToken: string;
  /** Signs booking reports (`POST /api/v1/conversions`), as a booking system would. */
  readonly conversionSecret: string;
}

/** Generated on first start and kept under the data directory (mode 600), never committed. */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {};
  // A secret added by a later version is generated into an existing file; the others are kept.
  const secrets: LocalSecrets = {
    visitorHashKey: existing.visitorHashKey ?? randomBytes(32).toString('base64url'),
    apiToken: existing.apiToken ?? randomBytes(24).toString('base64url'),
    conversionSecret: existing.conversionSecret ?? randomBytes(32).toString('base64url'),
  };
  if (Object.keys(existing).length !== Object.keys(secrets).length) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
