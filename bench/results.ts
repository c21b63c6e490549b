/**
 * Where a run's rows go. Every run writes `bench/results/latest.json` (ignored by git: it is the
 * machine-readable answer to "what did the last run measure"). A run of every section also writes
 * `bench/results/<date>.json`, the dated record that is committed; a partial run does not, so a
 * dated file always holds one whole run with each figure beside its baseline.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROW_ID, SECTIONS, type BenchRow, type RowLookup, type SectionName } from './row.ts';

export interface BenchRun {
  /** ISO 8601 start of the run. */
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly sections: readonly SectionName[];
  readonly engine?: string;
  readonly rows: readonly BenchRow[];
}

export const LATEST = 'latest.json';

export function writeRun(dir: string, run: BenchRun): string[] {
  const ids = new Set<string>();
  for (const row of run.rows) {
    // A duplicated or malformed id would make latest.json ambiguous for every reader: refuse it.
    if (!ROW_ID.test(row.id)) throw new Error(`bench row id ${JSON.stringify(row.id)} is not dotted lower-case words`);
    if (ids.has(row.id)) throw new Error(`bench row id ${row.id} appears twice in one run`);
    ids.add(row.id);
  }
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(run, null, 2)}\n`;
  const written = [join(dir, LATEST)];
  writeFileSync(written[0]!, text);
  if (SECTIONS.every((s) => run.sections.includes(s))) {
    const dated = join(dir, `${run.date.slice(0, 10)}.json`);
    writeFileSync(dated, text);
    written.push(dated);
  }
  return written;
}

/** The previous run's latest.json, or undefined when there is none (or it predates row ids). */
export function readLatest(dir: string): BenchRun | undefined {
  const file = join(dir, LATEST);
  if (!existsSync(file)) return undefined;
  try {
    const run = JSON.parse(readFileSync(file, 'utf8')) as BenchRun;
    return Array.isArray(run.rows) && run.rows.every((r) => typeof r.id === 'string' && typeof r.value === 'number') ? run : undefined;
  } catch {
    return undefined;
  }
}

export function rowLookup(current: readonly BenchRow[], previous: BenchRun | undefined): RowLookup {
  return {
    get: (id) => current.find((r) => r.id === id),
    getOrPrevious: (id) => {
      const here = current.find((r) => r.id === id);
      if (here) return { row: here, from: 'this run' };
      const before = previous?.rows.find((r) => r.id === id);
      return before && previous ? { row: before, from: `the run of ${previous.date}` } : undefined;
    },
  };
}
