import type { App } from 'aws-cdk-lib';
import { AppStack, type FunctionEntries } from './app-stack.ts';
import { DataStack } from './data-stack.ts';
import { EdgeStack } from './edge-stack.ts';
import { checkWithNag } from './nag.ts';
import { loadSeedVendors } from '../config/seed-vendors.ts';
import { deploymentSettings } from './settings.ts';

/**
 * Both stacks with validated settings and cdk-nag attached; infra/app.ts and the tests share it.
 * The stacks are environment-agnostic (account and region come from the deploying credentials),
 * so `npm run synth` needs no AWS access.
 */
export function buildReftrack(app: App, entries: FunctionEntries): { data: DataStack; app: AppStack; edge: EdgeStack } {
  // Access-log delivery by bucket policy, so the log bucket can keep ACLs disabled (owner-enforced).
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  // Data -> App references stay strong: CloudFormation refuses to delete a table the App stack uses.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  const settings = deploymentSettings((name) => app.node.tryGetContext(name));
  const namePrefix = settings.stackPrefix.toLowerCase();
  const data = new DataStack(app, `${settings.stackPrefix}-Data`, {
    namePrefix,
    spillStreamMode: settings.spillStreamMode,
    ...(settings.signInDomainPrefix ? { signInDomainPrefix: settings.signInDomainPrefix } : {}),
    description: 'reftrack data: click log, state, exports, secrets, analyst accounts',
  });
  const edge = new EdgeStack(app, `${settings.stackPrefix}-Edge`, { namePrefix, requestsPerMinute: settings.guestRequestsPerMinute, fallbackUrl: settings.fallbackUrl, description: 'reftrack edge (us-east-1): per-client rate limit for CloudFront' });
  // The launch vendors, validated here: a typo in config/vendors.json fails the synth, not the deploy.
  const stateless = new AppStack(app, `${settings.stackPrefix}-App`, {
    data,
    settings,
    entries,
    vendors: loadSeedVendors(),
    edge: edge.outputs,
    description: 'reftrack functions, APIs, CloudFront, dashboard, alarms',
  });
  // The App stack reads the web ACL's and the edge function's ARNs from the Edge stack's parameters at deploy time.
  stateless.addStackDependency(edge);
  checkWithNag(app);
  return { data, app: stateless, edge };
}
