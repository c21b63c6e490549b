import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { loggedStage, type ThrottleLimits } from './http-stage.ts';
import { ReftrackFunction } from './reftrack-function.ts';

export interface ConversionsApiProps {
  readonly events: dynamodb.ITableV2;
  readonly state: dynamodb.ITableV2;
  /** The booking system's signing key; the function gets its ARN, never its value. */
  readonly conversionSecret: secretsmanager.ISecret;
  readonly environment: Readonly<Record<string, string>>;
  /** @default 10 rps, burst 20 (a booking system, not guests) */
  readonly throttle?: ThrottleLimits;
  /** @default `handlers/conversions.ts` */
  readonly entry?: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * `POST /api/v1/conversions` for the booking system: an HTTP API without an authorizer, because
 * the request is authenticated by its HMAC signature (checked by the function before anything is
 * stored). Its own API so the analyst routes stay behind IAM/JWT and the throttle is its own.
 */
export class ConversionsApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: ConversionsApiProps) {
    super(scope, id);
    this.fn = new ReftrackFunction(this, 'Handler', {
      entry: props.entry ?? 'handlers/conversions.ts',
      serviceName: 'conversions',
      secretsExtension: true,
      description: 'POST /api/v1/conversions: signed booking reports appended to the event log',
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      environment: { ...props.environment, EVENTS_TABLE: props.events.tableName, STATE_TABLE: props.state.tableName, CONVERSION_SECRET_ARN: props.conversionSecret.secretArn },
    }).fn;
    // Append conversions (conditional put) and read them back; find a click by ref_cid; list vendor codes.
    props.events.grant(this.fn, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem');
    props.state.grant(this.fn, 'dynamodb:Query');
    props.conversionSecret.grantRead(this.fn);

    this.api = new apigw.HttpApi(this, 'Api', { description: 'reftrack booking reports (HMAC-signed)', createDefaultStage: false });
    loggedStage(new Construct(this, 'Stage'), this.api, props.throttle ?? { rateLimit: 10, burstLimit: 20 }, props.logRetention);
    const [route] = this.api.addRoutes({
      path: '/api/v1/conversions',
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Conversions', this.fn, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 }),
    });
    acknowledge(route!, {
      id: 'AwsSolutions-APIG4',
      reason: 'Authenticated by the HMAC-SHA256 signature over the timestamp and raw body (X-Reftrack-Signature), checked in the function before anything is stored; an API Gateway authorizer cannot check a body signature.',
    });
  }
}
