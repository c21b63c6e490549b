#!/usr/bin/env node
/**
 * CDK app entry (cdk.json runs it with tsx). Two stacks: `<prefix>-Data` (tables, buckets,
 * Firehose, the visitor-hash secret) and `<prefix>-App` (functions, APIs, CloudFront, alarms).
 * Settings come from context (`-c name=value`), validated in infra/settings.ts.
 */
import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../core/errors.ts';
import { buildReftrack } from './reftrack.ts';
import { repoPath } from './paths.ts';

const app = new App();
try {
  buildReftrack(app, {
    aggregate: 'streams/aggregate.ts',
    export: 'streams/export.ts',
    // The analyst API arrives with issue 6; until its entry exists, no analyst API is deployed.
    ...(existsSync(repoPath('handlers/api.ts')) ? { api: 'handlers/api.ts' } : {}),
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
app.synth();
