import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDelivery, MESSAGE_PUBLISHED } from '../../../shared/events/envelope.ts';
import { ValidationError } from '../../../shared/runtime/errors.ts';

const payload = { hello: 'world' };
const data = Buffer.from(JSON.stringify(payload)).toString('base64');
const pushBody = {
  message: { data, attributes: { a: '1' }, messageId: '42', message_id: '42', publishTime: '2026-11-26T08:00:00Z', publish_time: '2026-11-26T08:00:00Z' },
  subscription: 'projects/p/subscriptions/s',
  deliveryAttempt: 3,
};

describe('decodeDelivery', () => {
  it('decodes an Eventarc binary-mode CloudEvent (ce-* headers)', () => {
    const message = decodeDelivery({
      'ce-specversion': '1.0', 'ce-type': MESSAGE_PUBLISHED, 'ce-id': '42',
      'ce-source': '//pubsub.googleapis.com/projects/p/topics/cp-provisioning-requests', 'content-type': 'application/json',
    }, Buffer.from(JSON.stringify(pushBody)));
    expect(message.mode).toBe('binary');
    expect(JSON.parse(message.data.toString())).toEqual(payload);
    expect(message.attributes).toEqual({ a: '1' });
    expect(message.topic).toBe('cp-provisioning-requests');
    expect(message.deliveryAttempt).toBe(3);
    expect(message.publishTime.toISOString()).toBe('2026-11-26T08:00:00.000Z');
  });

  it('decodes a structured-mode CloudEvent', () => {
    const text = readFileSync(new URL('../../fixtures/events/eventarc-structured.json', import.meta.url), 'utf8').replace('__DATA__', data);
    const message = decodeDelivery({ 'content-type': 'application/cloudevents+json; charset=utf-8' }, text);
    expect(message.mode).toBe('structured');
    expect(message.messageId).toBe('11111111111111');
    expect(JSON.parse(message.data.toString())).toEqual(payload);
    expect(message.topic).toBe('cp-provisioning-requests');
  });

  it('decodes a raw Pub/Sub push body, already parsed or not', () => {
    expect(decodeDelivery({ 'content-type': 'application/json' }, pushBody).mode).toBe('push');
    expect(decodeDelivery({}, JSON.stringify(pushBody)).messageId).toBe('42');
  });

  it('accepts the snake_case fields alone', () => {
    const message = decodeDelivery({}, { message: { data, message_id: '7', publish_time: '2026-01-01T00:00:00Z' } });
    expect(message.messageId).toBe('7');
    expect(message.publishTime.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses other CloudEvent types, naming the header', () => {
    expect(() => decodeDelivery({ 'ce-type': 'google.cloud.storage.object.v1.finalized' }, pushBody))
      .toThrow(/ce-type: expected google.cloud.pubsub.topic.v1.messagePublished/);
  });

  it('gives the JSON path of a malformed push body', () => {
    try {
      decodeDelivery({}, { message: { data: 'not base64!!', messageId: '1' } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues[0]!.path).toBe('$.message.data');
    }
    expect(() => decodeDelivery({}, { message: { data } })).toThrow(/\$\.message\.messageId: messageId is required/);
    expect(() => decodeDelivery({}, '{not json')).toThrow(/\$: request body is not valid JSON/);
  });
});
