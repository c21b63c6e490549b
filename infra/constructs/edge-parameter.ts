import { Arn, Stack } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface EdgeParameterProps {
  /** The SSM parameter in us-east-1 (EdgeStack writes it). */
  readonly parameterName: string;
  /**
   * Changes whenever the published value does (e.g. a new Lambda@Edge version). A custom resource
   * runs again only when its own properties change: without this, an upgrade that publishes a new
   * edge version would leave CloudFront on the old one. @default the value is read once
   */
  readonly revision?: string;
}

/**
 * Reads a value the Edge stack published in us-east-1 (the web ACL's ARN, the Lambda@Edge
 * version's ARN) at deploy time: one SSM GetParameter, the same mechanism CDK's own cross-region
 * references use, so the App stack can be deployed in any region while those live where
 * CloudFront requires them.
 */
export class EdgeParameter extends Construct {
  readonly value: string;

  constructor(scope: Construct, id: string, props: EdgeParameterProps) {
    super(scope, id);
    const parameterArn = Arn.format({ service: 'ssm', region: 'us-east-1', resource: 'parameter', resourceName: props.parameterName.replace(/^\//, '') }, Stack.of(this));
    const read: cr.AwsSdkCall = {
      service: 'SSM',
      action: 'getParameter',
      parameters: { Name: props.parameterName },
      region: 'us-east-1',
      physicalResourceId: cr.PhysicalResourceId.of(props.revision ? `${props.parameterName}@${props.revision}` : props.parameterName),
    };
    const lookup = new cr.AwsCustomResource(this, 'Lookup', {
      onCreate: read,
      onUpdate: read,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [parameterArn] }),
      // The runtime's SDK is enough for GetParameter; installing the latest would need the internet at deploy time.
      installLatestAwsSdk: false,
    });
    this.value = lookup.getResponseField('Parameter.Value');
    // aws-cdk-lib puts the provider function at the stack's root, one for every AwsCustomResource.
    acknowledge(Stack.of(this), { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'The custom-resource provider that reads the parameters uses the AWS-managed basic execution role (logs only), created by aws-cdk-lib.' });
  }
}
