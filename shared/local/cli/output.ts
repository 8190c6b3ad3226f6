/** Output helpers shared by every command: human text by default, one JSON document with --json. */
import type { Command } from 'commander';

export class CliError extends Error {
  constructor(message: string, readonly hint?: string, readonly exitCode = 1) {
    super(message);
  }
}

export interface GlobalOptions {
  dataDir: string;
  json: boolean;
}

/** Options of the root program, wherever the command sits in the tree. */
export function globalOptions(command: Command): GlobalOptions {
  let root: Command = command;
  while (root.parent) root = root.parent;
  const merged = { ...root.opts(), ...command.optsWithGlobals() } as { dataDir?: string; json?: boolean };
  return { dataDir: merged.dataDir ?? process.env.STACKCTL_DATA_DIR ?? '.data', json: Boolean(merged.json) };
}

export function printResult(options: GlobalOptions, value: unknown, human: () => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
