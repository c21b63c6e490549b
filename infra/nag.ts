/**
 * cdk-nag (v3) runs as a CDK policy-validation plugin: `cdk synth` fails on an unacknowledged
 * AwsSolutions error. Every acknowledgement sits next to the construct it concerns and says why.
 */
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export function checkWithNag(app: IConstruct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** Acknowledges one rule (or one finding, `Rule[Finding]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, ...rules: ReadonlyArray<{ readonly id: string; readonly reason: string }>): void {
  Validations.of(scope).acknowledge(...rules);
}

/** How cdk-nag prints a resource's ARN in a finding id: `<LogicalId.Arn>`. */
export function arnInFinding(resource: IConstruct): string {
  return `<${Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnElement)}.Arn>`;
}

/** AWS's basic Lambda logging policy as cdk-nag prints it (CDK's own deploy-time functions use it). */
export const BASIC_EXECUTION_ROLE = 'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
