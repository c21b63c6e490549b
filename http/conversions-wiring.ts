/** The booking reports' dependencies from configuration, the process's DynamoDB client and the signing key its root resolved. */
import type { Telemetry } from '../core/telemetry.ts';
import { wireConversionDeps, type ConversionWiring } from '../adapters/conversion-deps.ts';
import type { ConversionsAppDeps } from './conversions-app.ts';

export interface ConversionsAppWiring extends ConversionWiring {
  /** From `.data/secrets.json` locally, from Secrets Manager in AWS (read at cold start by the root). */
  readonly secret: string;
  readonly telemetry: Telemetry;
}

export function wireConversions(w: ConversionsAppWiring): ConversionsAppDeps {
  return { ...wireConversionDeps(w), secret: w.secret, telemetry: w.telemetry };
}
