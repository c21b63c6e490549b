import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface AnalystDirectoryProps {
  /** Lower-case prefix; the sign-in domain defaults to `<prefix>-<account id>`. */
  readonly namePrefix: string;
  /** `<prefix>.auth.<region>.amazoncognito.com`. @default `<namePrefix>-<account id>` */
  readonly domainPrefix?: string;
}

/**
 * The analysts' accounts: a Cognito user pool and its sign-in domain (managed login). It lives in
 * the Data stack because it is stateful: every analyst and their MFA enrolment would be orphaned
 * if a replaceable stack owned it. The app client (callbacks on the distribution's domain) is
 * configuration and lives with the distribution in the App stack.
 *
 * Self sign-up is off (an admin adds each analyst, README), TOTP MFA is required and enrolled in
 * the managed login pages at first sign-in (they show the QR code for an authenticator app).
 */
export class AnalystDirectory extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: AnalystDirectoryProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Analysts', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Managed login (the newer hosted pages) is part of the Essentials plan.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.userPool, {
      id: 'AwsSolutions-COG8',
      reason: 'Threat protection (Plus feature plan) is priced per user; a handful of invited analysts with required TOTP MFA and no self sign-up do not warrant it.',
    });
    this.domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `${props.namePrefix}-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
  }

  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  get signInBaseUrl(): string {
    return this.domain.baseUrl();
  }
}
