/** How CLI commands reach the local stack's state and servers through the data directory. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StateStore } from '../../ports/state-store.ts';
import { readRunningStack, type StackFile } from '../stack/stack-file.ts';
import { defaultDataDir } from './data-dir.ts';
import { CliError } from './output.ts';

export function startHint(dataDir: string): string {
  const flag = resolve(dataDir) === resolve(defaultDataDir()) ? '' : ` --data-dir ${dataDir}`;
  return `start it with \`npm start\` (or \`npx stackctl start${flag}\`) in another terminal`;
}

export function requireRunningStack(dataDir: string): StackFile {
  const stack = readRunningStack(dataDir);
  if (!stack) throw new CliError(`no local stack is running with data directory ${resolve(dataDir)}`, startHint(dataDir));
  return stack;
}

/** Opens the state store read/write; works whether or not the stack is running (SQLite WAL). */
export async function openLocalStore(dataDir: string): Promise<StateStore> {
  const file = join(resolve(dataDir), 'state.sqlite');
  if (!existsSync(file)) {
    throw new CliError(`no state found in ${resolve(dataDir)} (no state.sqlite)`, startHint(dataDir));
  }
  const { openSqliteStateStore } = await import('../../adapters/local/sqlite-state-store.ts');
  return openSqliteStateStore(file);
}
