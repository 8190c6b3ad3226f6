/**
 * Google's Pub/Sub emulator (the gcloud SDK's `pubsub-emulator` component, Java) for the parity
 * suite. It is found the way `gcloud beta emulators pubsub start` finds it (under the SDK root
 * `gcloud info` reports), started directly on 127.0.0.1 with a free port so its JVM is our child
 * process (gcloud's wrapper would leave it orphaned), waited for with a bounded timeout, and
 * stopped by pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const DEFAULT_SDK_ROOTS = ['/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/opt/google-cloud-sdk'];
const STARTUP_TIMEOUT_MS = 30_000;

export type GoogleEmulatorLocation = { found: true; bin: string } | { found: false; reason: string };

function sdkRoots(): string[] {
  const roots = [...DEFAULT_SDK_ROOTS];
  const gcloud = spawnSync('gcloud', ['info', '--format=value(installation.sdk_root)'], { encoding: 'utf8', timeout: 15_000 });
  const reported = gcloud.status === 0 ? gcloud.stdout.trim() : '';
  if (reported) roots.unshift(reported);
  return roots;
}

/** Synchronous, so the suite can decide at collection time whether the Google column runs. */
export function locateGoogleEmulator(): GoogleEmulatorLocation {
  const bin = sdkRoots().map((root) => join(root, 'platform', 'pubsub-emulator', 'bin', 'cloud-pubsub-emulator')).find((p) => existsSync(p));
  if (!bin) {
    return { found: false, reason: "Google's Pub/Sub emulator is not installed (gcloud component pubsub-emulator / apt package google-cloud-cli-pubsub-emulator)" };
  }
  const java = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (java.status !== 0) return { found: false, reason: `Google's Pub/Sub emulator is installed at ${bin} but Java is not on PATH` };
  return { found: true, bin };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface GoogleEmulator {
  host: string;
  close(): Promise<void>;
}

/** Two tries: the free port found may be taken by someone else before the JVM binds it. */
export async function startGoogleEmulator(bin: string): Promise<GoogleEmulator> {
  try {
    return await startOnFreePort(bin);
  } catch (err) {
    // Only an early exit (the port was taken) is worth a second try; a startup timeout is not.
    if (!(err instanceof Error) || !err.message.includes('exited')) throw err;
    return startOnFreePort(bin);
  }
}

async function startOnFreePort(bin: string): Promise<GoogleEmulator> {
  const port = await freePort();
  const child: ChildProcess = spawn(bin, [`--host=127.0.0.1`, `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The JVM must not outlive us, even when the test process dies on an error.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const close = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Google's Pub/Sub emulator did not start within ${STARTUP_TIMEOUT_MS / 1000}s:\n${output}`)), STARTUP_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Server started, listening on/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Google's Pub/Sub emulator exited (code ${code}) before it started:\n${output}`));
      });
    });
  } catch (err) {
    await close();
    throw err;
  }
  return { host: `127.0.0.1:${port}`, close };
}
