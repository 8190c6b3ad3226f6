/**
 * `stackctl emulator pubsub` as a real process: it prints where it listens, serves the real
 * client, persists with an explicit --data-dir and shuts down cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { lowLevelClients, pubsubClient } from './helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'pubsub-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starting the CLI costs seconds (tsx compiles it), so the test starts it once. */
function startCli(): Promise<{ child: ChildProcess; host: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/stackctl.js', 'emulator', 'pubsub', '--port', '0', '--json', '--data-dir', dataDir], {
    cwd: join(import.meta.dirname, '../../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${err}`)), 20_000);
    child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      try {
        const parsed = JSON.parse(out) as { host: string };
        clearTimeout(timer);
        resolve({ child, host: parsed.host, exited });
      } catch { /* not complete yet */ }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator exited early (${code}): ${err}`)); });
  });
}

describe('stackctl emulator pubsub', () => {
  it('serves the real client, persists to --data-dir and stops cleanly on SIGTERM', async () => {
    const first = await startCli();
    expect(first.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const pubsub = pubsubClient(first.host);
    const [topic] = await pubsub.createTopic('cli-topic');
    await topic.createSubscription('cli-sub');
    const id = await topic.publishMessage({ data: Buffer.from('kept') });
    await pubsub.close();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // The same directory, opened in-process, holds what the CLI process accepted.
    const reopened = await startPubsubEmulator({ port: 0, persistDir: join(dataDir, 'pubsub') });
    try {
      expect(reopened.stats()).toEqual([expect.objectContaining({ subscription: 'projects/emu-test/subscriptions/cli-sub', unacked: 1 })]);
      const { subscriber } = lowLevelClients(reopened.host);
      const [pulled] = await subscriber.pull({ subscription: 'projects/emu-test/subscriptions/cli-sub', maxMessages: 5, returnImmediately: true });
      expect(pulled.receivedMessages!.map((r) => r.message!.messageId)).toEqual([id]);
      await subscriber.close();
    } finally {
      await reopened.close();
    }
  });
});
