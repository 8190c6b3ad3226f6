/** Running the real CLI (`node bin/stackctl.js …`) as a person would, with its exit code and both streams. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '../..');

/** A HOME with no gcloud configuration, so no Application Default Credentials can be found. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'stackctl-home-'));

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: EMPTY_HOME, CLOUDSDK_CONFIG: EMPTY_HOME, NO_COLOR: '1', METADATA_SERVER_DETECTION: 'none', ...extra };
  for (const key of ['GOOGLE_APPLICATION_CREDENTIALS', 'STACKCTL_DATA_DIR', 'LOG_LEVEL', 'FIRESTORE_EMULATOR_HOST', 'PUBSUB_EMULATOR_HOST', 'STACKCTL_WORKFLOWS_ENDPOINT']) if (!(key in extra)) delete env[key];
  return env;
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; onStdout?: (chunk: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'stackctl.js'), ...args], {
      cwd: options.cwd ?? REPO_ROOT, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); options.onStdout?.(c.toString(), child); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.once('error', fail);
    child.once('close', (code, signal) => { clearTimeout(timer); done({ code, signal, stdout, stderr }); });
  });
}

/** A line of a JavaScript stack trace, or Node's crash banner. */
export const STACK_FRAME = /^\s+at\s.+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$|^Node\.js v\d+/m;
