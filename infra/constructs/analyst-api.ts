import { Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
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
  /** The analysts' pool (Data stack: accounts and MFA enrolments outlive this stack). */
  readonly userPool: cognito.IUserPool;
  /** The dashboard's addresses (`https://host/`): sign-in callbacks and sign-out destinations. */
  readonly dashboardUrls: readonly string[];
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
  readonly userPool: cognito.IUserPool;
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

    this.userPool = props.userPool;
    // The dashboard is a public client (no secret in a page): authorization code flow with PKCE
    // only (no implicit flow), callbacks on the distribution's own domain, sign-out back to it.
    // Constructed here, not with userPool.addClient (which would put it in the Data stack, next to the pool).
    this.userPoolClient = new cognito.UserPoolClient(this, 'Dashboard', {
      userPool: this.userPool,
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [...props.dashboardUrls],
        logoutUrls: [...props.dashboardUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      preventUserExistenceErrors: true,
    });
    // Managed login shows its pages for a client only once it has a style: Cognito's defaults.
    new cognito.CfnManagedLoginBranding(this, 'SignInStyle', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.userPoolClient.userPoolClientId,
      useCognitoProvidedValues: true,
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
