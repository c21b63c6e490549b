import type { App } from 'aws-cdk-lib';
import { AppStack, type FunctionEntries } from './app-stack.ts';
import { DataStack } from './data-stack.ts';
import { checkWithNag } from './nag.ts';
import { loadSeedVendors } from '../config/seed-vendors.ts';
import { deploymentSettings } from './settings.ts';

/**
 * Both stacks with validated settings and cdk-nag attached; infra/app.ts and the tests share it.
 * The stacks are environment-agnostic (account and region come from the deploying credentials),
 * so `npm run synth` needs no AWS access.
 */
export function buildReftrack(app: App, entries: FunctionEntries): { data: DataStack; app: AppStack } {
  // Access-log delivery by bucket policy, so the log bucket can keep ACLs disabled (owner-enforced).
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  // Data -> App references stay strong: CloudFormation refuses to delete a table the App stack uses.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  const settings = deploymentSettings((name) => app.node.tryGetContext(name));
  const data = new DataStack(app, `${settings.stackPrefix}-Data`, {
    namePrefix: settings.stackPrefix.toLowerCase(),
    ...(settings.signInDomainPrefix ? { signInDomainPrefix: settings.signInDomainPrefix } : {}),
    description: 'reftrack data: click log, state, exports, secrets, analyst accounts',
  });
  // The launch vendors, validated here: a typo in config/vendors.json fails the synth, not the deploy.
  const stateless = new AppStack(app, `${settings.stackPrefix}-App`, { data, settings, entries, vendors: loadSeedVendors(), description: 'reftrack functions, APIs, CloudFront, dashboard, alarms' });
  checkWithNag(app);
  return { data, app: stateless };
}
