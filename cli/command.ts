import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as z from 'zod';
import { businessDay } from '../core/business-day.ts';
import { resolveDayRange, type DayRange } from '../core/day-range.ts';
import { ReftrackError } from '../core/errors.ts';
import type { VendorCode } from '../core/vendor-code.ts';
import { stripControls } from '../core/untrusted-text.ts';
import type { CliContext } from './context.ts';

/** A usage mistake: the CLI prints it with the command's usage and exits 2. */
export class UsageError extends ReftrackError {}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Resolves to the exit code. Configuration and clients come from `ctx` (cli/context.ts). */
  run(argv: string[], ctx: CliContext): Promise<number>;
}

/**
 * node:util parseArgs for the shape, then zod for the values, so every bad argument
 * becomes one UsageError that says which flag is wrong and why.
 */
export function parseFlags<S extends z.ZodType>(argv: string[], options: ParseArgsConfig['options'], schema: S, allowPositionals = false): { flags: z.infer<S>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    throw new UsageError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return { flags: result.data, positionals: parsed.positionals };
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  // Cells hold vendor names, user agents and GA4 text: no control sequence reaches the terminal.
  const cells = [headers, ...rows.map((r) => r.map((c) => stripControls(String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (typeof rows[0]?.[i] === 'number' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** Unknown vendor = a bad argument everywhere (exit 2), never a silent table of zeros. */
export async function requireKnownVendor(vendors: { get(code: VendorCode): Promise<unknown> }, code: VendorCode): Promise<void> {
  if (!(await vendors.get(code))) throw new UsageError(`--vendor: no vendor with code "${code}" (\`reftrack vendors list\` shows every code)`);
}

/** The business day it is now, and the range the flags mean under the one rule (core/day-range.ts). */
export function flagRange(flags: { readonly from?: string | undefined; readonly to?: string | undefined }, timeZone: string, now = new Date()): DayRange {
  return resolveDayRange(flags, businessDay(now, timeZone), { from: '--from', to: '--to' });
}
