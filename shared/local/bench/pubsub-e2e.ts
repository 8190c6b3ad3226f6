/**
 * `pubsub.end-to-end`: our Pub/Sub emulator against Google's (`gcloud beta emulators pubsub
 * start`), each serving from a process of its own while a third process drives it with the real
 * client. The two alternate, round by round. Not measured (an error entry) without gcloud's
 * pubsub-emulator component and Java.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { entry, median, runSide, type BenchEntry } from './entry.ts';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => ok(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((ok) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => { socket.destroy(); ok(true); });
      socket.once('error', () => ok(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** Its own process group, so stopping it also stops the JVM gcloud's wrapper starts. */
function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5_000);
    child.once('exit', () => { clearTimeout(timer); done(); });
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { clearTimeout(timer); done(); }
  });
}

export function googleEmulatorMissing(): string | undefined {
  const gcloud = spawnSync('gcloud', ['info', '--format=value(installation.sdk_root)'], { encoding: 'utf8', timeout: 30_000 });
  if (gcloud.status !== 0) return 'gcloud is not installed';
  const java = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (java.status !== 0) return "Java is not on PATH (Google's emulator needs it)";
  const component = spawnSync('ls', [resolve(gcloud.stdout.trim(), 'platform', 'pubsub-emulator')], { timeout: 5_000 });
  if (component.status !== 0) return "gcloud's pubsub-emulator component is not installed";
  return undefined;
}

async function serve(kind: 'ours' | 'google'): Promise<{ host: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = kind === 'ours'
    ? spawn(process.execPath, [resolve(import.meta.dirname, '../../../bin/stackctl.js'), 'emulator', 'pubsub', '--port', String(port)], { stdio: 'ignore', detached: true })
    : spawn('gcloud', ['beta', 'emulators', 'pubsub', 'start', `--host-port=127.0.0.1:${port}`, '--quiet'], { stdio: 'ignore', detached: true });
  try {
    await waitForPort(port, child, kind === 'ours' ? 'our Pub/Sub emulator' : "Google's Pub/Sub emulator", 90_000);
  } catch (err) {
    await stopGroup(child);
    throw err;
  }
  return { host: `127.0.0.1:${port}`, stop: () => stopGroup(child) };
}

export async function measurePubsubEndToEnd(options: { quick: boolean }): Promise<BenchEntry> {
  const missing = googleEmulatorMissing();
  if (missing) throw new Error(missing);
  const messages = options.quick ? 1_000 : 20_000;
  const rounds = options.quick ? 1 : 3;
  const sides = { ours: [] as number[], google: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['google', 'ours'] as const) {
      const server = await serve(kind);
      try {
        sides[kind].push((await runSide<{ usPerMessage: number }>('./pubsub-e2e-process.ts', ['--host', server.host, '--messages', String(messages)])).usPerMessage);
      } finally {
        await server.stop();
      }
    }
  }
  return entry('pubsub.end-to-end', median(sides.ours), 'µs/message', "Google's Pub/Sub emulator", median(sides.google), { messages, rounds, payloadBytes: 1024 });
}
