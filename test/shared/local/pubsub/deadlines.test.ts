/**
 * Time-driven delivery semantics, driven by an injected clock and the real generated client
 * (unary Pull, so no client-side lease extension interferes): ack-deadline expiry,
 * modifyAckDeadline, exponential retry backoff and message retention.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { v1 } from '@google-cloud/pubsub';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { lowLevelClients, ManualClock, subscriptionPath, topicPath } from './helpers.ts';

let emulator: PubsubEmulator;
let clock: ManualClock;
let raw: { subscriber: v1.SubscriberClient; publisher: v1.PublisherClient };

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await startPubsubEmulator({ port: 0, clock });
  raw = lowLevelClients(emulator.host);
});

afterEach(async () => {
  await raw.subscriber.close();
  await raw.publisher.close();
  await emulator.close();
});

async function setup(subscription: Record<string, unknown> = {}): Promise<string> {
  await raw.publisher.createTopic({ name: topicPath('clocked') });
  await raw.subscriber.createSubscription({ name: subscriptionPath('clocked-sub'), topic: topicPath('clocked'), ...subscription });
  return subscriptionPath('clocked-sub');
}

async function publish(text: string): Promise<string> {
  const [res] = await raw.publisher.publish({ topic: topicPath('clocked'), messages: [{ data: Buffer.from(text) }] });
  return res.messageIds![0]!;
}

async function pullNow(subscription: string) {
  const [res] = await raw.subscriber.pull({ subscription, maxMessages: 10, returnImmediately: true });
  return res.receivedMessages ?? [];
}

describe('deadlines and backoff', () => {
  it('redelivers when the ack deadline expires, and ignores acks with the stale ack id', async () => {
    const sub = await setup({ ackDeadlineSeconds: 10 });
    const id = await publish('slow consumer');
    const [first] = await pullNow(sub);
    expect(first!.message!.messageId).toBe(id);
    expect(await pullNow(sub)).toHaveLength(0);

    await clock.advance(9_999);
    expect(await pullNow(sub)).toHaveLength(0);
    await clock.advance(2);
    const [second] = await pullNow(sub);
    expect(second!.message!.messageId).toBe(id);
    expect(second!.ackId).not.toBe(first!.ackId);

    await raw.subscriber.acknowledge({ subscription: sub, ackIds: [first!.ackId!] });
    expect(emulator.stats()[0]!.unacked).toBe(1);
    await raw.subscriber.acknowledge({ subscription: sub, ackIds: [second!.ackId!] });
    expect(emulator.stats()[0]!.unacked).toBe(0);
    await clock.advance(60_000);
    expect(await pullNow(sub)).toHaveLength(0);
  });

  it('extends and shortens leases with ModifyAckDeadline', async () => {
    const sub = await setup({ ackDeadlineSeconds: 10 });
    await publish('extend me');
    const [msg] = await pullNow(sub);
    await raw.subscriber.modifyAckDeadline({ subscription: sub, ackIds: [msg!.ackId!], ackDeadlineSeconds: 120 });
    await clock.advance(60_000);
    expect(await pullNow(sub)).toHaveLength(0);
    await raw.subscriber.modifyAckDeadline({ subscription: sub, ackIds: [msg!.ackId!], ackDeadlineSeconds: 1 });
    await clock.advance(1_001);
    expect(await pullNow(sub)).toHaveLength(1);
  });

  it('backs off nacked messages exponentially between minimum and maximum backoff', async () => {
    const sub = await setup({ retryPolicy: { minimumBackoff: { seconds: 10 }, maximumBackoff: { seconds: 30 } } });
    const id = await publish('flaky');
    let [msg] = await pullNow(sub);
    for (const backoffSeconds of [10, 20, 30, 30]) {
      await raw.subscriber.modifyAckDeadline({ subscription: sub, ackIds: [msg!.ackId!], ackDeadlineSeconds: 0 });
      await clock.advance(backoffSeconds * 1000 - 1);
      expect(await pullNow(sub), `still backing off ${backoffSeconds}s`).toHaveLength(0);
      await clock.advance(1);
      [msg] = await pullNow(sub);
      expect(msg?.message?.messageId, `redelivered after ${backoffSeconds}s`).toBe(id);
    }
  });

  it('drops messages older than the subscription retention', async () => {
    const sub = await setup({ messageRetentionDuration: { seconds: 600 } });
    await publish('old news');
    await clock.advance(600_001);
    expect(await pullNow(sub)).toHaveLength(0);
    expect(emulator.stats()[0]!.unacked).toBe(0);
  });

  it('redelivers the later messages of a key with a nacked one, and leaves them out once it is dead-lettered', async () => {
    await raw.publisher.createTopic({ name: topicPath('clocked-dlq') });
    await raw.subscriber.createSubscription({ name: subscriptionPath('clocked-dlq-sub'), topic: topicPath('clocked-dlq') });
    const sub = await setup({ enableMessageOrdering: true, deadLetterPolicy: { deadLetterTopic: topicPath('clocked-dlq'), maxDeliveryAttempts: 5 } });
    const [res] = await raw.publisher.publish({
      topic: topicPath('clocked'),
      messages: [{ data: Buffer.from('first'), orderingKey: 'k' }, { data: Buffer.from('second'), orderingKey: 'k' }],
    });
    const [firstId, secondId] = res.messageIds!;
    let got = await pullNow(sub);
    for (let attempt = 1; attempt <= 5; attempt++) {
      // Both are out at once, in order; nacking the first takes the second back with it.
      expect(got.map((r) => [r.message!.messageId, r.deliveryAttempt])).toEqual([[firstId, attempt], [secondId, attempt]]);
      await raw.subscriber.modifyAckDeadline({ subscription: sub, ackIds: [got[0]!.ackId!], ackDeadlineSeconds: 0 });
      if (attempt < 5) got = await pullNow(sub);
    }
    // The first is dead-lettered; the second's fifth delivery is still outstanding and can be acked.
    expect(await pullNow(sub)).toHaveLength(0);
    await raw.subscriber.acknowledge({ subscription: sub, ackIds: [got[1]!.ackId!] });
    expect(emulator.stats().find((s) => s.subscription === sub)!.unacked).toBe(0);
    const dead = await pullNow(subscriptionPath('clocked-dlq-sub'));
    expect(dead.map((r) => r.message!.data!.toString())).toEqual(['first']);
    expect(dead[0]!.message!.orderingKey).toBe('k');
  });

  it('lets separate pulls take later messages of a key, and a nack revokes them with it', async () => {
    const sub = await setup({ enableMessageOrdering: true });
    const [res] = await raw.publisher.publish({
      topic: topicPath('clocked'),
      messages: ['k0', 'k1', 'k2'].map((t) => ({ data: Buffer.from(t), orderingKey: 'k' })),
    });
    const ids = res.messageIds!;
    const pullOne = async () => (await raw.subscriber.pull({ subscription: sub, maxMessages: 1, returnImmediately: true }))[0].receivedMessages ?? [];
    const [first] = await pullOne();
    const [second] = await pullOne();
    expect([first!.message!.messageId, second!.message!.messageId]).toEqual([ids[0], ids[1]]);
    await raw.subscriber.modifyAckDeadline({ subscription: sub, ackIds: [first!.ackId!], ackDeadlineSeconds: 0 });
    // k1's lease went with k0's nack: acking its old ack id changes nothing.
    await raw.subscriber.acknowledge({ subscription: sub, ackIds: [second!.ackId!] });
    expect((await pullNow(sub)).map((r) => r.message!.messageId)).toEqual(ids);
  });
});
