/**
 * One real `cdk synth` per bench run (the local esbuild bundles every function, as `npm run synth`
 * does), shared by the sections that read it: `bundles` (each function's bundle) and `cost`
 * (what the default deployment holds that is billed by the month).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, string>;
}

export interface SynthesizedApp {
  readonly dir: string;
  /** Every resource of every stack. */
  readonly resources: readonly TemplateResource[];
}

let synthesized: SynthesizedApp | undefined;

export function synthesizeOnce(): SynthesizedApp {
  if (synthesized) return synthesized;
  const dir = mkdtempSync(join(tmpdir(), 'reftrack-synth-'));
  try {
    execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', dir], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    // esbuild's progress lines are noise on success; on failure they are the explanation.
    const out = error as { stdout?: string; stderr?: string };
    throw new Error(`cdk synth failed:\n${out.stderr ?? ''}${out.stdout ?? ''}`.trimEnd(), { cause: error });
  }
  // A function may leave a package the Lambda runtime ships out of its bundle (the vendor seed's
  // S3 client); the repository's node_modules stands in for the runtime's /var/runtime/node_modules.
  symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'), 'dir');
  const resources = readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .flatMap((f) => Object.values((JSON.parse(readFileSync(join(dir, f), 'utf8')) as { Resources: Record<string, TemplateResource> }).Resources));
  synthesized = { dir, resources };
  return synthesized;
}

export function removeSynthesized(): void {
  if (synthesized) rmSync(synthesized.dir, { recursive: true, force: true });
  synthesized = undefined;
}
