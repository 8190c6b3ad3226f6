/**
 * The payload of `publish`: from --file or --data, with errors that say which file, which line
 * and column, and what was probably meant when the two flags are mixed up.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { locateJsonError } from './json-locate.ts';
import { UsageError, CliError } from './output.ts';

export interface Payload { text: string; source: string; file?: string }

const looksLikeJson = (s: string) => /^\s*[[{"]/.test(s);

export function readPayload(opts: { file?: string; data?: string }): Payload {
  if (opts.file !== undefined && opts.data !== undefined) throw new UsageError('give either --file or --data, not both');
  if (opts.data !== undefined) {
    if (opts.data.trim() === '') throw new UsageError('--data is empty', 'pass the JSON itself, e.g. --data \'{"version": "test"}\', or a file with --file');
    if (!looksLikeJson(opts.data)) {
      let isFile = false;
      try { isFile = statSync(opts.data).isFile(); } catch { /* not a path */ }
      if (isFile || /\.json$/i.test(opts.data)) throw new UsageError(`--data takes JSON, and "${opts.data}" looks like a file name`, `did you mean --file ${opts.data}?`);
    }
    return { text: opts.data, source: '--data' };
  }
  if (opts.file === undefined) throw new UsageError('no payload: give --file F or --data JSON');
  if (opts.file.trim() === '') throw new UsageError('--file is empty', 'give the path of a JSON file');
  if (looksLikeJson(opts.file)) throw new UsageError('--file takes a path, and this looks like JSON', 'for an inline payload use --data \'{…}\'');
  const path = resolve(opts.file);
  let text: string;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new CliError(`--file ${opts.file}: ${path} is a directory, not a JSON file`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`--file ${opts.file}: no such file (${path})`, 'paths are relative to the current directory; the examples are in examples/');
    if (code === 'EACCES') throw new CliError(`--file ${opts.file}: permission denied reading ${path}`);
    throw new CliError(`--file ${opts.file}: cannot read ${path}: ${(err as Error).message}`);
  }
  return { text, source: opts.file, file: path };
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** JSON.parse with the error placed at source:line:column and what was expected there. */
export function parseJson(payload: Payload): unknown {
  try {
    return JSON.parse(payload.text) as unknown;
  } catch (err) {
    const fault = locateJsonError(payload.text);
    if (!fault) throw new CliError(`${payload.source}: invalid JSON: ${(err as Error).message}`);
    const { line, column } = lineColumn(payload.text, fault.offset);
    const found = payload.text[fault.offset];
    const got = found === undefined ? 'the end of the text' : JSON.stringify(found);
    throw new CliError(`${payload.source}:${line}:${column}: invalid JSON: expected ${fault.expected}, found ${got}`);
  }
}
