import { quietLocalRuntime } from '../config/config.ts';
import { ReftrackError, StoreUnavailableError, ValidationError } from '../core/errors.ts';
import { UsageError, type Command } from './command.ts';
import { createCliContext, type CliContext } from './context.ts';
import { clicksCommand } from './commands/clicks.ts';
import { conversionsCommand } from './commands/conversions.ts';
import { outreachCommand } from './commands/outreach.ts';
import { payoutsCommand } from './commands/payouts.ts';
import { portalCommand } from './commands/portal.ts';
import { reconcileCommand } from './commands/reconcile.ts';
import { recoverCommand } from './commands/recover.ts';
import { exportsCommand } from './commands/exports.ts';
import { vendorsCommand } from './commands/vendors.ts';
import { replayCommand } from './commands/replay.ts';
import { rollupsCommand } from './commands/rollups.ts';
import { verifyCommand } from './commands/verify.ts';
import { stripControlsKeepingLines } from '../core/untrusted-text.ts';

const commands: Command[] = [clicksCommand, vendorsCommand, rollupsCommand, replayCommand, verifyCommand, exportsCommand, outreachCommand, recoverCommand, payoutsCommand, reconcileCommand, portalCommand, conversionsCommand];

function help(): string {
  return ['usage: reftrack <command> [flags]', '', ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`), '', 'reftrack <command> --help for its flags.'].join('\n');
}

/** Which endpoint the CLI used, why, and what to do about it. */
function connectionHelp(ctx: CliContext): string {
  const aws = ctx.aws();
  if (aws.REFTRACK_TARGET === 'aws') return `  target: ${ctx.target.origin}. Check AWS_REGION, EVENTS_TABLE, STATE_TABLE and your AWS credentials.`;
  return [
    `  DynamoDB endpoint: ${aws.DYNAMODB_ENDPOINT} (from ${ctx.target.origin}).`,
    '  Start the pipeline with `npm start` in this folder (the CLI then finds it through its runtime file), or run the CLI',
    '  with the same REFTRACK_DATA_DIR / DYNAMODB_LOCAL_PORT as your npm start, or set DYNAMODB_ENDPOINT (REFTRACK_TARGET=aws for a deployment).',
  ].join('\n');
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
  let context: ReturnType<typeof createCliContext> | undefined;
  try {
    context = createCliContext();
    return await command.run(rest, context.ctx);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ValidationError) {
      console.error(`reftrack ${command.name}: ${stripControlsKeepingLines(error.message)}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof StoreUnavailableError) {
      console.error(`reftrack ${command.name}: ${error.message}\n${context ? connectionHelp(context.ctx) : ''}`);
      return 1;
    }
    if (error instanceof ReftrackError) {
      console.error(`reftrack ${command.name}: ${stripControlsKeepingLines(error.message)}`);
      return 1;
    }
    throw error;
  } finally {
    await context?.close();
  }
}

quietLocalRuntime();
process.exitCode = await main(process.argv.slice(2));
