/**
 * Turns whatever HTTP delivery a function receives into one Pub/Sub message:
 *
 * - Eventarc binary mode: `ce-*` headers, body = Pub/Sub push JSON `{message, subscription}`.
 * - Eventarc structured mode: `content-type: application/cloudevents+json`, body = the CloudEvent
 *   with the push JSON in `data`.
 * - A raw Pub/Sub push body `{message, subscription, deliveryAttempt?}` (push subscriptions
 *   without Eventarc).
 *
 * Only `google.cloud.pubsub.topic.v1.messagePublished` events are accepted.
 */
import { z } from 'zod';
import { ValidationError } from '../runtime/errors.ts';
import { formatIssues } from './issues.ts';

export const MESSAGE_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';

export interface PubsubMessage {
  data: Buffer;
  attributes: Record<string, string>;
  messageId: string;
  publishTime: Date;
  orderingKey?: string;
  /** Present when the subscription has a dead-letter policy. */
  deliveryAttempt?: number;
  subscription?: string;
  /** Topic, from the CloudEvent source when there is one. */
  topic?: string;
  /** How the message arrived, for the audit trail. */
  mode: 'binary' | 'structured' | 'push';
}

export type HttpHeaders = Record<string, string | string[] | undefined>;

const base64 = z.string().refine((s) => /^[A-Za-z0-9+/_-]*={0,2}$/.test(s), 'must be base64');

const pushMessageSchema = z.looseObject({
  data: base64.optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  messageId: z.string().optional(),
  message_id: z.string().optional(),
  publishTime: z.string().optional(),
  publish_time: z.string().optional(),
  orderingKey: z.string().optional(),
}).refine((m) => m.messageId ?? m.message_id, { message: 'messageId is required', path: ['messageId'] });

const pushBodySchema = z.looseObject({
  message: pushMessageSchema,
  subscription: z.string().optional(),
  deliveryAttempt: z.number().int().positive().optional(),
});

const structuredSchema = z.looseObject({
  specversion: z.literal('1.0'),
  type: z.string(),
  source: z.string(),
  id: z.string(),
  time: z.string().optional(),
  data: pushBodySchema,
});

function header(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function parseJsonBody(body: unknown): unknown {
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new ValidationError([{ path: '$', message: `request body is not valid JSON (${(err as Error).message})` }], 'delivery');
  }
}

function topicFromSource(source: string | undefined): string | undefined {
  return source?.match(/\/topics\/([^/]+)$/)?.[1];
}

function toMessage(push: z.infer<typeof pushBodySchema>, mode: PubsubMessage['mode'], source?: string, time?: string): PubsubMessage {
  const m = push.message;
  const publishTime = new Date(m.publishTime ?? m.publish_time ?? time ?? Date.now());
  return {
    data: Buffer.from(m.data ?? '', 'base64'),
    attributes: m.attributes ?? {},
    messageId: (m.messageId ?? m.message_id)!,
    publishTime: Number.isNaN(publishTime.getTime()) ? new Date() : publishTime,
    orderingKey: m.orderingKey || undefined,
    deliveryAttempt: push.deliveryAttempt,
    subscription: push.subscription,
    topic: topicFromSource(source),
    mode,
  };
}

/** Decodes an HTTP delivery; throws ValidationError (permanent) naming the path at fault. */
export function decodeDelivery(headers: HttpHeaders, body: unknown): PubsubMessage {
  const json = parseJsonBody(body);
  const contentType = header(headers, 'content-type') ?? '';
  const ceType = header(headers, 'ce-type');

  if (ceType !== undefined) {
    if (ceType !== MESSAGE_PUBLISHED) {
      throw new ValidationError([{ path: 'header ce-type', message: `expected ${MESSAGE_PUBLISHED}, got ${ceType}` }], 'CloudEvent');
    }
    const parsed = pushBodySchema.safeParse(json);
    if (!parsed.success) throw new ValidationError(formatIssues(parsed.error.issues), 'CloudEvent data');
    return toMessage(parsed.data, 'binary', header(headers, 'ce-source'), header(headers, 'ce-time'));
  }

  if (contentType.startsWith('application/cloudevents+json') || (json && typeof json === 'object' && 'specversion' in json)) {
    const parsed = structuredSchema.safeParse(json);
    if (!parsed.success) throw new ValidationError(formatIssues(parsed.error.issues), 'structured CloudEvent');
    if (parsed.data.type !== MESSAGE_PUBLISHED) {
      throw new ValidationError([{ path: '$.type', message: `expected ${MESSAGE_PUBLISHED}, got ${parsed.data.type}` }], 'CloudEvent');
    }
    return toMessage(parsed.data.data, 'structured', parsed.data.source, parsed.data.time);
  }

  const parsed = pushBodySchema.safeParse(json);
  if (!parsed.success) throw new ValidationError(formatIssues(parsed.error.issues), 'Pub/Sub push body');
  return toMessage(parsed.data, 'push');
}

/** Base64 of the data and the attributes: what a dead letter keeps so the message can be replayed. */
export function rawOf(message: Pick<PubsubMessage, 'data' | 'attributes' | 'messageId' | 'publishTime'>) {
  return {
    data: message.data.toString('base64'),
    attributes: message.attributes,
    messageId: message.messageId,
    publishTime: message.publishTime.toISOString(),
  };
}
