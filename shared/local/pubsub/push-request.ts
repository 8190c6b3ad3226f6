/**
 * What a push subscription POSTs. Wrapped (default): an Eventarc-style binary-mode CloudEvent
 * (`ce-*` headers, type google.cloud.pubsub.topic.v1.messagePublished) whose body is the Pub/Sub
 * push JSON, with the snake_case aliases `message_id`/`publish_time` the real service also sends.
 * `no_wrapper`: the raw payload, plus `x-goog-pubsub-*` metadata headers when write_metadata is set.
 */
import type { Pending } from './subscription-state.ts';
import type { PushConfig } from './types.ts';

export interface PushRequest {
  headers: Record<string, string>;
  body: Buffer;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function buildPushRequest(p: Pending, subscription: string, topic: string, config: PushConfig, deliveryAttempt: number | undefined): PushRequest {
  const m = p.message;
  const publishTime = new Date(m.publishTimeMs).toISOString();
  if (config.noWrapper) {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (config.noWrapper.writeMetadata) {
      for (const [k, v] of Object.entries(m.attributes)) if (HEADER_NAME.test(k)) headers[k.toLowerCase()] = v;
      headers['x-goog-pubsub-subscription-name'] = subscription;
      headers['x-goog-pubsub-message-id'] = m.messageId;
      headers['x-goog-pubsub-publish-time'] = publishTime;
      if (m.orderingKey) headers['x-goog-pubsub-ordering-key'] = m.orderingKey;
      if (deliveryAttempt !== undefined) headers['x-goog-pubsub-delivery-attempt'] = String(deliveryAttempt);
    }
    return { headers, body: m.data };
  }
  const message: Record<string, unknown> = {
    data: m.data.toString('base64'),
    attributes: m.attributes,
    messageId: m.messageId,
    message_id: m.messageId,
    publishTime,
    publish_time: publishTime,
  };
  if (m.orderingKey) message.orderingKey = m.orderingKey;
  const body: Record<string, unknown> = { message, subscription };
  if (deliveryAttempt !== undefined) body.deliveryAttempt = deliveryAttempt;
  return {
    headers: {
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/${topic}`,
      'ce-id': m.messageId,
      'ce-time': publishTime,
      'content-type': 'application/json',
    },
    body: Buffer.from(JSON.stringify(body)),
  };
}
