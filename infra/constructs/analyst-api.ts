import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { loggedStage, type ThrottleLimits } from './http-stage.ts';
import { ReftrackFunction } from './reftrack-function.ts';

export interface AnalystApiProps {
  /** Repository-relative entry of the analyst API Lambda (issue 6: `handlers/api.ts`). */
  readonly entry: string;
  readonly state: dynamodb.ITableV2;
  readonly environment: Readonly<Record<string, string>>;
  /** @default 20 rps, burst 40 (people and scripts, not guests) */
  readonly throttle?: ThrottleLimits;
  readonly logRetention: logs.RetentionDays;
}

/**
 * `/api/*` is never public. One Lambda, two front doors with the same routes:
 *  - `scriptsApi`: IAM auth (SigV4), for scripts and the CLI run with AWS credentials;
 *  - `peopleApi`: a JWT authorizer backed by a Cognito user pool, for analysts in a browser
 *    (the dashboard, issue 7). Self sign-up is off: an admin adds each person (README).
 * An HTTP API route takes one authorizer, hence two APIs rather than two auth modes on one route.
 */
export class AnalystApi extends Construct {
  readonly fn: lambda.Function;
  readonly scriptsApi: apigw.HttpApi;
  readonly peopleApi: apigw.HttpApi;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AnalystApiProps) {
    super(scope, id);
    this.fn = new ReftrackFunction(this, 'Handler', {
      entry: props.entry,
      serviceName: 'analyst-api',
      description: 'Analyst API: rollups and vendors (IAM or Cognito JWT)',
      timeout: Duration.seconds(15),
      logRetention: props.logRetention,
      environment: { ...props.environment, STATE_TABLE: props.state.tableName },
    }).fn;
    // Reads projections and vendors only; it never writes.
    props.state.grant(this.fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem');

    this.userPool = new cognito.UserPool(this, 'Analysts', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.userPool, {
      id: 'AwsSolutions-COG8',
      reason: 'Threat protection (Plus feature plan) is priced per user; a handful of invited analysts with required TOTP MFA and no self sign-up do not warrant it.',
    });
    this.userPoolClient = this.userPool.addClient('Dashboard', {
      generateSecret: false,
      authFlows: { userSrp: true },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });

    const throttle = props.throttle ?? { rateLimit: 20, burstLimit: 40 };
    // One integration per API (API Gateway cannot share one across APIs).
    const integration = (id: string) => new HttpLambdaIntegration(id, this.fn, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 });

    this.scriptsApi = new apigw.HttpApi(this, 'ScriptsApi', {
      description: 'reftrack analyst API for scripts (IAM auth)',
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    loggedStage(new Construct(this, 'ScriptsStage'), this.scriptsApi, throttle, props.logRetention);
    this.scriptsApi.addRoutes({ path: '/api/{proxy+}', methods: [apigw.HttpMethod.ANY], integration: integration('Scripts') });

    const issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.peopleApi = new apigw.HttpApi(this, 'PeopleApi', {
      description: 'reftrack analyst API for people (Cognito JWT)',
      createDefaultStage: false,
      defaultAuthorizer: new HttpJwtAuthorizer('Cognito', issuer, { jwtAudience: [this.userPoolClient.userPoolClientId] }),
    });
    loggedStage(new Construct(this, 'PeopleStage'), this.peopleApi, throttle, props.logRetention);
    this.peopleApi.addRoutes({ path: '/api/{proxy+}', methods: [apigw.HttpMethod.ANY], integration: integration('People') });
  }
}
