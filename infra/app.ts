#!/usr/bin/env node
/**
 * CDK app entry (cdk.json runs it with tsx). Two stacks: `<prefix>-Data` (tables, buckets,
 * Firehose, the visitor-hash secret) and `<prefix>-App` (functions, APIs, CloudFront, alarms).
 * Settings come from cdk.json's `context` (committed) and `-c name=value` (one run), validated in infra/settings.ts.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../core/errors.ts';
import { buildReftrack } from './reftrack.ts';
import { repoPath } from './paths.ts';
import { checkSettingsFile } from './settings.ts';

const app = new App();
try {
  // cdk.json's context is the committed home of the deployment settings (`-c` overrides it).
  checkSettingsFile((JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {});
  buildReftrack(app, {
    aggregate: 'streams/aggregate.ts',
    export: 'streams/export.ts',
    api: 'handlers/api.ts',
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
app.synth();
