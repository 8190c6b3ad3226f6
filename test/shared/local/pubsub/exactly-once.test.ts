/**
 * Exactly-once delivery with the real client (https://cloud.google.com/pubsub/docs/exactly-once-delivery):
 * an ack id is valid only while its lease is; acks and modacks of expired or superseded ack ids fail
 * with INVALID_ARGUMENT and EXACTLY_ONCE_ACKID_FAILURE details, which ackWithResponse /
 * modAckWithResponse surface as AckError INVALID. Time is a hand-driven clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AckError, AckResponses, type Message, type PubSub, type v1 } from '@google-cloud/pubsub';
import type { PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { startClocked, type ManualClock, subscriptionPath, topicPath, waitFor } from './helpers.ts';

let env: Awaited<ReturnType<typeof startClocked>>;
let emulator: PubsubEmulator;
let clock: ManualClock;
let pubsub: PubSub;
let raw: { subscriber: v1.SubscriberClient; publisher: v1.PublisherClient };

beforeEach(async () => {
  env = await startClocked();
  ({ emulator, clock, pubsub, raw } = env);
  const [topic] = await pubsub.createTopic('eod-topic');
  await topic.createSubscription('eod-sub', { enableExactlyOnceDelivery: true, ackDeadlineSeconds: 10 });
});

afterEach(() => env.close());

const unacked = () => emulator.stats().find((s) => s.subscription === subscriptionPath('eod-sub'))!.unacked;

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('exactly-once delivery', () => {
  it('confirms a timely ack, and fails the ack of a delivery whose lease expired', async () => {
    const subscription = pubsub.subscription('eod-sub', { batching: { maxMessages: 1, maxMilliseconds: 1 } });
    const got: Message[] = [];
    subscription.on('message', (m: Message) => got.push(m));
    const id = await pubsub.topic('eod-topic').publishMessage({ data: Buffer.from('once') });
    await waitFor(() => got.length === 1, 'the first delivery');
    expect(subscription.isOpen).toBe(true);

    // The client's lease extensions are relative to the emulator clock; jumping past every one of
    // them expires the lease, and the message is delivered again with a new ack id.
    await clock.advance(11 * 60_000);
    await waitFor(() => got.length === 2, 'the redelivery');
    const [stale, current] = got;
    expect(current!.id).toBe(id);
    expect(current!.ackId).not.toBe(stale!.ackId);

    const modErr = await rejection(stale!.modAckWithResponse(30));
    expect(modErr).toBeInstanceOf(AckError);
    expect(modErr.errorCode).toBe(AckResponses.Invalid);
    const err = await rejection(stale!.ackWithResponse());
    expect(err).toBeInstanceOf(AckError);
    expect(err.errorCode).toBe(AckResponses.Invalid);
    expect(unacked()).toBe(1);

    expect(await current!.modAckWithResponse(30)).toBe(AckResponses.Success);
    expect(await current!.ackWithResponse()).toBe(AckResponses.Success);
    expect(unacked()).toBe(0);
    await subscription.close();
  });

  it('answers expired ack ids with INVALID_ARGUMENT and per-ack-id ErrorInfo, applying the valid ones', async () => {
    const sub = subscriptionPath('eod-sub');
    await raw.publisher.publish({ topic: topicPath('eod-topic'), messages: [{ data: Buffer.from('a') }, { data: Buffer.from('b') }] });
    const [first] = await raw.subscriber.pull({ subscription: sub, maxMessages: 1, returnImmediately: true });
    const expired = first.receivedMessages![0]!.ackId!;
    await clock.advance(10_001);
    const [second] = await raw.subscriber.pull({ subscription: sub, maxMessages: 10, returnImmediately: true });
    const fresh = second.receivedMessages!.map((r) => r.ackId!);
    expect(fresh).toHaveLength(2);

    const ackErr = await rejection(raw.subscriber.acknowledge({ subscription: sub, ackIds: [expired, ...fresh] }));
    expect(ackErr.code).toBe(3);
    expect(ackErr.details).toContain('Some acknowledgement ids in the request were invalid');
    expect(ackErr.reason).toBe('EXACTLY_ONCE_ACKID_FAILURE');
    expect(ackErr.domain).toBe('pubsub.googleapis.com');
    expect(ackErr.errorInfoMetadata).toEqual({ [expired]: 'PERMANENT_FAILURE_INVALID_ACK_ID' });
    expect(unacked()).toBe(0);

    // Acked ack ids are no longer valid either: modacking them fails the same way.
    const modErr = await rejection(raw.subscriber.modifyAckDeadline({ subscription: sub, ackIds: [fresh[0]!], ackDeadlineSeconds: 20 }));
    expect(modErr.errorInfoMetadata).toEqual({ [fresh[0]!]: 'PERMANENT_FAILURE_INVALID_ACK_ID' });
    // A malformed ack id is a plain INVALID_ARGUMENT, with or without exactly-once delivery.
    const bogus = await rejection(raw.subscriber.acknowledge({ subscription: sub, ackIds: ['not-an-ack-id'] }));
    expect(bogus.code).toBe(3);
    expect(bogus.reason).toBeUndefined();
  });

  it('reports expired ack ids sent on the stream in its acknowledge confirmation', async () => {
    const sub = subscriptionPath('eod-sub');
    await raw.publisher.publish({ topic: topicPath('eod-topic'), messages: [{ data: Buffer.from('s') }] });
    const [pulled] = await raw.subscriber.pull({ subscription: sub, maxMessages: 1, returnImmediately: true });
    const expired = pulled.receivedMessages![0]!.ackId!;
    await clock.advance(10_001);

    const stream = raw.subscriber.streamingPull();
    const responses: any[] = [];
    stream.on('data', (r: unknown) => responses.push(r));
    stream.on('error', () => {});
    stream.write({ subscription: sub, streamAckDeadlineSeconds: 10 });
    await waitFor(() => responses.some((r) => r.receivedMessages?.length), 'the redelivery on the stream');
    const current = responses.find((r) => r.receivedMessages?.length).receivedMessages[0].ackId as string;
    expect(responses[0].subscriptionProperties.exactlyOnceDeliveryEnabled).toBe(true);
    stream.write({ ackIds: [expired, current] });
    await waitFor(() => responses.some((r) => r.acknowledgeConfirmation), 'the acknowledge confirmation');
    const confirmation = responses.find((r) => r.acknowledgeConfirmation).acknowledgeConfirmation;
    expect(confirmation.ackIds).toEqual([current]);
    expect(confirmation.invalidAckIds).toEqual([expired]);
    stream.end();
    expect(unacked()).toBe(0);
  });
});
