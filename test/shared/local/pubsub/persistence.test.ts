/**
 * Beyond Google's emulator: with persistDir, topics, subscriptions and every unacked message
 * survive a restart; acked messages do not come back; message ids never repeat. Retained acked
 * messages, snapshots and the acked messages an ordering key still holds survive too.
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

  it('keeps retained acked messages, snapshots and ordering-key state across a restart', async () => {
    const dir2 = join(dir, 'replay');
    const first = await startPubsubEmulator({ port: 0, persistDir: dir2 });
    let raw = lowLevelClients(first.host);
    await raw.publisher.createTopic({ name: topicPath('replay') });
    await raw.subscriber.createSubscription({ name: subscriptionPath('replay-sub'), topic: topicPath('replay'), retainAckedMessages: true });
    await raw.subscriber.createSubscription({ name: subscriptionPath('keyed-sub'), topic: topicPath('replay'), enableMessageOrdering: true });
    const [one] = await raw.publisher.publish({ topic: topicPath('replay'), messages: [{ data: Buffer.from('k0'), orderingKey: 'k' }] });
    await raw.subscriber.createSnapshot({ name: 'projects/emu-test/snapshots/durable-snap', subscription: subscriptionPath('replay-sub') });
    const [two] = await raw.publisher.publish({ topic: topicPath('replay'), messages: [{ data: Buffer.from('k1'), orderingKey: 'k' }] });
    const ids = [...one.messageIds!, ...two.messageIds!];
    const [pulled] = await raw.subscriber.pull({ subscription: subscriptionPath('replay-sub'), maxMessages: 10, returnImmediately: true });
    await raw.subscriber.acknowledge({ subscription: subscriptionPath('replay-sub'), ackIds: pulled.receivedMessages!.map((r) => r.ackId!) });
    // keyed-sub: k0 and k1 are out together; only k1 is acked, so the key still holds it.
    const [keyed] = await raw.subscriber.pull({ subscription: subscriptionPath('keyed-sub'), maxMessages: 10, returnImmediately: true });
    expect(keyed.receivedMessages!.map((r) => r.message!.messageId)).toEqual(ids);
    await raw.subscriber.acknowledge({ subscription: subscriptionPath('keyed-sub'), ackIds: [keyed.receivedMessages![1]!.ackId!] });
    await raw.publisher.close();
    await raw.subscriber.close();
    await first.close();

    const second = await startPubsubEmulator({ port: 0, persistDir: dir2 });
    raw = lowLevelClients(second.host);
    try {
      const stat = (id: string) => second.stats().find((s) => s.subscription === subscriptionPath(id))!;
      expect(stat('replay-sub')).toMatchObject({ unacked: 0, retained: 2 });
      const [snap] = await raw.subscriber.getSnapshot({ snapshot: 'projects/emu-test/snapshots/durable-snap' });
      expect(snap.topic).toBe(topicPath('replay'));
      await raw.subscriber.seek({ subscription: subscriptionPath('replay-sub'), snapshot: snap.name });
      expect(stat('replay-sub')).toMatchObject({ unacked: 2, retained: 0 });

      // The restarted key delivers k0 and the new k2, skipping the acked k1; nacking k0 brings back
      // everything after it, the acked k1 included.
      const [three] = await raw.publisher.publish({ topic: topicPath('replay'), messages: [{ data: Buffer.from('k2'), orderingKey: 'k' }] });
      const k2 = three.messageIds![0]!;
      const [again] = await raw.subscriber.pull({ subscription: subscriptionPath('keyed-sub'), maxMessages: 10, returnImmediately: true });
      expect(again.receivedMessages!.map((r) => r.message!.messageId)).toEqual([ids[0], k2]);
      await raw.subscriber.modifyAckDeadline({ subscription: subscriptionPath('keyed-sub'), ackIds: [again.receivedMessages![0]!.ackId!], ackDeadlineSeconds: 0 });
      const [all] = await raw.subscriber.pull({ subscription: subscriptionPath('keyed-sub'), maxMessages: 10, returnImmediately: true });
      expect(all.receivedMessages!.map((r) => r.message!.messageId)).toEqual([...ids, k2]);
      await raw.subscriber.acknowledge({ subscription: subscriptionPath('keyed-sub'), ackIds: all.receivedMessages!.map((r) => r.ackId!) });
      expect(stat('keyed-sub')).toMatchObject({ unacked: 0, waiting: 0 });
    } finally {
      await raw.publisher.close();
      await raw.subscriber.close();
      await second.close();
    }
  });

  it("keeps a topic's retained messages across a restart, so a seek after it still replays them", async () => {
    const dir3 = join(dir, 'topic-retention');
    const first = await startPubsubEmulator({ port: 0, persistDir: dir3 });
    let raw = lowLevelClients(first.host);
    await raw.publisher.createTopic({ name: topicPath('kept'), messageRetentionDuration: { seconds: 3600 } });
    const [res] = await raw.publisher.publish({ topic: topicPath('kept'), messages: [{ data: Buffer.from('no subscription yet') }] });
    await raw.publisher.close();
    await raw.subscriber.close();
    await first.close();

    const second = await startPubsubEmulator({ port: 0, persistDir: dir3 });
    raw = lowLevelClients(second.host);
    try {
      await raw.subscriber.createSubscription({ name: subscriptionPath('kept-sub'), topic: topicPath('kept') });
      await raw.subscriber.seek({ subscription: subscriptionPath('kept-sub'), time: { seconds: 0 } });
      const [pulled] = await raw.subscriber.pull({ subscription: subscriptionPath('kept-sub'), maxMessages: 10, returnImmediately: true });
      expect(pulled.receivedMessages!.map((r) => r.message!.messageId)).toEqual(res.messageIds);
    } finally {
      await raw.publisher.close();
      await raw.subscriber.close();
      await second.close();
    }
  });
});
