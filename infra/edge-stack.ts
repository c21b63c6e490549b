import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { GuestFallbackEdge } from './constructs/guest-fallback-edge.ts';
import { GuestRateLimit } from './constructs/guest-rate-limit.ts';

export interface EdgeStackProps extends StackProps {
  /** Lower-case prefix of physical names. */
  readonly namePrefix: string;
  /** Requests one client address may send to /ref/* per minute before WAF redirects it to the fallback. */
  readonly requestsPerMinute: number;
  /** Where a throttled guest is sent (302). */
  readonly fallbackUrl: string;
}

/** Where the App stack finds what this stack made (SSM parameters in us-east-1). */
export const edgeParameterNames = (namePrefix: string) => ({
  webAclArn: `/${namePrefix}/edge/web-acl-arn`,
  guestFallbackVersionArn: `/${namePrefix}/edge/guest-fallback-version-arn`,
});
export type EdgeParameterNames = ReturnType<typeof edgeParameterNames>;

/** What the App stack needs from this stack: where to read its ARNs, and when to read them again. */
export interface EdgeOutputs extends EdgeParameterNames {
  /** Changes whenever a new Lambda@Edge version is published (GuestFallbackEdge.revision). */
  readonly guestFallbackRevision: string;
}

/**
 * What CloudFront needs from us-east-1, whatever region the rest is deployed to: a CLOUDFRONT-scope
 * WAF web ACL and a Lambda@Edge function can only be created there. The App stack cannot reference them directly across
 * regions, so their ARNs are published as SSM parameters here and read back there at deploy time
 * (infra/constructs/edge-parameter.ts); `cdk deploy --all` deploys this stack first.
 */
export class EdgeStack extends Stack {
  readonly webAclArn: string;
  readonly outputs: EdgeOutputs;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: 'us-east-1' } });
    const acl = new GuestRateLimit(this, 'GuestRateLimit', { namePrefix: props.namePrefix, requestsPerMinute: props.requestsPerMinute, fallbackUrl: props.fallbackUrl });
    this.webAclArn = acl.webAcl.attrArn;
    const fallback = new GuestFallbackEdge(this, 'GuestFallback', { fallbackUrl: props.fallbackUrl });
    const names = edgeParameterNames(props.namePrefix);
    this.outputs = { ...names, guestFallbackRevision: fallback.revision };
    new ssm.StringParameter(this, 'WebAclArn', {
      parameterName: names.webAclArn,
      stringValue: acl.webAcl.attrArn,
      description: 'ARN of the reftrack CloudFront web ACL (read by the App stack in its own region)',
    });
    new ssm.StringParameter(this, 'GuestFallbackVersionArn', {
      parameterName: names.guestFallbackVersionArn,
      stringValue: fallback.version.functionArn,
      description: 'Lambda@Edge version turning origin 403/429/5xx on /ref/* into a 302 (read by the App stack)',
    });
  }
}
