/**
 * AWS's own template linter over both synthesized templates: any error fails the test (warnings
 * and informational findings are printed, not failed). cfn-lint is a Python tool installed on
 * these machines and in CI (`pip install cfn-lint`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReftrack } from '../../infra/reftrack.ts';
import { FIXTURE_ENTRY } from './build.ts';

const run = promisify(execFile);
const ERRORS = 2; // cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational

describe('cfn-lint', () => {
  const out = mkdtempSync(join(tmpdir(), 'reftrack-cfn-lint-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  for (const settings of [{}, { domainName: 'go.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234', alarmEmail: 'ops@example.com' }]) {
    it(`finds no error in any template (${Object.keys(settings).length ? 'custom domain, alarm e-mail' : 'defaults'})`, async () => {
      const dir = mkdtempSync(join(out, 'cdk-'));
      const app = new App({ outdir: dir, context: { 'aws:cdk:bundling-stacks': [], ...settings } });
      buildReftrack(app, { aggregate: FIXTURE_ENTRY, export: FIXTURE_ENTRY, api: FIXTURE_ENTRY });
      app.synth();
      const templates = readdirSync(dir).filter((f) => f.endsWith('.template.json')).map((f) => join(dir, f));
      expect(templates).toHaveLength(3); // Data, App, Edge
      const result = await run('cfn-lint', ['--format', 'parseable', '--', ...templates]).then(
        () => ({ code: 0, stdout: '' }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
      if (result.stdout) console.log(result.stdout);
      expect(typeof result.code === 'number' && (result.code & ERRORS) === 0 ? 'no errors' : result.stdout).toBe('no errors');
    }, 240_000);
  }
});
