import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  /** Keys visitor hashes; kept so unique-visitor counts stay stable across restarts. */
  readonly visitorHashKey: string;
  /** Bearer token for the local analyst API. */
  readonly apiToken: string;
}

/** Generated on first start and kept under the data directory (mode 600), never committed. */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets: LocalSecrets = { visitorHashKey: randomBytes(32).toString('base64url'), apiToken: randomBytes(24).toString('base64url') };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
