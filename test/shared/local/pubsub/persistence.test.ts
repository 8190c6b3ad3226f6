/**
 * Beyond Google's emulator: with persistDir, topics, subscriptions and every unacked message
 * survive a restart; acked messages do not come back; message ids never repeat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '@google-cloud/pubsub';
import { startPubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { lowLevelClients, pubsubClient, subscriptionPath, topicPath, waitFor } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'pubsub-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('persistence', () => {
  it('keeps topics, subscriptions and unacked messages across a restart', async () => {
    const first = await startPubsubEmulator({ port: 0, persistDir: dir });
    const raw = lowLevelClients(first.host);
    await raw.publisher.createTopic({ name: topicPath('durable') });
    await raw.subscriber.createSubscription({
      name: subscriptionPath('durable-sub'), topic: topicPath('durable'), ackDeadlineSeconds: 20, enableMessageOrdering: true,
    });
    const [published] = await raw.publisher.publish({
      topic: topicPath('durable'),
      messages: Array.from({ length: 20 }, (_, i) => ({ data: Buffer.from(`m${i}`), attributes: { i: String(i) }, orderingKey: i % 2 ? 'odd' : '' })),
    });
    const ids = published.messageIds!;
    // Ack the unordered ones (even indexes) only; the odd ones stay unacked.
    const [pulled] = await raw.subscriber.pull({ subscription: subscriptionPath('durable-sub'), maxMessages: 100, returnImmediately: true });
    const even = pulled.receivedMessages!.filter((r) => Number(r.message!.attributes!.i) % 2 === 0);
    expect(even).toHaveLength(10);
    await raw.subscriber.acknowledge({ subscription: subscriptionPath('durable-sub'), ackIds: even.map((r) => r.ackId!) });
    await raw.publisher.close();
    await raw.subscriber.close();
    await first.close();

    const second = await startPubsubEmulator({ port: 0, persistDir: dir });
    try {
      expect(second.topics().map((t) => t.name)).toEqual([topicPath('durable')]);
      const [sub] = second.subscriptions();
      expect(sub).toMatchObject({ name: subscriptionPath('durable-sub'), ackDeadlineSeconds: 20, enableMessageOrdering: true });
      expect(second.stats()[0]!.unacked).toBe(10);

      const pubsub = pubsubClient(second.host);
      const got: Message[] = [];
      const subscription = pubsub.subscription('durable-sub', { batching: { maxMilliseconds: 5 } });
      subscription.on('message', (m: Message) => { got.push(m); m.ack(); });
      await waitFor(() => got.length === 10, 'the restored messages');
      await subscription.close();
      const expectedOdd = ids.filter((_, i) => i % 2 === 1);
      expect(got.map((m) => m.id)).toEqual(expectedOdd);
      expect(got.map((m) => m.data.toString())).toEqual(expectedOdd.map((_, k) => `m${2 * k + 1}`));

      const newId = await pubsub.topic('durable').publishMessage({ data: Buffer.from('after restart') });
      expect(Number(newId)).toBeGreaterThan(Math.max(...ids.map(Number)));
      await pubsub.close();
      await waitFor(() => second.stats()[0]!.unacked === 1, 'acks to land');
    } finally {
      await second.close();
    }

    const third = await startPubsubEmulator({ port: 0, persistDir: dir });
    try {
      expect(third.stats()[0]!.unacked).toBe(1);
    } finally {
      await third.close();
    }
  });
});
