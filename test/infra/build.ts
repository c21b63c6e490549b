/** Builds the reftrack app the way infra/app.ts does, with bundling skipped (tests stay offline and fast). */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildReftrack } from '../../infra/reftrack.ts';

export const FIXTURE_ENTRY = 'test/fixtures/lambda-entry.ts';

export function buildTestApp(context: Record<string, unknown> = {}, opts: { withAnalystApi?: boolean } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const { data, app: appStack, edge } = buildReftrack(app, {
    aggregate: FIXTURE_ENTRY,
    export: FIXTURE_ENTRY,
    ...(opts.withAnalystApi === false ? {} : { api: FIXTURE_ENTRY }),
  });
  return { app, data, appStack, edge, dataTemplate: Template.fromStack(data), appTemplate: Template.fromStack(appStack) };
}

type Resource = { Type: string; Properties: Record<string, any> };

/** The IAM statements attached to the role of the function whose POWERTOOLS_SERVICE_NAME is `service`. */
export function statementsOf(template: Template, service: string): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  const fns = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } } })) as Resource[];
  if (fns.length !== 1) throw new Error(`expected one function for service ${service}, found ${fns.length}`);
  const roleId = fns[0]!.Properties.Role['Fn::GetAtt'][0] as string;
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  return policies.filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId)).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

export const actionsOf = (statement: { Action: string | string[] }): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
