/**
 * Push subscriptions deliver binary-mode CloudEvents to a loopback HTTP server: 2xx acks,
 * anything else nacks and follows the retry and dead-letter policies.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, PubSub } from '@google-cloud/pubsub';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { pubsubClient, subscriptionPath, waitFor } from './helpers.ts';

interface Received { path: string; headers: IncomingHttpHeaders; body: any }

let emulator: PubsubEmulator;
let pubsub: PubSub;
let server: Server;
let baseUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(req.url === '/fail' ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator = await startPubsubEmulator({ port: 0 });
  pubsub = pubsubClient(emulator.host);
});

afterAll(async () => {
  await pubsub?.close();
  await emulator?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const statsOf = (sub: string) => emulator.stats().find((s) => s.subscription === subscriptionPath(sub));

describe('push delivery', () => {
  it('POSTs a binary CloudEvent with the Pub/Sub push body and acks on 2xx', async () => {
    const [topic] = await pubsub.createTopic('push-topic');
    await topic.createSubscription('push-ok', { pushConfig: { pushEndpoint: `${baseUrl}/ok` } });
    const id = await topic.publishMessage({ data: Buffer.from('{"hello":"world"}'), attributes: { origin: 'test' } });

    await waitFor(() => received.some((r) => r.path === '/ok'), 'the push request');
    const req = received.find((r) => r.path === '/ok')!;
    expect(req.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/emu-test/topics/push-topic`,
      'ce-id': id,
      'content-type': 'application/json',
    });
    expect(req.headers['ce-time']).toBe(req.body.message.publishTime);
    expect(req.body).toEqual({
      message: {
        data: Buffer.from('{"hello":"world"}').toString('base64'),
        attributes: { origin: 'test' },
        messageId: id,
        message_id: id,
        publishTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        publish_time: req.body.message.publishTime,
      },
      subscription: subscriptionPath('push-ok'),
    });
    await waitFor(() => statsOf('push-ok')?.unacked === 0, 'the push ack');
  });

  it('retries a failing endpoint with backoff, then dead-letters it', async () => {
    const [topic] = await pubsub.createTopic('push-fail-topic');
    const [dlq] = await pubsub.createTopic('push-fail-topic-dlq');
    const [dlqSub] = await dlq.createSubscription('push-fail-dlq-sub');
    await topic.createSubscription('push-fail', {
      pushConfig: { pushEndpoint: `${baseUrl}/fail` },
      deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoff: { seconds: 0, nanos: 20e6 }, maximumBackoff: { seconds: 0, nanos: 100e6 } },
    });
    const id = await topic.publishMessage({ data: Buffer.from('always fails'), orderingKey: '' });

    const dead: Message[] = [];
    dlqSub.on('message', (m: Message) => { dead.push(m); m.ack(); });
    await waitFor(() => dead.length === 1, 'the dead-lettered push message');
    await dlqSub.close();

    const attempts = received.filter((r) => r.path === '/fail' && r.body.message.messageId === id);
    expect(attempts.map((r) => r.body.deliveryAttempt)).toEqual([1, 2, 3, 4, 5]);
    expect(dead[0]!.attributes).toMatchObject({
      CloudPubSubDeadLetterSourceDeliveryCount: '5',
      CloudPubSubDeadLetterSourceSubscription: 'push-fail',
      CloudPubSubDeadLetterSourceSubscriptionProject: 'emu-test',
    });
    expect(statsOf('push-fail')?.unacked).toBe(0);
  });

  it('stops pushing when the push config is removed, leaving messages for pull', async () => {
    const [topic] = await pubsub.createTopic('push-toggle');
    const [sub] = await topic.createSubscription('push-toggle-sub', { pushConfig: { pushEndpoint: `${baseUrl}/ok` } });
    await sub.modifyPushConfig({});
    const before = received.length;
    await topic.publishMessage({ data: Buffer.from('pull me') });
    const got: Message[] = [];
    sub.on('message', (m: Message) => { got.push(m); m.ack(); });
    await waitFor(() => got.length === 1, 'the pulled message');
    await sub.close();
    expect(received.length).toBe(before);
  });

  it('holds push delivery while paused and delivers once resumed', async () => {
    const paused = await startPubsubEmulator({ port: 0, pausePush: true });
    const client = pubsubClient(paused.host);
    try {
      const [topic] = await client.createTopic('paused-topic');
      await topic.createSubscription('paused-sub', { pushConfig: { pushEndpoint: `${baseUrl}/paused` } });
      const id = await topic.publishMessage({ data: Buffer.from('{}') });
      expect(paused.stats()[0]).toMatchObject({ unacked: 1, leased: 0, consumers: 0 });
      expect(received.some((r) => r.path === '/paused')).toBe(false);
      paused.resumePush();
      await waitFor(() => paused.stats()[0]!.unacked === 0, 'the resumed push');
      expect(received.filter((r) => r.path === '/paused').map((r) => r.body.message.messageId)).toEqual([id]);
    } finally {
      await client.close();
      await paused.close();
    }
  });
});
