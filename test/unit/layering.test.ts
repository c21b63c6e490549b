/**
 * The layers import downwards only (README, Architecture): core/ is the domain and imports no
 * other layer; adapters/ implement its ports and never reach up into the apps or a runtime;
 * the apps (http/) and the stream consumers never import the local runtime (local/), so a
 * deployed Lambda never bundles a local file reader; the Lambda entries never import local/;
 * the CLI talks to the stores through adapters, not through the HTTP apps. Read from the source
 * text (every static import, re-export and dynamic import), so a new module is covered by itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folders each layer may not import from. */
const FORBIDDEN: Record<string, readonly string[]> = {
  core: ['adapters', 'http', 'consumers', 'handlers', 'streams', 'local', 'cli', 'config', 'infra', 'bench', 'dashboard'],
  adapters: ['http', 'consumers', 'handlers', 'streams', 'local', 'cli', 'infra', 'bench', 'dashboard'],
  consumers: ['http', 'handlers', 'streams', 'local', 'cli', 'infra', 'bench', 'dashboard'],
  http: ['handlers', 'streams', 'local', 'cli', 'infra', 'bench'],
  handlers: ['local', 'cli', 'bench', 'infra'],
  streams: ['local', 'cli', 'bench', 'infra', 'http'],
  config: ['adapters', 'http', 'consumers', 'handlers', 'streams', 'local', 'cli', 'infra', 'bench', 'dashboard'],
  cli: ['http', 'handlers', 'streams', 'bench', 'infra'],
};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every relative module specifier of a source file, resolved to a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.map((s) => relative(ROOT, resolve(dirname(join(ROOT, file)), s)));
}

function violations(layer: string): string[] {
  const forbidden = FORBIDDEN[layer]!;
  return sources(layer).flatMap((file) => importsOf(file).filter((target) => forbidden.includes(target.split('/')[0]!)).map((target) => `${file} -> ${target}`));
}

describe('layering', () => {
  it('finds the imports it checks (a detector that sees nothing proves nothing)', () => {
    expect(importsOf('handlers/redirect.ts').some((t) => t.startsWith('http/'))).toBe(true);
    expect(importsOf('local/start.ts').some((t) => t.startsWith('consumers/'))).toBe(true);
    // A type-only import counts too.
    expect(importsOf('adapters/statement-shelf.ts')).toContain('core/ports.ts');
  });

  for (const layer of Object.keys(FORBIDDEN)) {
    it(`${layer}/ imports none of ${FORBIDDEN[layer]!.join(', ')}`, () => {
      expect(violations(layer)).toEqual([]);
    });
  }
});
