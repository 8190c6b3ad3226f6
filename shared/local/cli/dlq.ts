/**
 * Reading and replaying what waits on the `<topic>-dlq-sub` subscriptions (in a project nothing
 * consumes them; the local stack's watcher moves them into the state store). Listing peeks:
 * every pulled message is handed straight back (ack deadline 0), so a listing consumes nothing.
 * A replay publishes the message unchanged to its source topic, marked `stackctl-replay-of`,
 * and only then acknowledges it on the dead-letter subscription.
 */
import type { PubSub } from '@google-cloud/pubsub';
import { deadLetterTopic, type FlowName } from '../../events/topics.ts';
import { FUNCTIONS } from '../../flows/definitions.ts';

import { REPLAY_ATTRIBUTE } from '../../runtime/pipeline.ts';

export { REPLAY_ATTRIBUTE };
const MAX_BATCHES = 20;

export function deadLetterSubscription(topic: string): string {
  return `${deadLetterTopic(topic)}-sub`;
}

export interface DlqMessage {
  id: string;
  flow: FlowName;
  topic: string;
  subscription: string;
  publishTime?: string;
  deliveryCount?: string;
  data: string;
  attributes: Record<string, string>;
}

type Received = { ackId?: string | null; message?: { messageId?: string | null; data?: Uint8Array | string | null; attributes?: Record<string, string> | null; publishTime?: { seconds?: unknown; nanos?: number | null } | null } | null };

/** The low-level subscriber (unary Pull) with the same endpoint and credentials as `pubsub`. */
export async function subscriberClient(pubsub: PubSub) {
  const { v1 } = await import('@google-cloud/pubsub');
  return new v1.SubscriberClient(await pubsub.getClientConfig() as ConstructorParameters<typeof v1.SubscriberClient>[0]);
}

function toIso(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined {
  if (!t || t.seconds === undefined || t.seconds === null) return undefined;
  return new Date(Number(String(t.seconds)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

function toMessage(flow: FlowName, topic: string, subscription: string, r: Received): DlqMessage {
  const m = r.message ?? {};
  const data = m.data === undefined || m.data === null ? '' : typeof m.data === 'string' ? m.data : Buffer.from(m.data).toString('base64');
  const attributes = { ...(m.attributes ?? {}) };
  return {
    id: m.messageId ?? '', flow, topic, subscription, publishTime: toIso(m.publishTime),
    deliveryCount: attributes.CloudPubSubDeadLetterSourceDeliveryCount, data, attributes,
  };
}

/**
 * Visits the messages of every dead-letter subscription; `decide` says which to acknowledge
 * (the rest go back at once). Bounded: at most MAX_BATCHES pulls per subscription.
 */
async function visit(pubsub: PubSub, flows: readonly FlowName[], decide: (m: DlqMessage) => Promise<{ ack?: boolean; stop?: boolean }>): Promise<void> {
  const client = await subscriberClient(pubsub);
  const projectId = (await pubsub.getClientConfig()).projectId ?? pubsub.projectId;
  try {
    for (const fn of FUNCTIONS.filter((f) => flows.includes(f.flow))) {
      const subscription = `projects/${projectId}/subscriptions/${deadLetterSubscription(fn.topic)}`;
      const seen = new Set<string>();
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        let response;
        try {
          [response] = await client.pull({ subscription, maxMessages: 100, returnImmediately: true }, { timeout: 15_000 });
        } catch (err) {
          // A flow whose dead-letter subscription does not exist (not deployed) has nothing waiting.
          if ((err as { code?: number }).code === 5) break;
          throw err;
        }
        const received = (response.receivedMessages ?? []) as Received[];
        if (received.length === 0) break;
        const ack: string[] = [];
        const back: string[] = [];
        let stop = false;
        let fresh = 0;
        for (const r of received) {
          const message = toMessage(fn.flow, fn.topic, deadLetterSubscription(fn.topic), r);
          if (seen.has(message.id) || stop) { back.push(r.ackId!); continue; }
          seen.add(message.id);
          fresh++;
          const verdict = await decide(message);
          (verdict.ack ? ack : back).push(r.ackId!);
          if (verdict.stop) stop = true;
        }
        if (ack.length) await client.acknowledge({ subscription, ackIds: ack });
        if (back.length) await client.modifyAckDeadline({ subscription, ackIds: back, ackDeadlineSeconds: 0 });
        if (stop) return;
        if (fresh === 0) break;
      }
    }
  } finally {
    await client.close();
  }
}

export async function peekDeadLetters(pubsub: PubSub, flows: readonly FlowName[], limit: number): Promise<DlqMessage[]> {
  const out: DlqMessage[] = [];
  await visit(pubsub, flows, async (m) => {
    out.push(m);
    return { stop: out.length >= limit };
  });
  return out;
}

/** Replays the message with this id from its dead-letter subscription; undefined when no subscription holds it. */
export async function replayFromSubscription(pubsub: PubSub, messageId: string): Promise<{ message: DlqMessage; replayId: string } | undefined> {
  let found: { message: DlqMessage; replayId: string } | undefined;
  await visit(pubsub, FUNCTIONS.map((f) => f.flow), async (m) => {
    if (m.id !== messageId) return {};
    const attributes = Object.fromEntries(Object.entries(m.attributes).filter(([k]) => !k.startsWith('CloudPubSubDeadLetter')));
    const replayId = await pubsub.topic(m.topic).publishMessage({ data: Buffer.from(m.data, 'base64'), attributes: { ...attributes, [REPLAY_ATTRIBUTE]: `dlq:${m.id}` } });
    found = { message: m, replayId };
    // Acknowledged only now that its copy is published: a failed publish leaves it where it was.
    return { ack: true, stop: true };
  });
  return found;
}
