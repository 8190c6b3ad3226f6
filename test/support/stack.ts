/** Starting a real local stack for end-to-end tests, and waiting on it without sleeping blindly. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startStack, type RunningStack, type StackOptions } from '../../shared/local/stack/stack.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

const run = promisify(execFile);

export async function startTestStack(options: Partial<StackOptions> = {}): Promise<RunningStack & { dataDir: string; cleanup(): Promise<void> }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stackctl-e2e-'));
  const stack = await startStack({
    dataDir,
    logger: createLogger({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }),
    operationDurationMs: 50,
    retry: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 1 },
    ...options,
  });
  return Object.assign(stack, {
    dataDir,
    cleanup: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** Polls `probe` until it returns a truthy value; bounded in attempts and time. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    try {
      const value = await probe();
      if (value) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** Runs the real CLI (`node bin/stackctl.js …`) and parses its --json output. */
export async function stackctlJson(args: string[]): Promise<any> {
  const { stdout } = await run(process.execPath, ['bin/stackctl.js', ...args, '--json'], { cwd: join(import.meta.dirname, '../..'), timeout: 60_000 });
  return JSON.parse(stdout);
}

export async function stackctl(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/stackctl.js', ...args], { cwd: join(import.meta.dirname, '../..'), timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}
