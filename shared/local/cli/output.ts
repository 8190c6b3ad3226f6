/**
 * Output helpers shared by every command: a human table by default, or one document with
 * `-o json|yaml` (`--json` is `-o json`). This module is loaded by `stackctl --help`, so it
 * imports nothing heavy.
 */
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { defaultDataDir } from './data-dir.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export class CliError extends Error {
  constructor(message: string, readonly hint?: string, readonly exitCode: number = EXIT.failure) {
    super(message);
  }
}

/** A mistake in how the command was called (exit 2), as opposed to a failure doing it. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, hint, EXIT.usage);
  }
}

export const FORMATS = ['table', 'json', 'yaml'] as const;
export type Format = (typeof FORMATS)[number];

export interface GlobalOptions {
  dataDir: string;
  /** True for -o json (and --json): machine-readable output, errors as JSON too. */
  json: boolean;
  format: Format;
  color: boolean;
}

/** Options of the root program, wherever the command sits in the tree. */
export function globalOptions(command: Command): GlobalOptions {
  let root: Command = command;
  while (root.parent) root = root.parent;
  const merged = { ...root.opts(), ...command.optsWithGlobals() } as { dataDir?: string; json?: boolean; output?: string; color?: boolean };
  const format = parseFormat(merged.output, merged.json);
  return {
    dataDir: merged.dataDir ?? process.env.STACKCTL_DATA_DIR ?? defaultDataDir(),
    json: format === 'json',
    format,
    color: useColor(merged.color !== false),
  };
}

export function parseFormat(output: string | undefined, json: boolean | undefined): Format {
  if (json) return 'json';
  if (output === undefined) return 'table';
  if (!(FORMATS as readonly string[]).includes(output)) throw new UsageError(`-o/--output must be one of ${FORMATS.join(', ')}, got "${output}"`);
  return output as Format;
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or --no-color. */
export function useColor(flag: boolean, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (!flag || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '')) return false;
  return Boolean(stream.isTTY);
}

const require = createRequire(import.meta.url);

export function formatDocument(format: Exclude<Format, 'table'>, value: unknown): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  // Loaded only when asked for, to keep `--help` fast.
  const yaml = require('yaml') as typeof import('yaml');
  return yaml.stringify(value);
}

export function printResult(options: GlobalOptions, value: unknown, human: () => string): void {
  process.stdout.write(options.format === 'table' ? `${human()}\n` : formatDocument(options.format, value));
}

const ANSI = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Colour = keyof typeof ANSI;

export function paint(enabled: boolean, colour: Colour, text: string): string {
  return enabled && text ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text;
}

/** The colour of a run status or audit result, so a failure stands out in a long list. */
export function statusColour(status: string): Colour | undefined {
  if (/^(failed|dead-lettered|compensation-failed|FAILED)$/.test(status)) return 'red';
  if (/^(succeeded|ok|accepted|SUCCEEDED)$/.test(status)) return 'green';
  if (/^(awaiting-approval|retrying|suppressed|duplicate|pending)$/.test(status)) return 'yellow';
  if (/^(running|executing|received|ACTIVE)$/.test(status)) return 'cyan';
  return undefined;
}
