import { Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TelemetryConfig } from '../config/config.ts';
import type { MetricName, Telemetry } from '../core/telemetry.ts';

/** Powertools' logger, able to say whether a debug line would be printed (it builds one before deciding). */
class ReftrackLogger extends Logger {
  isDebugEnabled(): boolean {
    return this.level <= LogLevelThreshold.DEBUG;
  }
}

/**
 * Structured JSON logs and CloudWatch EMF metrics (Powertools). Service name, level and
 * namespace come from the standard POWERTOOLS_* variables, parsed by config/ and passed
 * explicitly (a Powertools constructor option overrides its environment variable).
 * One per process, built by its composition root.
 */
export class PowertoolsTelemetry implements Telemetry {
  readonly logger: ReftrackLogger;
  private readonly metrics: Metrics;
  private readonly metricsEnabled: boolean;

  constructor(cfg: TelemetryConfig) {
    this.logger = new ReftrackLogger({ serviceName: cfg.POWERTOOLS_SERVICE_NAME, ...(cfg.POWERTOOLS_LOG_LEVEL ? { logLevel: cfg.POWERTOOLS_LOG_LEVEL } : {}) });
    this.metrics = new Metrics({ namespace: cfg.POWERTOOLS_METRICS_NAMESPACE, serviceName: cfg.POWERTOOLS_SERVICE_NAME });
    this.metricsEnabled = !cfg.POWERTOOLS_METRICS_DISABLED;
  }

  count(name: MetricName, value = 1): void {
    this.metrics.addMetric(name, MetricUnit.Count, value);
  }

  flush(): void {
    if (!this.metrics.hasStoredMetrics()) return;
    // Disabled (local runs, tests): what was counted is dropped, never printed as EMF.
    if (this.metricsEnabled) this.metrics.publishStoredMetrics();
    else this.metrics.clearMetrics();
  }
}
