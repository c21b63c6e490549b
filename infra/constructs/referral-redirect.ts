import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ReftrackFunction } from './reftrack-function.ts';

export interface ReferralRedirectProps {
  readonly events: dynamodb.ITableV2;
  readonly state: dynamodb.ITableV2;
  /** The visitor-hash key; the function gets its ARN, never its value. */
  readonly visitorHashSecret: secretsmanager.ISecret;
  /** Where a click goes when the Events table is slow or failing (PutRecord only). */
  readonly spillStream: kinesis.IStream;
  /** Business settings in config/config.ts's names (DESTINATION_URL, TIME_ZONE, ...). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Concurrent executions kept for the redirect, which are also its ceiling: above it Lambda
   * answers 429 and the guest-fallback edge function sends the guest to the fallback.
   * @default none: the redirect shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;
  /** @default `handlers/redirect.ts` */
  readonly entry?: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The guests' hop: the redirect function behind a Lambda function URL with `AWS_IAM` auth. The
 * URL answers only requests signed by the distribution's Origin Access Control
 * (referral-distribution.ts grants exactly that distribution, nobody else), so every request the
 * redirect sees came through CloudFront, with CloudFront's own CloudFront-Viewer-* headers. A
 * function URL costs nothing per request beyond the invocation (an HTTP API costs $1.00 per
 * million). Every path reaches the redirect, which sends anything but `/ref/<code>` to the
 * fallback. The function may append to Events and read vendors from State, nothing more.
 */
export class ReferralRedirect extends Construct {
  readonly redirect: lambda.Function;
  /** CloudFront's origin for `/ref/*`; answers 403 to any unsigned (direct) call. */
  readonly url: lambda.FunctionUrl;
  /** Where the redirect logs `click-unrecorded` lines (`reftrack recover --from-cloudwatch` reads it). */
  readonly redirectLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ReferralRedirectProps) {
    super(scope, id);
    const redirect = new ReftrackFunction(this, 'Redirect', {
      entry: props.entry ?? 'handlers/redirect.ts',
      serviceName: 'redirect',
      secretsExtension: true,
      description: 'GET|HEAD /ref/{code} (function URL behind CloudFront): 302 to the destination and one ClickEvent appended',
      timeout: Duration.seconds(5),
      logRetention: props.logRetention,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        ...props.environment,
        EVENTS_TABLE: props.events.tableName,
        STATE_TABLE: props.state.tableName,
        VISITOR_HASH_KEY_SECRET_ARN: props.visitorHashSecret.secretArn,
        SPILL_STREAM_NAME: props.spillStream.streamName,
        // CloudFront sets the viewer's address and country, and only CloudFront can call the URL
        // (OAC): the headers are believed on every request, with no origin secret to read.
        TRUST_CLOUDFRONT_HEADERS: 'true',
        ORIGIN_ACCESS_CONTROL: 'true',
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
    props.spillStream.grant(this.redirect, 'kinesis:PutRecord');

    // No CORS: browsers never call it (CloudFront does, and answers the guest with the 302).
    this.url = this.redirect.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM, invokeMode: lambda.InvokeMode.BUFFERED });
  }
}
