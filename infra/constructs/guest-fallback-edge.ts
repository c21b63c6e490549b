import { createHash } from 'node:crypto';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface GuestFallbackEdgeProps {
  /** Where a guest goes instead of seeing an error. */
  readonly fallbackUrl: string;
}

/**
 * A Lambda@Edge origin-response function on /ref/*: when the origin answers 429 (the redirect's
 * concurrency is exhausted: Lambda throttles, and a function URL says so with a 429), 403 (the
 * function URL refused CloudFront's signature: the OAC or its permissions are broken) or 5xx,
 * the guest gets a 302 to the fallback instead. The redirect itself never answers either. CloudFront's custom error responses cannot do this (they serve a page, never a
 * redirect, and do not accept 429), and viewer-response functions do not run on origin errors;
 * origin-response triggers run on every origin response. Lives in us-east-1 (Lambda@Edge's
 * region), has no environment (Lambda@Edge allows none: the URL is in the code) and logs nothing.
 */
export class GuestFallbackEdge extends Construct {
  readonly version: lambda.IVersion;
  /** Changes exactly when the function's code does (guestFallbackRevision). */
  readonly revision: string;

  constructor(scope: Construct, id: string, props: GuestFallbackEdgeProps) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('lambda.amazonaws.com'), new iam.ServicePrincipal('edgelambda.amazonaws.com')),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    const fn = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.X86_64, // Lambda@Edge runs x86_64 only
      handler: 'index.handler',
      memorySize: 128,
      timeout: Duration.seconds(5),
      role,
      description: 'reftrack /ref/*: an origin 403, 429 or 5xx becomes a 302 to the fallback',
      code: lambda.Code.fromInline(guestFallbackSource(props.fallbackUrl)),
    });
    this.version = fn.currentVersion;
    this.revision = guestFallbackRevision(props.fallbackUrl);
    acknowledge(
      this,
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'Lambda@Edge writes logs to /aws/lambda/us-east-1.<name> in whichever region serves the request; the basic execution role is what AWS documents for that.' },
      { id: 'AwsSolutions-L1', reason: 'nodejs22.x, the project runtime; the code is a dozen lines with no dependencies.' },
    );
  }
}

/** The function's source (also run by the unit test): plain CommonJS, no dependencies. */
export function guestFallbackSource(fallbackUrl: string): string {
  return `'use strict';
const FALLBACK = ${JSON.stringify(fallbackUrl)};
exports.handler = async (event) => {
  const response = event.Records[0].cf.response;
  const status = Number(response.status);
  if (status !== 403 && status !== 429 && status < 500) return response;
  return {
    status: '302',
    statusDescription: 'Found',
    headers: {
      location: [{ key: 'Location', value: FALLBACK }],
      'cache-control': [{ key: 'Cache-Control', value: 'no-store' }],
    },
  };
};
`;
}

/**
 * A short digest of the function's source: the App stack reads the published version's ARN at
 * deploy time and must read it again whenever a new version is published (a changed fallback URL
 * or a changed rewrite), so its lookup carries this value.
 */
export function guestFallbackRevision(fallbackUrl: string): string {
  return createHash('sha256').update(guestFallbackSource(fallbackUrl)).digest('hex').slice(0, 16);
}
