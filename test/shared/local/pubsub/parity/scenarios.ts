/**
 * The parity scenarios: each states one documented Pub/Sub behaviour (with its source) and checks
 * it with the real @google-cloud/pubsub client. The same scenarios run against our emulator and
 * Google's; `departs` records, per emulator, where and why it departs from the documented
 * behaviour. docs/PUBSUB-EMULATOR.md carries the same table and parity.test.ts keeps both honest.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Message } from '@google-cloud/pubsub';
import { codeOf, failure, pullNothing, pullUntil, sleep, stream, type ParityContext } from './harness.ts';

export type EmulatorName = 'ours' | 'google';

export interface Scenario {
  id: string;
  /** The documented behaviour, in one sentence. */
  behaviour: string;
  source: string;
  /** Emulators that depart from the documented behaviour, and how. */
  departs?: Partial<Record<EmulatorName, string>>;
  run(ctx: ParityContext): Promise<void>;
}

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

const DOCS = 'https://cloud.google.com/pubsub/docs';
const REF = 'https://cloud.google.com/pubsub/docs/reference/rpc/google.pubsub.v1';

async function topicAndSub(ctx: ParityContext, id: string, sub: Record<string, unknown> = {}): Promise<void> {
  await ctx.publisher.createTopic({ name: ctx.topic(id) });
  await ctx.subscriber.createSubscription({ name: ctx.sub(id), topic: ctx.topic(id), ...sub });
}

async function publish(ctx: ParityContext, id: string, messages: Array<{ data?: string; attributes?: Record<string, string>; orderingKey?: string }>): Promise<string[]> {
  const [res] = await ctx.publisher.publish({
    topic: ctx.topic(id),
    messages: messages.map((m) => ({ data: m.data === undefined ? undefined : Buffer.from(m.data), attributes: m.attributes, orderingKey: m.orderingKey })),
  });
  return res.messageIds!;
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'publish-receive-ack',
    behaviour: 'A published message reaches a streaming subscriber with its data, attributes, id and publish time; once acked it is not delivered again.',
    source: `${DOCS}/subscriber`,
    async run(ctx) {
      await topicAndSub(ctx, 'basic');
      const ids = await publish(ctx, 'basic', [{ data: 'a', attributes: { k: 'v' } }, { data: 'b' }]);
      const got = await stream(ctx, 'basic', (m) => m.ack(), (all) => all.length >= 2);
      assert.deepEqual(got.map((m) => m.id).sort(), [...ids].sort());
      assert.deepEqual(got.find((m) => m.data.toString() === 'a')!.attributes, { k: 'v' });
      assert.ok(got.every((m) => m.publishTime.getTime() > 0), 'publish time set');
      assert.deepEqual(await pullNothing(ctx, 'basic'), []);
    },
  },
  {
    id: 'nack-redelivers',
    behaviour: 'A nacked message is delivered again.',
    source: `${DOCS}/subscriber#nack`,
    async run(ctx) {
      await topicAndSub(ctx, 'nack');
      const [id] = await publish(ctx, 'nack', [{ data: 'again' }]);
      const got = await stream(ctx, 'nack', (m, all) => (all.length === 1 ? m.nack() : m.ack()), (all) => all.length >= 2);
      assert.deepEqual(got.map((m) => m.id), [id, id]);
    },
  },
  {
    id: 'admin-status-codes',
    behaviour: 'Missing resources answer NOT_FOUND, duplicates ALREADY_EXISTS.',
    source: `${DOCS}/reference/error-codes`,
    async run(ctx) {
      await ctx.publisher.createTopic({ name: ctx.topic('codes') });
      assert.equal(await codeOf(ctx.publisher.createTopic({ name: ctx.topic('codes') })), ALREADY_EXISTS);
      assert.equal(await codeOf(ctx.publisher.getTopic({ topic: ctx.topic('codes-missing') })), NOT_FOUND);
      assert.equal(await codeOf(ctx.publisher.deleteTopic({ topic: ctx.topic('codes-missing') })), NOT_FOUND);
      assert.equal(await codeOf(ctx.subscriber.createSubscription({ name: ctx.sub('codes'), topic: ctx.topic('codes-missing') })), NOT_FOUND);
      assert.equal(await codeOf(ctx.subscriber.getSubscription({ subscription: ctx.sub('codes-missing') })), NOT_FOUND);
    },
  },
  {
    id: 'resource-name-rules',
    behaviour: 'Ids start with a letter, are 3–255 characters and must not start with "goog": INVALID_ARGUMENT otherwise.',
    source: `${DOCS}/pubsub-basics#resource_names`,
    async run(ctx) {
      assert.equal(await codeOf(ctx.publisher.createTopic({ name: ctx.topic('goog-topic') })), INVALID_ARGUMENT);
      assert.equal(await codeOf(ctx.publisher.createTopic({ name: ctx.topic('ab') })), INVALID_ARGUMENT);
    },
  },
  {
    id: 'ack-deadline-limits',
    behaviour: 'ack_deadline_seconds must be between 10 and 600.',
    source: `${REF}#google.pubsub.v1.Subscription.FIELDS.int32.google.pubsub.v1.Subscription.ack_deadline_seconds`,
    async run(ctx) {
      await ctx.publisher.createTopic({ name: ctx.topic('deadline') });
      assert.equal(await codeOf(ctx.subscriber.createSubscription({ name: ctx.sub('deadline'), topic: ctx.topic('deadline'), ackDeadlineSeconds: 601 })), INVALID_ARGUMENT);
    },
  },
  {
    id: 'retention-limits',
    behaviour: 'A subscription\'s message_retention_duration is between 10 minutes and 7 days.',
    source: `${REF}#google.pubsub.v1.Subscription.FIELDS.google.protobuf.Duration.google.pubsub.v1.Subscription.message_retention_duration`,
    async run(ctx) {
      await ctx.publisher.createTopic({ name: ctx.topic('retention') });
      assert.equal(await codeOf(ctx.subscriber.createSubscription({
        name: ctx.sub('retention'), topic: ctx.topic('retention'), messageRetentionDuration: { seconds: 60 },
      })), INVALID_ARGUMENT);
    },
  },
  {
    id: 'attribute-limits',
    behaviour: 'Attribute keys are at most 256 bytes: a longer key is refused with INVALID_ARGUMENT.',
    source: `${DOCS}/quotas#resource_limits`,
    departs: { google: 'accepts a 300-byte attribute key' },
    async run(ctx) {
      await ctx.publisher.createTopic({ name: ctx.topic('limits') });
      assert.equal(await codeOf(publish(ctx, 'limits', [{ data: 'x', attributes: { ['k'.repeat(300)]: 'v' } }])), INVALID_ARGUMENT);
    },
  },
  {
    id: 'empty-message',
    behaviour: 'A message must have data or at least one attribute: an empty one is refused with INVALID_ARGUMENT.',
    source: `${REF}#google.pubsub.v1.PubsubMessage`,
    async run(ctx) {
      await ctx.publisher.createTopic({ name: ctx.topic('empty') });
      assert.equal(await codeOf(publish(ctx, 'empty', [{}])), INVALID_ARGUMENT);
    },
  },
  {
    id: 'subscription-filter',
    behaviour: 'A subscription with a filter receives only the messages whose attributes match it.',
    source: `${DOCS}/subscription-message-filter`,
    departs: { google: 'ignores the filter: the non-matching message is delivered too' },
    async run(ctx) {
      await topicAndSub(ctx, 'filter', { filter: 'attributes.kind = "keep"' });
      await publish(ctx, 'filter', [{ data: 'keep', attributes: { kind: 'keep' } }, { data: 'drop', attributes: { kind: 'drop' } }]);
      const got = await pullUntil(ctx, 'filter', 2, 500);
      assert.deepEqual(got.map((m) => m.data), ['keep']);
    },
  },
  {
    id: 'dead-letter',
    behaviour: 'After max_delivery_attempts failed deliveries the message goes to the dead-letter topic with CloudPubSubDeadLetterSource* attributes; delivery_attempt counts up.',
    source: `${DOCS}/handling-failures`,
    departs: { google: 'forwards to the dead-letter topic only when the source subscription is pulled again after the last failed delivery (not within 5 s otherwise)' },
    async run(ctx) {
      await ctx.publisher.createTopic({ name: ctx.topic('dlq') });
      await ctx.subscriber.createSubscription({ name: ctx.sub('dlq'), topic: ctx.topic('dlq') });
      await topicAndSub(ctx, 'work', { deadLetterPolicy: { deadLetterTopic: ctx.topic('dlq'), maxDeliveryAttempts: 5 } });
      await publish(ctx, 'work', [{ data: 'poison' }]);
      const attempts: number[] = [];
      for (let i = 0; i < 5; i++) {
        const [m] = await pullUntil(ctx, 'work', 1);
        assert.ok(m, `delivery ${i + 1}`);
        attempts.push(m.deliveryAttempt);
        await ctx.subscriber.modifyAckDeadline({ subscription: ctx.sub('work'), ackIds: [m.ackId], ackDeadlineSeconds: 0 });
      }
      assert.deepEqual(attempts, [1, 2, 3, 4, 5]);
      const [dead] = await pullUntil(ctx, 'dlq', 1, 5_000);
      assert.equal(dead?.data, 'poison');
      assert.equal(dead?.attributes.CloudPubSubDeadLetterSourceDeliveryCount, '5');
      assert.equal(dead?.attributes.CloudPubSubDeadLetterSourceSubscription, 'work');
    },
  },
  {
    id: 'ordering-in-order',
    behaviour: 'With message ordering, messages of one ordering key arrive in publish order.',
    source: `${DOCS}/ordering`,
    async run(ctx) {
      await topicAndSub(ctx, 'ordered', { enableMessageOrdering: true });
      const ids = await publish(ctx, 'ordered', Array.from({ length: 10 }, (_, i) => ({ data: `m${i}`, orderingKey: 'k' })));
      const got = await stream(ctx, 'ordered', (m) => m.ack(), (all) => all.length >= 10);
      assert.deepEqual(got.map((m) => m.id), ids);
    },
  },
  {
    id: 'ordering-redelivery',
    behaviour: 'When a message of an ordering key is redelivered, every later message of the key is redelivered too, in order, acknowledged ones included.',
    source: `${DOCS}/ordering#receiving_messages_in_order`,
    departs: { google: 'nothing comes back within 3 s of the nack; measured outside the suite, after about 10 s it redelivers the later, acked messages before the nacked one (out of order)' },
    async run(ctx) {
      await topicAndSub(ctx, 'reorder', { enableMessageOrdering: true });
      const ids = await publish(ctx, 'reorder', [0, 1, 2].map((i) => ({ data: `m${i}`, orderingKey: 'k' })));
      const first = await pullUntil(ctx, 'reorder', 3, 500);
      assert.equal(first[0]?.id, ids[0]);
      // Ack everything delivered after the first, then nack the first.
      if (first.length > 1) await ctx.subscriber.acknowledge({ subscription: ctx.sub('reorder'), ackIds: first.slice(1).map((m) => m.ackId) });
      await ctx.subscriber.modifyAckDeadline({ subscription: ctx.sub('reorder'), ackIds: [first[0]!.ackId], ackDeadlineSeconds: 0 });
      const again = await pullUntil(ctx, 'reorder', first.length, 3_000);
      assert.deepEqual(again.map((m) => m.id), first.map((m) => m.id));
    },
  },
  {
    id: 'ordering-batches',
    behaviour: 'Production may deliver later messages of a key before earlier ones are acked (in order), so consumers must cope with several outstanding.',
    source: `${DOCS}/ordering#receiving_messages_in_order`,
    async run(ctx) {
      await topicAndSub(ctx, 'batched', { enableMessageOrdering: true });
      const ids = await publish(ctx, 'batched', [0, 1, 2].map((i) => ({ data: `m${i}`, orderingKey: 'k' })));
      const got = await pullUntil(ctx, 'batched', 3, 500);
      assert.deepEqual(got.map((m) => m.id), ids);
    },
  },
  {
    id: 'exactly-once-ack-response',
    behaviour: 'On an exactly-once subscription ackWithResponse reports SUCCESS for a timely ack, and the message is not redelivered.',
    source: `${DOCS}/exactly-once-delivery`,
    async run(ctx) {
      await topicAndSub(ctx, 'eod', { enableExactlyOnceDelivery: true });
      await publish(ctx, 'eod', [{ data: 'once' }]);
      const responses: Array<Promise<string>> = [];
      await stream(ctx, 'eod', (m: Message) => responses.push(m.ackWithResponse()), (all) => all.length >= 1);
      assert.deepEqual(await Promise.all(responses), ['SUCCESS']);
      assert.deepEqual(await pullNothing(ctx, 'eod'), []);
    },
  },
  {
    id: 'exactly-once-stale-ack-id',
    behaviour: 'On an exactly-once subscription only the latest ack id works: acking a superseded one fails with INVALID_ARGUMENT and EXACTLY_ONCE_ACKID_FAILURE / PERMANENT_FAILURE_INVALID_ACK_ID details.',
    source: `${DOCS}/exactly-once-delivery`,
    async run(ctx) {
      await topicAndSub(ctx, 'eod-stale', { enableExactlyOnceDelivery: true });
      await publish(ctx, 'eod-stale', [{ data: 'x' }]);
      const [first] = await pullUntil(ctx, 'eod-stale', 1);
      await ctx.subscriber.modifyAckDeadline({ subscription: ctx.sub('eod-stale'), ackIds: [first!.ackId], ackDeadlineSeconds: 0 });
      const [second] = await pullUntil(ctx, 'eod-stale', 1);
      assert.ok(second, 'redelivered');
      const err = await failure(ctx.subscriber.acknowledge({ subscription: ctx.sub('eod-stale'), ackIds: [first!.ackId] }));
      assert.equal(err?.code, INVALID_ARGUMENT);
      assert.equal(err?.reason, 'EXACTLY_ONCE_ACKID_FAILURE');
      assert.deepEqual(err?.errorInfoMetadata, { [first!.ackId]: 'PERMANENT_FAILURE_INVALID_ACK_ID' });
      await ctx.subscriber.acknowledge({ subscription: ctx.sub('eod-stale'), ackIds: [second!.ackId] });
    },
  },
  {
    id: 'stale-ack-id-ignored',
    behaviour: 'Without exactly-once delivery an expired or superseded ack id is accepted (OK) and has no effect.',
    source: `${DOCS}/exactly-once-delivery`,
    async run(ctx) {
      await topicAndSub(ctx, 'stale');
      await publish(ctx, 'stale', [{ data: 'x' }]);
      const [first] = await pullUntil(ctx, 'stale', 1);
      await ctx.subscriber.modifyAckDeadline({ subscription: ctx.sub('stale'), ackIds: [first!.ackId], ackDeadlineSeconds: 0 });
      const [second] = await pullUntil(ctx, 'stale', 1);
      assert.ok(second, 'redelivered');
      await ctx.subscriber.acknowledge({ subscription: ctx.sub('stale'), ackIds: [first!.ackId] });
      await ctx.subscriber.acknowledge({ subscription: ctx.sub('stale'), ackIds: [second!.ackId] });
      assert.deepEqual(await pullNothing(ctx, 'stale'), []);
    },
  },
  {
    id: 'bogus-ack-id',
    behaviour: 'A malformed ack id is refused with INVALID_ARGUMENT.',
    source: `${REF}#google.pubsub.v1.Subscriber.Acknowledge`,
    async run(ctx) {
      await topicAndSub(ctx, 'bogus');
      assert.equal(await codeOf(ctx.subscriber.acknowledge({ subscription: ctx.sub('bogus'), ackIds: ['not-an-ack-id'] })), INVALID_ARGUMENT);
    },
  },
  {
    id: 'snapshot-admin',
    behaviour: 'Snapshots are created from a subscription (ALREADY_EXISTS, NOT_FOUND as documented), listed, expire within 7 days, and deleted.',
    source: `${REF}#google.pubsub.v1.Subscriber.CreateSnapshot`,
    async run(ctx) {
      await topicAndSub(ctx, 'snap');
      const [snap] = await ctx.subscriber.createSnapshot({ name: ctx.snapshot('snap'), subscription: ctx.sub('snap') });
      assert.equal(snap.topic, ctx.topic('snap'));
      const expires = Number(snap.expireTime?.seconds ?? 0) * 1000;
      assert.ok(expires > Date.now() && expires <= Date.now() + 7 * 24 * 3600 * 1000 + 60_000, 'expires within 7 days');
      assert.equal(await codeOf(ctx.subscriber.createSnapshot({ name: ctx.snapshot('snap'), subscription: ctx.sub('snap') })), ALREADY_EXISTS);
      assert.equal(await codeOf(ctx.subscriber.createSnapshot({ name: ctx.snapshot('snap-x'), subscription: ctx.sub('snap-missing') })), NOT_FOUND);
      const [listed] = await ctx.subscriber.listSnapshots({ project: `projects/${ctx.topic('x').split('/')[1]}` });
      assert.ok(listed.some((s) => s.name === ctx.snapshot('snap')), 'listed');
      const [forTopic] = await ctx.publisher.listTopicSnapshots({ topic: ctx.topic('snap') });
      assert.deepEqual(forTopic, [ctx.snapshot('snap')]);
      await ctx.subscriber.deleteSnapshot({ snapshot: ctx.snapshot('snap') });
      assert.equal(await codeOf(ctx.subscriber.getSnapshot({ snapshot: ctx.snapshot('snap') })), NOT_FOUND);
    },
  },
  {
    id: 'seek-to-snapshot',
    behaviour: 'Seeking to a snapshot makes its backlog and every message published after it unacked again; messages acked before it stay acked.',
    source: `${DOCS}/replay-overview`,
    async run(ctx) {
      await topicAndSub(ctx, 'seek-snap');
      await publish(ctx, 'seek-snap', [{ data: 'before' }]);
      const before = await pullUntil(ctx, 'seek-snap', 1);
      await ctx.subscriber.acknowledge({ subscription: ctx.sub('seek-snap'), ackIds: before.map((m) => m.ackId) });
      await publish(ctx, 'seek-snap', [{ data: 'backlog' }]);
      await ctx.subscriber.createSnapshot({ name: ctx.snapshot('seek-snap'), subscription: ctx.sub('seek-snap') });
      await publish(ctx, 'seek-snap', [{ data: 'after' }]);
      const all = await pullUntil(ctx, 'seek-snap', 2);
      await ctx.subscriber.acknowledge({ subscription: ctx.sub('seek-snap'), ackIds: all.map((m) => m.ackId) });
      await ctx.subscriber.seek({ subscription: ctx.sub('seek-snap'), snapshot: ctx.snapshot('seek-snap') });
      const replayed = await pullUntil(ctx, 'seek-snap', 3, 1_000);
      assert.deepEqual(replayed.map((m) => m.data).sort(), ['after', 'backlog']);
    },
  },
  {
    id: 'seek-to-time-retained',
    behaviour: 'With retain_acked_messages, seeking to a time makes the acked messages published at or after it unacked again, and those before it acked.',
    source: `${REF}#google.pubsub.v1.SeekRequest`,
    async run(ctx) {
      await topicAndSub(ctx, 'seek-time', { retainAckedMessages: true });
      await publish(ctx, 'seek-time', [{ data: 'old' }]);
      await sleep(20);
      await publish(ctx, 'seek-time', [{ data: 'new' }]);
      const got = await pullUntil(ctx, 'seek-time', 2);
      await ctx.subscriber.acknowledge({ subscription: ctx.sub('seek-time'), ackIds: got.map((m) => m.ackId) });
      const mark = got.find((m) => m.data === 'new')!.publishTime;
      await ctx.subscriber.seek({ subscription: ctx.sub('seek-time'), time: mark });
      const replayed = await pullUntil(ctx, 'seek-time', 2, 1_000);
      assert.deepEqual(replayed.map((m) => m.data), ['new']);
    },
  },
  {
    id: 'seek-to-time-not-retained',
    behaviour: 'Without retain_acked_messages (and no topic retention) a seek to the past cannot bring back acked messages.',
    source: `${REF}#google.pubsub.v1.SeekRequest`,
    async run(ctx) {
      await topicAndSub(ctx, 'seek-forget');
      const start = Date.now() - 60_000;
      await publish(ctx, 'seek-forget', [{ data: 'gone' }]);
      const got = await pullUntil(ctx, 'seek-forget', 1);
      await ctx.subscriber.acknowledge({ subscription: ctx.sub('seek-forget'), ackIds: got.map((m) => m.ackId) });
      await ctx.subscriber.seek({ subscription: ctx.sub('seek-forget'), time: { seconds: Math.floor(start / 1000) } });
      assert.deepEqual(await pullNothing(ctx, 'seek-forget'), []);
    },
  },
  {
    id: 'topic-retention-seek',
    behaviour: "With message retention on the topic, a subscription can seek back and replay acked messages within the topic's retention, without retain_acked_messages.",
    source: `${DOCS}/replay-overview`,
    async run(ctx) {
      await ctx.publisher.createTopic({ name: ctx.topic('topic-retained'), messageRetentionDuration: { seconds: 600 } });
      await ctx.subscriber.createSubscription({ name: ctx.sub('topic-retained'), topic: ctx.topic('topic-retained') });
      const start = Date.now() - 1_000;
      await publish(ctx, 'topic-retained', [{ data: 'kept by the topic' }]);
      const got = await pullUntil(ctx, 'topic-retained', 1);
      await ctx.subscriber.acknowledge({ subscription: ctx.sub('topic-retained'), ackIds: got.map((m) => m.ackId) });
      await ctx.subscriber.seek({ subscription: ctx.sub('topic-retained'), time: { seconds: Math.floor(start / 1000) } });
      const replayed = await pullUntil(ctx, 'topic-retained', 1, 1_000);
      assert.deepEqual(replayed.map((m) => m.data), ['kept by the topic']);
    },
  },
  {
    id: 'seek-to-future-purges',
    behaviour: 'Seeking to a time in the future marks the whole backlog acknowledged.',
    source: `${DOCS}/replay-overview`,
    async run(ctx) {
      await topicAndSub(ctx, 'purge');
      await publish(ctx, 'purge', [{ data: 'a' }, { data: 'b' }]);
      await ctx.subscriber.seek({ subscription: ctx.sub('purge'), time: { seconds: Math.floor(Date.now() / 1000) + 3600 } });
      assert.deepEqual(await pullNothing(ctx, 'purge'), []);
    },
  },
  {
    id: 'seek-snapshot-other-topic',
    behaviour: "A snapshot's topic must be the same as the subscription's: seeking across topics fails.",
    source: `${REF}#google.pubsub.v1.SeekRequest`,
    async run(ctx) {
      await topicAndSub(ctx, 'seek-a');
      await topicAndSub(ctx, 'seek-b');
      await ctx.subscriber.createSnapshot({ name: ctx.snapshot('seek-a'), subscription: ctx.sub('seek-a') });
      assert.notEqual(await codeOf(ctx.subscriber.seek({ subscription: ctx.sub('seek-b'), snapshot: ctx.snapshot('seek-a') })), undefined);
    },
  },
  {
    id: 'update-subscription',
    behaviour: 'UpdateSubscription changes mutable fields; enable_message_ordering cannot be changed.',
    source: `${REF}#google.pubsub.v1.Subscriber.UpdateSubscription`,
    async run(ctx) {
      await topicAndSub(ctx, 'update');
      const [updated] = await ctx.subscriber.updateSubscription({ subscription: { name: ctx.sub('update'), ackDeadlineSeconds: 30 }, updateMask: { paths: ['ack_deadline_seconds'] } });
      assert.equal(updated.ackDeadlineSeconds, 30);
      assert.equal(await codeOf(ctx.subscriber.updateSubscription({
        subscription: { name: ctx.sub('update'), enableMessageOrdering: true }, updateMask: { paths: ['enable_message_ordering'] },
      })), INVALID_ARGUMENT);
    },
  },
  {
    id: 'delete-topic-keeps-subscriptions',
    behaviour: 'Deleting a topic keeps its subscriptions, whose topic becomes _deleted-topic_.',
    source: `${REF}#google.pubsub.v1.Publisher.DeleteTopic`,
    async run(ctx) {
      await topicAndSub(ctx, 'orphan');
      await ctx.publisher.deleteTopic({ topic: ctx.topic('orphan') });
      const [sub] = await ctx.subscriber.getSubscription({ subscription: ctx.sub('orphan') });
      assert.equal(sub.topic, '_deleted-topic_');
    },
  },
  {
    id: 'push-delivery',
    behaviour: 'A push subscription POSTs the message as JSON (message.data base64, messageId, subscription); a 2xx answer acks it.',
    source: `${DOCS}/push`,
    async run(ctx) {
      const bodies: Array<{ message: { data: string; messageId: string }; subscription: string }> = [];
      const server = createServer((req, res) => {
        let raw = '';
        req.on('data', (c: Buffer) => { raw += c.toString(); });
        req.on('end', () => { bodies.push(JSON.parse(raw)); res.writeHead(204).end(); });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as { port: number };
        await topicAndSub(ctx, 'push', { pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/push` } });
        const [id] = await publish(ctx, 'push', [{ data: 'pushed' }]);
        for (let i = 0; i < 100 && bodies.length === 0; i++) await sleep(30);
        await sleep(200);
        assert.equal(bodies.length, 1, 'delivered exactly once');
        assert.equal(Buffer.from(bodies[0]!.message.data, 'base64').toString(), 'pushed');
        assert.equal(bodies[0]!.message.messageId, id);
        assert.equal(bodies[0]!.subscription, ctx.sub('push'));
      } finally {
        await ctx.subscriber.deleteSubscription({ subscription: ctx.sub('push') }).catch(() => {});
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  },
];
