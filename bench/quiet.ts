/**
 * Imported first by bench/run.ts: the Powertools logger and metrics are created when their
 * module loads, so the bench's quiet settings must be in place before any other import runs.
 */
import { applyLocalDefaults, quietLocalRuntime } from '../config/config.ts';

quietLocalRuntime();
applyLocalDefaults({ POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' });
