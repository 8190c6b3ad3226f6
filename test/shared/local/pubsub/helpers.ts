/** Shared test helpers: a hand-driven clock and real @google-cloud/pubsub clients for an emulator. */
import { LocalAuthClient } from '../../../../shared/adapters/local/local-auth.ts';
import { emulatorPubsubOptions } from '../../../../shared/adapters/local/pubsub-options.ts';
import { PubSub, v1 } from '@google-cloud/pubsub';
import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../../../../shared/ports/clock.ts';

/** Time moves only when the test says so; sleeps resolve when their deadline is passed. */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Array<{ at: number; resolve: () => void }> = [];

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): Date {
    return new Date(this.current);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.sleepers.push({ at: this.current + Math.max(0, ms), resolve }));
  }

  /** Advances time, wakes due sleepers and lets the emulator react before returning. */
  async advance(ms: number): Promise<void> {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.at <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.at > this.current);
    for (const s of due) s.resolve();
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  }
}

export const PROJECT = 'emu-test';

export function pubsubClient(host: string): PubSub {
  return new PubSub(emulatorPubsubOptions(PROJECT, host));
}

/** The generated low-level clients, for unary Pull and raw status codes. */
export function lowLevelClients(host: string): { subscriber: v1.SubscriberClient; publisher: v1.PublisherClient } {
  const [servicePath, port] = host.split(':');
  const opts = { servicePath, port: Number(port), sslCreds: grpc.credentials.createInsecure(), projectId: PROJECT, authClient: new LocalAuthClient() as never };
  return { subscriber: new v1.SubscriberClient(opts), publisher: new v1.PublisherClient(opts) };
}

export const topicPath = (id: string) => `projects/${PROJECT}/topics/${id}`;
export const subscriptionPath = (id: string) => `projects/${PROJECT}/subscriptions/${id}`;

/** Resolves when `predicate` holds, polling; fails after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An emulator on a hand-driven clock with both kinds of real client, for tests that move time. */
export async function startClocked(): Promise<{
  emulator: import('../../../../shared/local/pubsub/emulator.ts').PubsubEmulator;
  clock: ManualClock;
  pubsub: PubSub;
  raw: { subscriber: v1.SubscriberClient; publisher: v1.PublisherClient };
  close(): Promise<void>;
}> {
  const { startPubsubEmulator } = await import('../../../../shared/local/pubsub/emulator.ts');
  const clock = new ManualClock();
  const emulator = await startPubsubEmulator({ port: 0, clock });
  const pubsub = pubsubClient(emulator.host);
  const raw = lowLevelClients(emulator.host);
  return {
    emulator, clock, pubsub, raw,
    close: async () => {
      await raw.subscriber.close();
      await raw.publisher.close();
      await pubsub.close();
      await emulator.close();
    },
  };
}
