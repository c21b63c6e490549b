import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { loggedStage, throttleRoutes, type ThrottleLimits } from './http-stage.ts';
import { ReftrackFunction } from './reftrack-function.ts';

export interface ReferralApiProps {
  readonly events: dynamodb.ITableV2;
  readonly state: dynamodb.ITableV2;
  /** The visitor-hash key; the function gets its ARN, never its value. */
  readonly visitorHashSecret: secretsmanager.ISecret;
  /** What CloudFront sends in X-Reftrack-Origin-Verify; the function gets its ARN, never its value. */
  readonly originVerifySecret: secretsmanager.ISecret;
  /** Where a click goes when the Events table is slow or failing (PutRecord only). */
  readonly spillStream: kinesis.IStream;
  /** Business settings in config/config.ts's names (DESTINATION_URL, TIME_ZONE, ...). */
  readonly environment: Readonly<Record<string, string>>;
  /** Limits on `GET|HEAD /ref/...` (guests). */
  readonly routeThrottle: ThrottleLimits;
  /** Stage default for anything else. @default 10 rps, burst 20 */
  readonly stageThrottle?: ThrottleLimits;
  /** @default `handlers/redirect.ts` */
  readonly entry?: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The guests' hop: an HTTP API whose only routes are `GET|HEAD /ref/{code}` (and deeper
 * `/ref/...` paths, which still redirect to the fallback), all public on purpose: guests have
 * no account. The function may append to Events and read vendors from State, nothing more.
 */
export class ReferralApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly redirect: lambda.Function;
  /** Where the redirect logs `click-unrecorded` lines (`reftrack recover --from-cloudwatch` reads it). */
  readonly redirectLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ReferralApiProps) {
    super(scope, id);
    const redirect = new ReftrackFunction(this, 'Redirect', {
      entry: props.entry ?? 'handlers/redirect.ts',
      serviceName: 'redirect',
      secretsExtension: true,
      description: 'GET|HEAD /ref/{code}: 302 to the destination and one ClickEvent appended',
      timeout: Duration.seconds(5),
      logRetention: props.logRetention,
      environment: {
        ...props.environment,
        EVENTS_TABLE: props.events.tableName,
        STATE_TABLE: props.state.tableName,
        VISITOR_HASH_KEY_SECRET_ARN: props.visitorHashSecret.secretArn,
        SPILL_STREAM_NAME: props.spillStream.streamName,
        // CloudFront sets the viewer's address and country; believed only on requests carrying the origin secret.
        TRUST_CLOUDFRONT_HEADERS: 'true',
        ORIGIN_VERIFY_SECRET_ARN: props.originVerifySecret.secretArn,
        // A guest waits on this: fail over to the fallback redirect instead of retrying long.
        DYNAMODB_REQUEST_TIMEOUT_MS: '1000',
        DYNAMODB_MAX_ATTEMPTS: '2',
      },
    });
    this.redirect = redirect.fn;
    this.redirectLogGroup = redirect.logGroup;
    // Least privilege: the conditional put of one event, and the vendor lookups (Query lists, GetItem gets).
    props.events.grant(this.redirect, 'dynamodb:PutItem');
    props.state.grant(this.redirect, 'dynamodb:GetItem', 'dynamodb:Query');
    props.visitorHashSecret.grantRead(this.redirect);
    props.originVerifySecret.grantRead(this.redirect);
    props.spillStream.grant(this.redirect, 'kinesis:PutRecord');

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'reftrack referral redirects (public)',
      createDefaultStage: false,
    });
    this.stage = loggedStage(this, this.api, props.stageThrottle ?? { rateLimit: 10, burstLimit: 20 }, props.logRetention);

    const integration = new HttpLambdaIntegration('Redirect', this.redirect, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 });
    const routes = [
      ...this.api.addRoutes({ path: '/ref/{code}', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.HEAD], integration }),
      ...this.api.addRoutes({ path: '/ref/{proxy+}', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.HEAD], integration }),
    ];
    throttleRoutes(this.stage, routes, props.routeThrottle);
    // Everything else (`/ref`, `/ref/`, `/`, a scanner's path) also reaches the redirect, which
    // sends it to the fallback: a guest never sees API Gateway's 404 JSON, and 404s do not
    // inflate the 4xx alarm. Throttled by the stage default.
    const fallback = new apigw.HttpRoute(this, 'Fallback', { httpApi: this.api, routeKey: apigw.HttpRouteKey.DEFAULT, integration });
    for (const route of [...routes, fallback]) {
      acknowledge(route, {
        id: 'AwsSolutions-APIG4',
        reason: 'The referral link is public by design: guests clicking a vendor link have no account. Abuse is bounded by stage and route throttling.',
      });
    }
  }
}
