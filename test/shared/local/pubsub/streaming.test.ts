/**
 * Raw StreamingPull through the generated client: acks and deadline changes carried on the
 * stream itself (the Node client normally sends them as unary calls), flow control, and the
 * stream's status when its subscription is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { v1 } from '@google-cloud/pubsub';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { lowLevelClients, subscriptionPath, topicPath, waitFor } from './helpers.ts';

let emulator: PubsubEmulator;
let raw: { subscriber: v1.SubscriberClient; publisher: v1.PublisherClient };

beforeAll(async () => {
  emulator = await startPubsubEmulator({ port: 0 });
  raw = lowLevelClients(emulator.host);
  await raw.publisher.createTopic({ name: topicPath('stream-topic') });
});

afterAll(async () => {
  await raw?.subscriber.close();
  await raw?.publisher.close();
  await emulator?.close();
});

interface Received { ackId: string; message: { messageId: string }; deliveryAttempt: number }

function openStream(subscription: string, extra: Record<string, unknown> = {}) {
  const stream = raw.subscriber.streamingPull();
  const received: Received[] = [];
  const errors: Array<{ code: number; details: string }> = [];
  stream.on('data', (res: { receivedMessages: Received[] }) => received.push(...res.receivedMessages));
  stream.on('error', (err: { code: number; details: string }) => errors.push(err));
  stream.write({ subscription, streamAckDeadlineSeconds: 10, ...extra });
  return { stream, received, errors };
}

const stats = (sub: string) => emulator.stats().find((s) => s.subscription === subscriptionPath(sub))!;

async function publish(n: number): Promise<string[]> {
  const [res] = await raw.publisher.publish({ topic: topicPath('stream-topic'), messages: Array.from({ length: n }, (_, i) => ({ data: Buffer.from(`s${i}`) })) });
  return res.messageIds!;
}

describe('StreamingPull', () => {
  it('accepts acks and nacks sent on the stream and respects max_outstanding_messages', async () => {
    await raw.subscriber.createSubscription({ name: subscriptionPath('stream-sub'), topic: topicPath('stream-topic') });
    const ids = await publish(5);
    const { stream, received } = openStream(subscriptionPath('stream-sub'), { maxOutstandingMessages: 2 });
    await waitFor(() => received.length === 2, 'two messages');
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toHaveLength(2);

    stream.write({ ackIds: [received[0]!.ackId], modifyDeadlineAckIds: [received[1]!.ackId], modifyDeadlineSeconds: [0] });
    await waitFor(() => received.length === 4, 'two more after freeing capacity');
    expect(received.slice(2).map((r) => r.message.messageId)).toContain(received[1]!.message.messageId);

    // Drain: ack on the stream whatever arrives until the subscription is empty.
    const acked = new Set([received[0]!.ackId]);
    await waitFor(() => {
      const fresh = received.filter((r, i) => i !== 1 && !acked.has(r.ackId)).map((r) => r.ackId);
      if (fresh.length) stream.write({ ackIds: fresh });
      fresh.forEach((a) => acked.add(a));
      return stats('stream-sub').unacked === 0;
    }, 'every message acked over the stream');
    expect(new Set(received.map((r) => r.message.messageId))).toEqual(new Set(ids));
    stream.end();
  });

  it('rejects a bad stream ack deadline and ends the stream with NOT_FOUND when the subscription is deleted', async () => {
    await raw.subscriber.createSubscription({ name: subscriptionPath('doomed-sub'), topic: topicPath('stream-topic') });
    const bad = openStream(subscriptionPath('doomed-sub'), { streamAckDeadlineSeconds: 5 });
    await waitFor(() => bad.errors.length === 1, 'the INVALID_ARGUMENT status');
    expect(bad.errors[0]).toMatchObject({ code: 3, details: expect.stringContaining('stream_ack_deadline_seconds') });

    const good = openStream(subscriptionPath('doomed-sub'));
    await waitFor(() => stats('doomed-sub').consumers === 1, 'the stream to attach');
    await raw.subscriber.deleteSubscription({ subscription: subscriptionPath('doomed-sub') });
    await waitFor(() => good.errors.length === 1, 'the NOT_FOUND status');
    expect(good.errors[0]!.code).toBe(5);
  });
});
