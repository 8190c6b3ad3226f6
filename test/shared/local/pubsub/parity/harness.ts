/**
 * What a parity scenario gets: the real clients pointed at one emulator, and bounded helpers.
 * Scenarios assert with node:assert so they also run outside vitest (to measure an older build).
 */
import { PubSub, v1, type Message } from '@google-cloud/pubsub';
import * as grpc from '@grpc/grpc-js';
import { LocalAuthClient } from '../../../../../shared/adapters/local/local-auth.ts';
import { emulatorPubsubOptions } from '../../../../../shared/adapters/local/pubsub-options.ts';

export const PARITY_PROJECT = 'parity-project';

export interface ParityContext {
  pubsub: PubSub;
  subscriber: v1.SubscriberClient;
  publisher: v1.PublisherClient;
  topic(id: string): string;
  sub(id: string): string;
  snapshot(id: string): string;
}

export function parityContext(host: string): ParityContext & { close(): Promise<void> } {
  const [servicePath, port] = host.split(':');
  const opts = { servicePath, port: Number(port), sslCreds: grpc.credentials.createInsecure(), projectId: PARITY_PROJECT, authClient: new LocalAuthClient() as never };
  const subscriber = new v1.SubscriberClient(opts);
  const publisher = new v1.PublisherClient(opts);
  const pubsub = new PubSub(emulatorPubsubOptions(PARITY_PROJECT, host));
  return {
    pubsub, subscriber, publisher,
    topic: (id) => `projects/${PARITY_PROJECT}/topics/${id}`,
    sub: (id) => `projects/${PARITY_PROJECT}/subscriptions/${id}`,
    snapshot: (id) => `projects/${PARITY_PROJECT}/snapshots/${id}`,
    close: async () => {
      await pubsub.close();
      await subscriber.close();
      await publisher.close();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Unary pulls (return_immediately) until `count` messages came or `timeoutMs` passed. */
export async function pullUntil(ctx: ParityContext, sub: string, count: number, timeoutMs = 3_000) {
  const got: Array<{ ackId: string; id: string; data: string; attributes: Record<string, string>; orderingKey: string; deliveryAttempt: number; publishTime: { seconds: number; nanos: number } }> = [];
  const start = Date.now();
  while (got.length < count && Date.now() - start < timeoutMs) {
    const [res] = await ctx.subscriber.pull({ subscription: ctx.sub(sub), maxMessages: 100, returnImmediately: true });
    for (const r of res.receivedMessages ?? []) {
      got.push({
        ackId: r.ackId!, id: r.message!.messageId!, data: Buffer.from(r.message!.data ?? '').toString(),
        attributes: (r.message!.attributes ?? {}) as Record<string, string>, orderingKey: r.message!.orderingKey ?? '',
        deliveryAttempt: r.deliveryAttempt ?? 0,
        publishTime: { seconds: Number(r.message!.publishTime?.seconds ?? 0), nanos: Number(r.message!.publishTime?.nanos ?? 0) },
      });
    }
    if (got.length < count) await sleep(25);
  }
  return got;
}

/** A pull that must find nothing: waits a little so a late redelivery would show up. */
export async function pullNothing(ctx: ParityContext, sub: string): Promise<string[]> {
  await sleep(150);
  const got = await pullUntil(ctx, sub, 1, 200);
  return got.map((m) => m.data);
}

/** Streams from `sub` with the high-level client until `done(deliveries)` or a timeout. */
export async function stream(ctx: ParityContext, sub: string, onMessage: (m: Message, all: Message[]) => void, done: (all: Message[]) => boolean, timeoutMs = 5_000): Promise<Message[]> {
  const subscription = ctx.pubsub.subscription(sub, { batching: { maxMessages: 1, maxMilliseconds: 1 } });
  const all: Message[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => resolve(), timeoutMs);
      subscription.on('error', (err) => { clearTimeout(timer); reject(err); });
      subscription.on('message', (m: Message) => {
        all.push(m);
        onMessage(m, all);
        if (done(all)) { clearTimeout(timer); resolve(); }
      });
    });
  } finally {
    await subscription.close();
  }
  return all;
}

/** The gRPC status code of a failed call (undefined when it succeeded). */
export async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

export async function failure(p: Promise<unknown>): Promise<{ code?: number; reason?: string; errorInfoMetadata?: Record<string, string>; details?: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err as never;
  }
}
