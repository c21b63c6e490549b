import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { METRICS_NAMESPACE, MetricName } from '../../core/metric-names.ts';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { StreamConsumer } from './stream-consumer.ts';

export interface PipelineAlarmsProps {
  /** The redirect, which guests reach through its function URL (its Url* metrics are the guests' answers). */
  readonly redirect: lambda.IFunction;
  readonly consumers: ReadonlyArray<{ readonly name: string; readonly consumer: StreamConsumer }>;
  readonly exportDelivery: firehose.IDeliveryStream;
  /** Stream iterator age that means a consumer is falling behind. @default 2 minutes */
  readonly maxIteratorAge?: Duration;
  /** p99 redirect duration a guest would notice. @default 800 ms */
  readonly maxRedirectP99?: Duration;
  /** Where every alarm (and its return to OK) is sent. @default no action */
  readonly topics?: readonly sns.ITopic[];
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The alarms an operator needs to trust the numbers: the redirect fails or slows, a consumer
 * falls behind or gives a batch up to the failure bucket, Firehose cannot write to S3, and
 * the guests' function URL throttles, refuses or errors, and every way a click can be lost: the redirect could store it
 * neither in the Events table nor in the spill stream (ClickUnrecorded), spilled it (ClickSpilled:
 * it is drained back, but DynamoDB is failing), hashed a guest without CloudFront's viewer address
 * (ViewerAddressMissing), or an event source mapping could not write a failed batch to its
 * destination (DestinationDeliveryFailures) or dropped records (DroppedEventCount). Each alarm
 * goes to the deployment's topics (settings alarmEmail / alarmTopicArn); README says what to do.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const add = (name: string, metric: cloudwatch.IMetric, threshold: number, op: cloudwatch.ComparisonOperator, description: string, evaluationPeriods = 1) => {
      this.alarms.push(
        new cloudwatch.Alarm(this, name, {
          metric,
          threshold,
          comparisonOperator: op,
          evaluationPeriods,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: description,
        }),
      );
    };
    const redirectMetric = (metricName: string) =>
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: 'redirect' }, period: FIVE_MINUTES, statistic: 'Sum' });
    const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
    const atLeast = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

    add('RedirectErrors', props.redirect.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, atLeast, 'The redirect function failed (init or unhandled error): those guests were sent to the fallback and their clicks not counted.');
    add(
      'RedirectP99Duration',
      props.redirect.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
      (props.maxRedirectP99 ?? Duration.millis(800)).toMilliseconds(),
      above,
      'p99 redirect duration is high for 15 minutes: guests wait before reaching the site.',
      3,
    );

    add(
      'ClickUnrecorded',
      redirectMetric(MetricName.ClickUnrecorded),
      1,
      atLeast,
      'A guest was redirected but the click is in neither the Events table nor the spill stream: run `reftrack recover --from-cloudwatch` (it reads the redirect log group).',
    );
    add('ClickSpilled', redirectMetric(MetricName.ClickSpilled), 1, atLeast, 'The Events table was slow or failing, so clicks went to the spill stream; they are drained back automatically. Check DynamoDB health.');
    add(
      'ViewerAddressMissing',
      redirectMetric(MetricName.ViewerAddressMissing),
      1,
      atLeast,
      "Requests reached the redirect without CloudFront-Viewer-Address (the origin request policy changed, or someone with IAM access invoked the function URL directly): their visitor hash used the edge's address.",
    );

    const iteratorAge = (props.maxIteratorAge ?? Duration.minutes(2)).toMilliseconds();
    for (const { name, consumer } of props.consumers) {
      add(
        `${name}IteratorAge`,
        consumer.fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
        iteratorAge,
        above,
        `The ${name} consumer is behind the Events stream (records expire after 24 h).`,
        5,
      );
      // Event source mapping metrics (metricsConfig EventCount): a batch written to the failure bucket.
      add(
        `${name}FailedBatches`,
        new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName: 'OnFailureDestinationDeliveredEventCount',
          dimensionsMap: { EventSourceMappingUUID: consumer.eventSource.eventSourceMappingId },
          period: FIVE_MINUTES,
          statistic: 'Sum',
        }),
        1,
        atLeast,
        `The ${name} consumer gave records up to the failed-batches bucket: inspect them there and replay.`,
      );
      add(
        `${name}DroppedRecords`,
        new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName: 'DroppedEventCount',
          dimensionsMap: { EventSourceMappingUUID: consumer.eventSource.eventSourceMappingId },
          period: FIVE_MINUTES,
          statistic: 'Sum',
        }),
        1,
        atLeast,
        `The ${name} event source mapping dropped records (expired or retries exhausted without a destination write): rebuild the affected days (\`reftrack exports rebuild\`, \`reftrack replay\`).`,
      );
      add(
        `${name}DestinationDeliveryFailures`,
        consumer.fn.metric('DestinationDeliveryFailures', { period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        atLeast,
        `The ${name} consumer could not write a failed batch to the failed-batches bucket: those records are lost to the stream. Rebuild the affected days.`,
      );
      add(`${name}Errors`, consumer.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, atLeast, `The ${name} consumer threw (whole batch retried).`, 3);
    }

    add(
      'ExportDeliveryFailing',
      props.exportDelivery.metric('DeliveryToS3.Success', { period: FIVE_MINUTES, statistic: 'Minimum' }),
      1,
      cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      'Firehose could not write click exports to S3 (records are retried, then land under errors/).',
    );
    add(
      'ExportThrottled',
      props.exportDelivery.metric('ThrottledRecords', { period: FIVE_MINUTES, statistic: 'Sum' }),
      0,
      above,
      'Firehose throttled export records (the consumer retries them, but raise the stream limits).',
    );

    // The function URL's own metrics (AWS/Lambda, FunctionName): what CloudFront got back for each
    // guest. The edge function turns a 403, 429 or 5xx into a 302 to the fallback, so guests never
    // see these errors, but each one is a click that was not counted.
    const url = (metricName: string) => props.redirect.metric(metricName, { period: FIVE_MINUTES, statistic: 'Sum' });
    add('RedirectUrl5xx', url('Url5xxCount'), 1, atLeast, 'The redirect function URL answered 5xx (function error or timeout): those guests went to the fallback uncounted.');
    // The redirect answers every path with a 302 (405 for other methods, which CloudFront does not
    // forward), so any 4xx is the URL's own: 403 (CloudFront's signature refused: the OAC or the
    // invoke permissions are broken, and every guest goes to the fallback) or 429 (Lambda throttled
    // the redirect). Either is a click not counted, at any traffic: no share, no minimum.
    add(
      'RedirectUrl4xx',
      url('Url4xxCount'),
      1,
      atLeast,
      "The redirect function URL answered 4xx, so those guests went to the fallback uncounted: 403 means CloudFront's signed requests are refused (redeploy Reftrack-App to restore the origin access control and the lambda:InvokeFunctionUrl/InvokeFunction grants); 429 means Lambda throttled the redirect (raise redirectReservedConcurrency or the account's concurrency quota).",
    );
    for (const topic of props.topics ?? []) {
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(new actions.SnsAction(topic));
        alarm.addOkAction(new actions.SnsAction(topic));
      }
    }
  }
}
