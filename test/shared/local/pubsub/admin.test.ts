/**
 * Resource management through the real client: canonical status codes (NOT_FOUND,
 * ALREADY_EXISTS, INVALID_ARGUMENT) with messages that say what was wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PubSub, v1 } from '@google-cloud/pubsub';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { lowLevelClients, PROJECT, pubsubClient, subscriptionPath, topicPath } from './helpers.ts';

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const INVALID_ARGUMENT = 3;

let emulator: PubsubEmulator;
let pubsub: PubSub;
let raw: { subscriber: v1.SubscriberClient; publisher: v1.PublisherClient };

beforeAll(async () => {
  emulator = await startPubsubEmulator({ port: 0 });
  pubsub = pubsubClient(emulator.host);
  raw = lowLevelClients(emulator.host);
});

afterAll(async () => {
  await pubsub?.close();
  await raw?.subscriber.close();
  await raw?.publisher.close();
  await emulator?.close();
});

async function codeOf(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code: number; details?: string; message: string };
    return { code: e.code, details: e.details ?? e.message };
  }
  throw new Error('expected the call to fail');
}

describe('topics and subscriptions', () => {
  it('creates, gets, lists and deletes topics with the right status codes', async () => {
    const [topic] = await pubsub.createTopic({ name: 'orders', labels: { team: 'alpha' } });
    expect(topic.name).toBe(topicPath('orders'));
    expect(await codeOf(pubsub.createTopic('orders'))).toMatchObject({ code: ALREADY_EXISTS, details: expect.stringContaining('orders') });
    const [meta] = await topic.getMetadata();
    expect(meta.labels).toEqual({ team: 'alpha' });
    expect(await codeOf(pubsub.topic('missing-topic').getMetadata())).toMatchObject({ code: NOT_FOUND, details: expect.stringContaining('missing-topic') });
    const [exists] = await pubsub.topic('missing-topic').exists();
    expect(exists).toBe(false);

    await pubsub.createTopic('invoices');
    const [topics] = await pubsub.getTopics();
    expect(topics.map((t) => t.name)).toEqual(expect.arrayContaining([topicPath('orders'), topicPath('invoices')]));

    await pubsub.topic('invoices').delete();
    expect(await codeOf(pubsub.topic('invoices').delete())).toMatchObject({ code: NOT_FOUND });
  });

  it('creates, updates, lists and deletes subscriptions with the right status codes', async () => {
    const topic = pubsub.topic('orders');
    const [sub] = await topic.createSubscription('orders-sub', { ackDeadlineSeconds: 30 });
    expect(await codeOf(topic.createSubscription('orders-sub'))).toMatchObject({ code: ALREADY_EXISTS });
    expect(await codeOf(pubsub.createSubscription('no-such-topic', 'orphan-sub'))).toMatchObject({ code: NOT_FOUND, details: expect.stringContaining('no-such-topic') });
    expect(await codeOf(pubsub.subscription('missing-sub').getMetadata())).toMatchObject({ code: NOT_FOUND });

    const [meta] = await sub.getMetadata();
    expect(meta.ackDeadlineSeconds).toBe(30);
    expect(meta.topic).toBe(topicPath('orders'));

    await sub.setMetadata({ ackDeadlineSeconds: 45, labels: { env: 'dev' } });
    const [updated] = await sub.getMetadata();
    expect(updated.ackDeadlineSeconds).toBe(45);
    expect(updated.labels).toEqual({ env: 'dev' });

    const [topicSubs] = await topic.getSubscriptions();
    expect(topicSubs.map((s) => s.name)).toEqual([subscriptionPath('orders-sub')]);
    const [allSubs] = await pubsub.getSubscriptions();
    expect(allSubs.map((s) => s.name)).toContain(subscriptionPath('orders-sub'));

    await sub.delete();
    expect(await codeOf(sub.delete())).toMatchObject({ code: NOT_FOUND });
  });

  it('keeps a subscription whose topic is deleted, pointing at _deleted-topic_', async () => {
    const [topic] = await pubsub.createTopic('short-lived');
    const [sub] = await topic.createSubscription('short-lived-sub');
    await topic.delete();
    const [meta] = await sub.getMetadata();
    expect(meta.topic).toBe('_deleted-topic_');
  });

  it('rejects invalid names and settings with INVALID_ARGUMENT', async () => {
    for (const bad of ['ab', '1starts-with-digit', 'goog-reserved', 'has space', 'x'.repeat(256)]) {
      expect(await codeOf(pubsub.createTopic(bad))).toMatchObject({ code: INVALID_ARGUMENT, details: expect.stringContaining('name') });
    }
    expect(await codeOf(raw.publisher.createTopic({ name: `projects/${PROJECT}/queues/wrong-kind` }))).toMatchObject({ code: INVALID_ARGUMENT });
    const topic = pubsub.topic('orders');
    expect(await codeOf(topic.createSubscription('bad-deadline', { ackDeadlineSeconds: 5 }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('ack_deadline_seconds'),
    });
    expect(await codeOf(topic.createSubscription('bad-dlq', { deadLetterPolicy: { deadLetterTopic: topicPath('orders'), maxDeliveryAttempts: 2 } }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('max_delivery_attempts'),
    });
    expect(await codeOf(topic.createSubscription('bad-backoff', {
      retryPolicy: { minimumBackoff: { seconds: 60 }, maximumBackoff: { seconds: 10 } },
    }))).toMatchObject({ code: INVALID_ARGUMENT, details: expect.stringContaining('minimum_backoff') });
    expect(await codeOf(topic.createSubscription('bad-push', { pushConfig: { pushEndpoint: 'ftp://example.invalid/x' } }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('push_endpoint'),
    });
  });

  it('validates publish requests: missing topic, empty messages, attributes and the 10 MB limit', async () => {
    expect(await codeOf(pubsub.topic('nowhere').publishMessage({ data: Buffer.from('x') }))).toMatchObject({ code: NOT_FOUND });
    const topic = topicPath('orders');
    expect(await codeOf(raw.publisher.publish({ topic, messages: [] }))).toMatchObject({ code: INVALID_ARGUMENT, details: expect.stringContaining('no messages') });
    expect(await codeOf(raw.publisher.publish({ topic, messages: [{ data: Buffer.alloc(0) }] }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('messages[0]'),
    });
    expect(await codeOf(raw.publisher.publish({ topic, messages: [{ data: Buffer.from('x'), attributes: { googKey: 'v' } }] }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('goog'),
    });
    expect(await codeOf(raw.publisher.publish({ topic, messages: [{ data: Buffer.from('x'), attributes: { big: 'v'.repeat(1025) } }] }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('1024 bytes'),
    });
    const half = Buffer.alloc(6 * 1024 * 1024, 1);
    expect(await codeOf(raw.publisher.publish({ topic, messages: [{ data: half }, { data: half }] }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('10485760'),
    });
    const [ok] = await raw.publisher.publish({ topic, messages: [{ data: half }] });
    expect(ok.messageIds).toHaveLength(1);
  });

  it('rejects bad ack ids and deadlines on the subscriber side', async () => {
    const sub = subscriptionPath('acks-sub');
    await pubsub.topic('orders').createSubscription('acks-sub');
    expect(await codeOf(raw.subscriber.acknowledge({ subscription: sub, ackIds: [] }))).toMatchObject({ code: INVALID_ARGUMENT });
    expect(await codeOf(raw.subscriber.modifyAckDeadline({ subscription: sub, ackIds: ['x'], ackDeadlineSeconds: 601 }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('601'),
    });
    // A made-up ack id is refused, as Pub/Sub refuses it; so is one issued for another subscription.
    expect(await codeOf(raw.subscriber.acknowledge({ subscription: sub, ackIds: ['bogus'] }))).toMatchObject({
      code: INVALID_ARGUMENT, details: expect.stringContaining('invalid ack ID to the service (ack_id=bogus)'),
    });
    await pubsub.topic('orders').createSubscription('acks-other-sub');
    await pubsub.topic('orders').publishMessage({ data: Buffer.from('x') });
    const [pulled] = await raw.subscriber.pull({ subscription: subscriptionPath('acks-other-sub'), maxMessages: 1, returnImmediately: true });
    const foreign = pulled.receivedMessages![0]!.ackId!;
    expect(await codeOf(raw.subscriber.acknowledge({ subscription: sub, ackIds: [foreign] }))).toMatchObject({ code: INVALID_ARGUMENT });
    await raw.subscriber.acknowledge({ subscription: subscriptionPath('acks-other-sub'), ackIds: [foreign] });
    // Acking it again (already acked, without exactly-once delivery) is accepted silently.
    await raw.subscriber.acknowledge({ subscription: subscriptionPath('acks-other-sub'), ackIds: [foreign] });
    expect(await codeOf(raw.subscriber.pull({ subscription: sub, maxMessages: 0 }))).toMatchObject({ code: INVALID_ARGUMENT });
    expect(await codeOf(raw.subscriber.pull({ subscription: subscriptionPath('nope-sub'), maxMessages: 1 }))).toMatchObject({ code: NOT_FOUND });
  });
});
