/**
 * `stackctl`: the one CLI. Each command lives in its own module under ./commands and is listed
 * in ./commands/index.ts with a one-line summary; only the module of the command being run is
 * loaded (the others appear in the help by their summary), so `stackctl --help` starts fast.
 *
 * Exit codes: 0 ok, 1 failure, 2 usage. Expected failures print one line (and a hint), never a
 * stack trace; STACKCTL_DEBUG=1 adds the stack of an unexpected one.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { commandModules, lazyCommands, type LazyCommand } from './commands/index.ts';
import { explainError } from './errors.ts';
import { CliError, EXIT, FORMATS } from './output.ts';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Root options that take a value, so the command name can be found without parsing. */
const VALUE_OPTIONS = new Set(['--data-dir', '-o', '--output']);

/** The top-level command named on the command line (`help X` names X), if any. */
export function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return args[i + 1];
    if (VALUE_OPTIONS.has(arg)) { i++; continue; }
    if (arg.startsWith('-')) continue;
    if (arg === 'help') return args.slice(i + 1).find((a) => !a.startsWith('-'));
    return arg;
  }
  return undefined;
}

function registerStub(program: Command, name: string, summary: string): void {
  // Listed in the help by its summary; never run (its module is loaded when it is named).
  program.command(name).description(summary).allowUnknownOption().allowExcessArguments()
    .action(() => { throw new Error(`stackctl: ${name} was not loaded`); });
}

export async function buildProgram(options: { load?: 'all' | string } = {}): Promise<Command> {
  const program = new Command('stackctl')
    .description('Stack Control Plane: day-2 operations of a ZenML stack on Google Cloud, locally or for real.')
    .version(version(), '-V, --version', 'print the version')
    .option('--data-dir <dir>', 'state directory of the local stack (env STACKCTL_DATA_DIR; default: .data at the checkout root)')
    .addOption(new Option('-o, --output <format>', 'output format').choices([...FORMATS]))
    .option('--json', 'machine-readable output (same as -o json)')
    .option('--no-color', 'no colour (also NO_COLOR=1; colour is used on a terminal only)')
    .showHelpAfterError('(run `stackctl --help` for the commands, `stackctl <command> --help` for one)')
    .showSuggestionAfterError()
    .exitOverride();
  for (const register of commandModules) register(program);
  const wanted = (entry: LazyCommand) => options.load === 'all' || (options.load !== undefined && options.load in entry.commands);
  const modules = await Promise.all(lazyCommands.map((entry) => (wanted(entry) ? entry.load() : undefined)));
  lazyCommands.forEach((entry, i) => {
    const mod = modules[i];
    if (mod) mod.register(program);
    else for (const [name, summary] of Object.entries(entry.commands)) registerStub(program, name, summary);
  });
  // Subcommands inherit exitOverride only when they are added after it is set; set it everywhere.
  const override = (command: Command) => { command.exitOverride(); command.commands.forEach(override); };
  override(program);
  return program;
}

function installStreamGuards(): void {
  // `stackctl runs | head -1`: the reader left, nothing more to say.
  const quietOnPipe = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw err;
  };
  process.stdout.on('error', quietOnPipe);
  process.stderr.on('error', quietOnPipe);
}

let reported = false;

function report(err: unknown, argv: string[]): number {
  reported = true;
  const explained = explainError(err);
  const json = argv.includes('--json') || /(^|\s)(-o|--output)(=|\s)json(\s|$)/.test(argv.join(' '));
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: { message: explained.message, ...(explained.hint ? { hint: explained.hint } : {}) } })}\n`);
  } else {
    process.stderr.write(`stackctl: ${explained.message}${explained.hint ? `\n  hint: ${explained.hint}` : ''}\n`);
  }
  if (!explained.expected && process.env.STACKCTL_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return explained.exitCode;
}

/** A client library's background failure (e.g. a stub it builds after the command failed) is one line too, never a trace. */
function installProcessGuards(argv: string[]): void {
  const last = (err: unknown) => {
    if (!reported) process.exitCode = report(err, argv);
    else process.exitCode = process.exitCode || EXIT.failure;
  };
  process.on('unhandledRejection', last);
  // After an uncaught exception nothing can be trusted to finish: report it and leave.
  process.on('uncaughtException', (err) => { last(err); process.exit(process.exitCode || EXIT.failure); });
}

let guarded = false;

export async function main(argv: string[]): Promise<void> {
  // Once per process: tests call main() many times in one process.
  if (!guarded) {
    guarded = true;
    installStreamGuards();
    installProcessGuards(argv);
  }
  const args = argv.slice(2);
  const name = commandName(args);
  try {
    const program = await buildProgram({ load: name === 'completion' ? 'all' : name });
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end 0; every other complaint of the parser is a usage error.
      const asked = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0);
      process.exitCode = asked ? EXIT.ok : EXIT.usage;
      return;
    }
    process.exitCode = report(err, argv);
  }
}

export { CliError };
