/**
 * `stackctl`: the one CLI. Each command lives in its own module under ./commands and
 * registers itself here, so flows can add commands without touching each other.
 */
import { Command, CommanderError } from 'commander';
import { commandModules } from './commands/index.ts';
import { CliError } from './output.ts';

export function buildProgram(): Command {
  const program = new Command('stackctl')
    .description('Stack Control Plane: day-2 operations of a ZenML stack on Google Cloud, locally or for real.')
    .option('--data-dir <dir>', 'state directory of the local stack (env STACKCTL_DATA_DIR)', process.env.STACKCTL_DATA_DIR ?? '.data')
    .option('--json', 'machine-readable output')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commandModules) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const json = argv.includes('--json');
    const message = err instanceof Error ? err.message : String(err);
    if (json) process.stdout.write(`${JSON.stringify({ error: { message, hint: err instanceof CliError ? err.hint : undefined } })}\n`);
    else process.stderr.write(`stackctl: ${message}${err instanceof CliError && err.hint ? `\n  hint: ${err.hint}` : ''}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  }
}
