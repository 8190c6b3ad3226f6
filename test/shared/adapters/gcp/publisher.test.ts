import { emulatorPubsubOptions } from '../../../../shared/adapters/local/pubsub-options.ts';
import { existsSync } from 'node:fs';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PubsubPublisher } from '../../../../shared/adapters/gcp/publisher.ts';
import { PermanentError, TransientError, ValidationError } from '../../../../shared/runtime/errors.ts';

const emulatorModule = new URL('../../../../shared/local/pubsub/emulator.ts', import.meta.url);
type Emulator = { host: string; close(): Promise<void> };
const start = async (): Promise<Emulator> => (await import(emulatorModule.href)).startPubsubEmulator();

// The Pub/Sub emulator is the local stack's gRPC server (shared/local/pubsub); the real client talks to it.
describe.runIf(existsSync(emulatorModule))('PubsubPublisher against the Pub/Sub emulator through @google-cloud/pubsub', () => {
  let emulator: Emulator;
  let admin: PubSub;
  let publisher: PubsubPublisher;

  beforeAll(async () => {
    emulator = await start();
    admin = new PubSub(emulatorPubsubOptions('demo-project', emulator.host));
    const [topic] = await admin.createTopic('cp-events');
    await topic.createSubscription('cp-events-test');
    publisher = new PubsubPublisher({ projectId: 'demo-project', emulatorHost: emulator.host });
  });
  afterAll(async () => {
    await publisher.close();
    await admin.close();
    await emulator.close();
  });

  it('publishes JSON data with attributes and returns the message id', async () => {
    const id = await publisher.publish('cp-events', { kind: 'run.succeeded', runId: 'r-1', n: 3 }, { flow: 'backups' });
    expect(id).toMatch(/\S+/);
    const subscription = admin.subscription('cp-events-test');
    const received = await new Promise<{ data: Buffer; attributes: Record<string, string>; id: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5000);
      subscription.on('message', (m) => { clearTimeout(timer); m.ack(); resolve(m); });
      subscription.on('error', reject);
    });
    await subscription.close();
    expect(received.id).toBe(id);
    expect(JSON.parse(received.data.toString('utf8'))).toEqual({ kind: 'run.succeeded', runId: 'r-1', n: 3 });
    expect(received.attributes).toEqual({ flow: 'backups' });
  });

  it('sends at the end of the event loop turn, not on the batch timer', async () => {
    const fresh = new PubsubPublisher({ projectId: 'demo-project', emulatorHost: emulator.host });
    await fresh.publish('cp-events', 'connect');
    // Timers frozen: a publish that waited for the client's 10 ms batch timer would never resolve.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await expect(fresh.publish('cp-events', { n: 1 })).resolves.toMatch(/\S+/);
    } finally {
      vi.useRealTimers();
      await fresh.close();
    }
  });

  it('publishes made in the same turn share one request', async () => {
    // Each Topic binds its client's request method when it is made, so the spy comes first.
    const spy = vi.spyOn(PubSub.prototype, 'request');
    const fresh = new PubsubPublisher({ projectId: 'demo-project', emulatorHost: emulator.host });
    try {
      await fresh.publish('cp-events', 'connect');
      spy.mockClear();
      const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => fresh.publish('cp-events', { n })));
      expect(new Set(ids).size).toBe(5);
      const publishes = spy.mock.calls.filter(([config]) => (config as { method?: string }).method === 'publish');
      expect(publishes).toHaveLength(1);
      expect((publishes[0]![0] as { reqOpts: { messages: unknown[] } }).reqOpts.messages).toHaveLength(5);
    } finally {
      spy.mockRestore();
      await fresh.close();
    }
  });

  it('makes one Topic per topic name and reuses it', async () => {
    const spy = vi.spyOn(PubSub.prototype, 'topic');
    const fresh = new PubsubPublisher({ projectId: 'demo-project', emulatorHost: emulator.host });
    await fresh.publish('cp-events', 1);
    await fresh.publish('projects/demo-project/topics/cp-events', 2);
    await fresh.publish('cp-events', 3);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    await fresh.close();
  });

  it('a missing topic is permanent', async () => {
    const err = await publisher.publish('no-such-topic', { a: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).code).toBe(404);
  });

  it('an unreachable emulator is transient', async () => {
    const gone = await start();
    const host = gone.host;
    await gone.close();
    const orphan = new PubsubPublisher({ projectId: 'demo-project', emulatorHost: host, timeoutMs: 3000, maxRetries: 1 });
    await expect(orphan.publish('cp-events', { a: 1 })).rejects.toBeInstanceOf(TransientError);
    await orphan.close();
  });

  it('refuses what it cannot publish before sending', async () => {
    await expect(publisher.publish('cp-events', undefined)).rejects.toBeInstanceOf(ValidationError);
    await expect(publisher.publish('goog-topic', {})).rejects.toBeInstanceOf(ValidationError);
    await expect(publisher.publish('projects/other/topics/cp-events', {})).rejects.toThrow(/another project/);
    await expect(publisher.publish('cp-events', {}, { n: 1 as unknown as string })).rejects.toThrow(/attributes.n/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(publisher.publish('cp-events', cyclic)).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a non-loopback emulator host', async () => {
    const remote = new PubsubPublisher({ projectId: 'demo-project', emulatorHost: 'pubsub.example.com:8085' });
    await expect(remote.publish('cp-events', {})).rejects.toBeInstanceOf(PermanentError);
  });
});
