import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { telemetryConfig } from '../config/config.ts';
import type { MetricName } from './metric-names.ts';

/**
 * Structured JSON logs and CloudWatch EMF metrics. Service name, level and namespace come
 * from the standard POWERTOOLS_* variables the deployment sets per function.
 */
// Passed explicitly because Powertools lets a constructor option override its env variable.
const telemetry = telemetryConfig();
export const logger = new Logger({ serviceName: telemetry.POWERTOOLS_SERVICE_NAME });
export const metrics = new Metrics({ namespace: telemetry.POWERTOOLS_METRICS_NAMESPACE, serviceName: telemetry.POWERTOOLS_SERVICE_NAME });

export { MetricName } from './metric-names.ts';

export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
