/**
 * `DATA_DIR/stack.json` is how commands find a running stack: every server picks a free
 * loopback port, so two stacks with different data directories never clash.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface StackFile {
  pid: number;
  startedAt: string;
  dataDir: string;
  projectId: string;
  region: string;
  endpoints: {
    pubsubEmulator: string;
    gcpSim: string;
    functions: Record<string, string>;
    callbacks?: string;
  };
}

export function stackFilePath(dataDir: string): string {
  return join(resolve(dataDir), 'stack.json');
}

export function writeStackFile(dataDir: string, file: StackFile): void {
  mkdirSync(resolve(dataDir), { recursive: true });
  const path = stackFilePath(dataDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2));
  renameSync(`${path}.tmp`, path);
}

export function removeStackFile(dataDir: string): void {
  rmSync(stackFilePath(dataDir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running stack for this data directory, or null (a stale file from a crash is ignored). */
export function readRunningStack(dataDir: string): StackFile | null {
  const path = stackFilePath(dataDir);
  if (!existsSync(path)) return null;
  let file: StackFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as StackFile;
  } catch {
    return null;
  }
  return alive(file.pid) ? file : null;
}
