import { fileURLToPath } from 'node:url';

/** The repository root (infra/ is one level down); bundling and entry paths are resolved from it. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a repository file, e.g. `repoPath('handlers/redirect.ts')`. */
export const repoPath = (relative: string): string => fileURLToPath(new URL(`../${relative}`, import.meta.url));
