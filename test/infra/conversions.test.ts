import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsOf, buildTestApp, statementsOf } from './build.ts';

describe('booking reports in AWS', () => {
  const built = buildTestApp();

  it('the signing key is a retained secret in the Data stack, and its ARN an output', () => {
    built.dataTemplate.hasResource('AWS::SecretsManager::Secret', {
      Properties: { Name: Match.stringLikeRegexp('/conversion-signing$'), GenerateSecretString: Match.objectLike({ PasswordLength: 48 }) },
      DeletionPolicy: 'Retain',
    });
    built.dataTemplate.hasOutput('ConversionSecretArn', Match.anyValue());
  });

  it('POST /api/v1/conversions is its own throttled HTTP API with no authorizer (the HMAC signature is the authentication)', () => {
    built.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /api/v1/conversions', AuthorizationType: 'NONE' });
    built.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: Match.objectLike({ Ref: Match.stringLikeRegexp('^ConversionsApi') }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
    });
    built.appTemplate.hasOutput('ConversionsUrl', { Value: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/api/v1/conversions']) ]) }) });
  });

  it('the function gets the secret by ARN (never its value) and only what it needs', () => {
    built.appTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'conversions', CONVERSION_SECRET_ARN: Match.anyValue(), EVENTS_TABLE: Match.anyValue(), STATE_TABLE: Match.anyValue() }) },
    });
    const actions = statementsOf(built.appTemplate, 'conversions').flatMap(actionsOf).sort();
    expect(actions).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });
});
