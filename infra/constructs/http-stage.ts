import { Fn, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface ThrottleLimits {
  /** Steady requests per second (token bucket refill). */
  readonly rateLimit: number;
  /** Requests accepted at once above the steady rate. */
  readonly burstLimit: number;
}

/**
 * Access-log fields. No `$context.identity.sourceIp` and no user agent: reftrack never stores a
 * raw IP (the click event keeps only a keyed visitor hash), and access logs are no exception.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    principal: '$context.identity.userArn',
    protocol: '$context.protocol',
  }),
);

/** The `$default` stage (auto-deployed) with default-route throttling and JSON access logs. */
export function loggedStage(scope: Construct, api: apigw.HttpApi, throttle: ThrottleLimits, retention: logs.RetentionDays): apigw.HttpStage {
  const accessLogs = new logs.LogGroup(scope, 'AccessLogs', { retention });
  return api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle,
    accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
  });
}

/** `abc123.execute-api.us-east-1.amazonaws.com`: the host part of the API endpoint (a CloudFront origin). */
export function apiDomain(api: apigw.IHttpApi): string {
  return Fn.select(2, Fn.split('/', api.apiEndpoint));
}

/** The API endpoint is https://<id>.execute-api.<region>.<suffix>; used in outputs. */
export function apiUrl(api: apigw.IHttpApi): string {
  return `https://${api.apiId}.execute-api.${Stack.of(api).region}.${Stack.of(api).urlSuffix}/`;
}
