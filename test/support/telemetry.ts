/** The tests' telemetry: real Powertools, quiet (vitest.config.ts sets POWERTOOLS_LOG_LEVEL=SILENT and disables metrics). */
import { telemetryConfig } from '../../config/config.ts';
import { PowertoolsTelemetry } from '../../adapters/telemetry.ts';

export const telemetry = new PowertoolsTelemetry(telemetryConfig());
