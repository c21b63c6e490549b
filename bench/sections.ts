/**
 * `npm run bench -- <section>...`: which sections to run, from the command line. No names means
 * every section; an unknown name is a usage error (exit 2) that lists the known ones.
 */
import { SECTIONS, type SectionName } from './row.ts';

export class BenchUsageError extends Error {}

export function parseSections(argv: readonly string[]): SectionName[] {
  const names = argv.filter((a) => a !== '--');
  const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new BenchUsageError(`unknown bench section ${unknown.map((u) => JSON.stringify(u)).join(', ')}: choose from ${SECTIONS.join(', ')} (none = all)`);
  // Always in the canonical order (cost reads the figures the others measured), each once.
  return names.length === 0 ? [...SECTIONS] : SECTIONS.filter((s) => names.includes(s));
}
