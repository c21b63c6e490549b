import { quietLocalRuntime } from '../config/config.ts';
import { ReftrackError, ValidationError } from '../core/errors.ts';
import { UsageError, type Command } from './command.ts';
import { createCliContext } from './context.ts';
import { clicksCommand } from './commands/clicks.ts';
import { outreachCommand } from './commands/outreach.ts';
import { payoutsCommand } from './commands/payouts.ts';
import { reconcileCommand } from './commands/reconcile.ts';
import { recoverCommand } from './commands/recover.ts';
import { exportsCommand } from './commands/exports.ts';
import { vendorsCommand } from './commands/vendors.ts';
import { replayCommand } from './commands/replay.ts';
import { rollupsCommand } from './commands/rollups.ts';
import { verifyCommand } from './commands/verify.ts';
import { stripControlsKeepingLines } from '../core/untrusted-text.ts';

const commands: Command[] = [clicksCommand, vendorsCommand, rollupsCommand, replayCommand, verifyCommand, exportsCommand, outreachCommand, recoverCommand, payoutsCommand, reconcileCommand];

function help(): string {
  return ['usage: reftrack <command> [flags]', '', ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`), '', 'reftrack <command> --help for its flags.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`reftrack: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  const { ctx, close } = createCliContext();
  try {
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ValidationError) {
      console.error(`reftrack ${command.name}: ${stripControlsKeepingLines(error.message)}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof ReftrackError) {
      console.error(`reftrack ${command.name}: ${stripControlsKeepingLines(error.message)}`);
      return 1;
    }
    throw error;
  } finally {
    close();
  }
}

quietLocalRuntime();
process.exitCode = await main(process.argv.slice(2));
