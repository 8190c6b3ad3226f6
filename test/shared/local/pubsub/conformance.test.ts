/**
 * Conformance of the emulator against the real @google-cloud/pubsub client: exactly-once
 * receipt of 10,000 messages, nack redelivery, dead-lettering and ordering keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, PubSub } from '@google-cloud/pubsub';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { pubsubClient, subscriptionPath, topicPath, waitFor } from './helpers.ts';

let emulator: PubsubEmulator;
let pubsub: PubSub;

beforeAll(async () => {
  emulator = await startPubsubEmulator({ port: 0 });
  pubsub = pubsubClient(emulator.host);
});

afterAll(async () => {
  await pubsub?.close();
  await emulator?.close();
});

const unacked = (sub: string) => emulator.stats().find((s) => s.subscription === subscriptionPath(sub))?.unacked;

describe('Pub/Sub emulator with the real client', () => {
  it('delivers 10,000 published messages exactly once each and forgets them once acked', async () => {
    const [topic] = await pubsub.createTopic('bulk-topic');
    const [subscription] = await topic.createSubscription('bulk-sub');
    const total = 10_000;
    const publishedIds = await Promise.all(
      Array.from({ length: total }, (_, i) => topic.publishMessage({ data: Buffer.from(`message-${i}`), attributes: { index: String(i) } })),
    );
    expect(new Set(publishedIds).size).toBe(total);

    const received = new Set<string>();
    let duplicates = 0;
    subscription.on('message', (m: Message) => {
      if (received.has(m.id)) duplicates++;
      received.add(m.id);
      expect(m.data.toString()).toBe(`message-${m.attributes.index}`);
      m.ack();
    });
    await waitFor(() => received.size === total, '10,000 messages', 40_000);
    // Give a would-be redelivery the chance to show up before checking that none did.
    await new Promise((r) => setTimeout(r, 300));
    await subscription.close();

    expect(duplicates).toBe(0);
    expect([...received].sort()).toEqual([...publishedIds].sort());
    await waitFor(() => unacked('bulk-sub') === 0, 'every ack to be applied');
  });

  it('redelivers a nacked message', async () => {
    const [topic] = await pubsub.createTopic('nack-topic');
    const [subscription] = await topic.createSubscription('nack-sub');
    const id = await topic.publishMessage({ data: Buffer.from('try again') });
    const deliveries: string[] = [];
    subscription.on('message', (m: Message) => {
      deliveries.push(m.id);
      if (deliveries.length === 1) m.nack();
      else m.ack();
    });
    await waitFor(() => deliveries.length >= 2, 'the redelivery');
    await subscription.close();
    expect(deliveries.slice(0, 2)).toEqual([id, id]);
    expect(unacked('nack-sub')).toBe(0);
  });

  it('dead-letters after max delivery attempts with delivery_attempt and the four source attributes', async () => {
    const [topic] = await pubsub.createTopic('work-topic');
    const [dlq] = await pubsub.createTopic('work-topic-dlq');
    const [dlqSub] = await dlq.createSubscription('work-topic-dlq-sub');
    const [subscription] = await topic.createSubscription('work-sub', {
      deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoff: { seconds: 0, nanos: 50e6 }, maximumBackoff: { seconds: 0, nanos: 200e6 } },
    });
    const id = await topic.publishMessage({ data: Buffer.from('poison'), attributes: { kind: 'poison' } });

    const attempts: number[] = [];
    subscription.on('message', (m: Message) => {
      attempts.push(m.deliveryAttempt);
      m.nack();
    });
    const deadLetters: Message[] = [];
    dlqSub.on('message', (m: Message) => {
      deadLetters.push(m);
      m.ack();
    });
    await waitFor(() => deadLetters.length === 1, 'the dead-lettered message');
    await subscription.close();
    await dlqSub.close();

    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    const [dead] = deadLetters;
    expect(dead!.data.toString()).toBe('poison');
    expect(dead!.id).not.toBe(id);
    expect(dead!.attributes).toMatchObject({
      kind: 'poison',
      CloudPubSubDeadLetterSourceDeliveryCount: '5',
      CloudPubSubDeadLetterSourceSubscription: 'work-sub',
      CloudPubSubDeadLetterSourceSubscriptionProject: 'emu-test',
    });
    expect(Date.parse(dead!.attributes.CloudPubSubDeadLetterSourceTopicPublishTime!)).toBeGreaterThan(0);
    expect(unacked('work-sub')).toBe(0);
    expect(topicPath('work-topic-dlq')).toBe(dlq.name);
  });

  it('delivers each ordering key in order; a nack redelivers it and every later message of its key', async () => {
    const [topic] = await pubsub.createTopic('ordered-topic');
    await topic.createSubscription('ordered-sub', { enableMessageOrdering: true });
    const subscription = pubsub.subscription('ordered-sub', { batching: { maxMessages: 10, maxMilliseconds: 5 } });
    topic.setPublishOptions({ messageOrdering: true });
    const keys = ['alpha', 'beta', 'gamma'];
    const perKey = 40;
    const publishedOrder = new Map<string, string[]>(keys.map((k) => [k, []]));
    for (let i = 0; i < perKey; i++) {
      const ids = await Promise.all(keys.map((k) => topic.publishMessage({ data: Buffer.from(`${k}-${i}`), orderingKey: k })));
      ids.forEach((id, idx) => publishedOrder.get(keys[idx]!)!.push(id));
    }
    // An unordered message on the same subscription is not held back by the keys.
    await topic.publishMessage({ data: Buffer.from('no key') });

    const deliveries = new Map<string, string[]>(keys.map((k) => [k, []]));
    const acked = new Map<string, Set<string>>(keys.map((k) => [k, new Set()]));
    let nacked: string | undefined;
    let unkeyed = 0;
    subscription.on('message', (m: Message) => {
      const key = m.orderingKey ?? '';
      if (!key) { unkeyed++; m.ack(); return; }
      deliveries.get(key)!.push(m.id);
      // The 5th message of alpha is nacked once, after some later ones may already be out.
      if (key === 'alpha' && !nacked && m.id === publishedOrder.get('alpha')![4]) {
        nacked = m.id;
        m.nack();
        return;
      }
      acked.get(key)!.add(m.id);
      m.ack();
    });
    await waitFor(() => keys.every((k) => acked.get(k)!.size === perKey) && unkeyed === 1 && unacked('ordered-sub') === 0, 'all ordered messages');
    await subscription.close();

    // Keys without failures arrive exactly in publish order, once each.
    for (const k of ['beta', 'gamma']) expect(deliveries.get(k)).toEqual(publishedOrder.get(k));
    // alpha: in order up to the nack, then the nacked message again and everything after it.
    const order = publishedOrder.get('alpha')!;
    const seen = deliveries.get('alpha')!;
    const restart = seen.lastIndexOf(nacked!);
    expect(seen.indexOf(nacked!)).toBeLessThan(restart);
    expect(seen.slice(restart)).toEqual(order.slice(4));
    const before = seen.slice(0, restart);
    expect(before).toEqual(order.slice(0, before.length));
  });
});
