/**
 * The README is an executable contract. Every shell block of the sections a new user copies
 * from (Quick start, The CLI, Analyst API, Vendor payouts, Vendor outreach) is run, command by
 * command, as written, against a real `npm start` on non-default ports in a fresh folder; then
 * `npm start` is stopped and the payouts blocks are run again (finance pays from the export alone).
 *
 * A command fails the test on a non-zero exit (unless the README says `# expect exit N` on it),
 * a stack trace, or no output at all. The conventions are the README's own (top of "The CLI"):
 *   - a block whose first line is a comment starting `# not run` is shown, not run;
 *   - `npm install`, `npm start` and `npm test` are run by this harness, not from the blocks;
 *   - `${PORT:-3000}` and friends are ordinary shell: the harness exports PORT, like a user who
 *     started npm start with it. Nothing else is set: the CLI finds its engines by itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localPorts, startLocalRuntime, type LocalRuntime } from '../support/local-runtime.ts';

const REPO = resolve(import.meta.dirname, '../..');
const SECTIONS = [/^Quick start/, /^The CLI/, /^Analyst API/, /^Vendor payouts/, /^Vendor outreach/];
const HARNESS_COMMANDS = /^(npm (install|ci|start|test)|command -v chromium)\b/;

interface Block {
  readonly section: string;
  readonly line: number;
  readonly commands: readonly Command[];
}
interface Command {
  readonly text: string;
  readonly line: number;
  readonly expectExit: number;
}

/** Shell blocks (```sh / ```bash) of the contract's sections, split into logical commands. */
function readmeBlocks(markdown: string): { runnable: Block[]; skipped: Array<{ section: string; line: number; reason: string }> } {
  const lines = markdown.split('\n');
  const runnable: Block[] = [];
  const skipped: Array<{ section: string; line: number; reason: string }> = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.+)$/.exec(lines[i]!);
    if (heading) section = heading[1]!;
    const fence = /^(\s*)```(sh|bash|shell)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const indent = fence[1]!.length;
    const body: Array<{ text: string; line: number }> = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push({ text: lines[j]!.slice(indent), line: j + 1 });
    const start = i + 1;
    i = j;
    if (!SECTIONS.some((s) => s.test(section))) continue;
    const first = body.find((b) => b.text.trim())?.text.trim() ?? '';
    if (/^# not run\b/i.test(first)) {
      skipped.push({ section, line: start, reason: first });
      continue;
    }
    const commands: Command[] = [];
    for (let k = 0; k < body.length; k++) {
      let text = body[k]!.text;
      const line = body[k]!.line;
      while (/\\\s*$/.test(text) && k + 1 < body.length) text = `${text.replace(/\\\s*$/, '')} ${body[++k]!.text.trim()}`;
      const trimmed = text.trim();
      if (!trimmed || trimmed.startsWith('#')) continue;
      if (HARNESS_COMMANDS.test(trimmed)) continue;
      const exit = /#.*\bexpect exit (\d+)/.exec(trimmed);
      commands.push({ text: trimmed, line, expectExit: exit ? Number(exit[1]) : 0 });
    }
    if (commands.length > 0) runnable.push({ section, line: start, commands });
  }
  return { runnable, skipped };
}

interface Ran {
  readonly code: number | null;
  readonly output: string;
}

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolvePromise) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('close', (code) => (clearTimeout(timer), resolvePromise({ code, output })));
  });
}

const STACK_TRACE = /^\s+at .+(\(|\s)(file:\/\/|node:|\/).*:\d+(:\d+)?\)?$/m;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=\S/;

/** Runs a block's commands in order; assignments (TOKEN=...) carry over to the next commands. */
async function runBlock(block: Block, cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const failures: string[] = [];
  const prelude: string[] = [];
  for (const command of block.commands) {
    const assignment = ASSIGNMENT.test(command.text) && !/\s(&&|;|\|)\s/.test(command.text.replace(/\$\(.*\)/, ''));
    const ran = await sh([...prelude, command.text].join('\n'), cwd, env);
    const where = `README.md:${command.line} (${block.section}): ${command.text}`;
    if (ran.code !== command.expectExit) failures.push(`${where}\n  exit ${ran.code}, expected ${command.expectExit}\n${indent(ran.output)}`);
    else if (STACK_TRACE.test(ran.output)) failures.push(`${where}\n  printed a stack trace\n${indent(ran.output)}`);
    else if (!assignment && !ran.output.trim()) failures.push(`${where}\n  printed nothing`);
    else if (command.expectExit === 0 && /"error":\s*\{\s*"code"/.test(ran.output)) failures.push(`${where}\n  answered an API error\n${indent(ran.output)}`);
    if (assignment) prelude.push(command.text);
  }
  return failures;
}

const indent = (s: string) => s.trim().split('\n').slice(0, 30).map((l) => `    ${l}`).join('\n');

describe('README contract: every command of the user-facing sections works as written', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const { runnable, skipped } = readmeBlocks(readme);
  const work = mkdtempSync(join(tmpdir(), 'reftrack-readme-'));
  let runtime: LocalRuntime | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // A fresh folder that looks like a clone: the repository's files, no .data, no earlier output.
    for (const entry of readdirSync(REPO)) if (!['.data', '.git', 'test'].includes(entry) && !entry.startsWith('payouts-')) symlinkSync(join(REPO, entry), join(work, entry));
    const ports = await localPorts();
    runtime = await startLocalRuntime(join(work, '.data'), ports, {}, { cwd: work, explicitEndpoints: false });
    // What a user's shell has: the PORT they started npm start with. No endpoint, no data folder.
    env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: ports.PORT, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  }, 240_000);

  afterAll(async () => {
    await runtime?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('finds the blocks, and every block that is not run says so visibly', () => {
    expect(runnable.map((b) => b.section)).toEqual(expect.arrayContaining(['Quick start (60 seconds)', 'The CLI', 'Analyst API']));
    expect(runnable.some((b) => /^Vendor payouts/.test(b.section))).toBe(true);
    expect(runnable.some((b) => /^Vendor outreach/.test(b.section))).toBe(true);
    for (const s of skipped) expect(s.reason).toMatch(/^# not run( by the README test)?: \S/);
  });

  it('runs every command against npm start on non-default ports', async () => {
    const failures: string[] = [];
    for (const block of runnable) failures.push(...(await runBlock(block, work, env)));
    expect(failures.join('\n\n')).toBe('');
  }, 900_000);

  it('with npm start stopped, the payouts and reconciliation blocks still work (the export alone)', async () => {
    expect(await runtime!.stop()).toBe(0);
    runtime = undefined;
    const failures: string[] = [];
    for (const block of runnable.filter((b) => /^Vendor payouts/.test(b.section))) failures.push(...(await runBlock(block, work, env)));
    expect(failures.join('\n\n')).toBe('');
  }, 300_000);
});
