/**
 * Snapshots, seek and retain_acked_messages with the real client
 * (https://cloud.google.com/pubsub/docs/replay-overview). Publish times come from a hand-driven
 * clock, so "before" and "after" a seek time are exact.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message, PubSub, v1 } from '@google-cloud/pubsub';
import type { PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { PROJECT, startClocked, type ManualClock, subscriptionPath, topicPath, waitFor } from './helpers.ts';

let env: Awaited<ReturnType<typeof startClocked>>;
let emulator: PubsubEmulator;
let clock: ManualClock;
let pubsub: PubSub;
let raw: { subscriber: v1.SubscriberClient; publisher: v1.PublisherClient };

beforeEach(async () => {
  env = await startClocked();
  ({ emulator, clock, pubsub, raw } = env);
  await pubsub.createTopic('replay');
});

afterEach(() => env.close());

const MINUTE = 60_000;
const stats = (sub: string) => emulator.stats().find((s) => s.subscription === subscriptionPath(sub))!;

async function publish(...texts: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const t of texts) ids.push(await pubsub.topic('replay').publishMessage({ data: Buffer.from(t) }));
  return ids;
}

/** Receives with the streaming client, acking everything, until `count` deliveries arrived. */
async function receiveAll(sub: string, count: number): Promise<string[]> {
  const subscription = pubsub.subscription(sub, { batching: { maxMessages: 1, maxMilliseconds: 1 } });
  const got: string[] = [];
  subscription.on('message', (m: Message) => { got.push(m.data.toString()); m.ack(); });
  await waitFor(() => got.length >= count && stats(sub).unacked === 0, `${count} deliveries on ${sub}`);
  await subscription.close();
  return got.sort();
}

async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

describe('seek to a time', () => {
  it('replays acknowledged messages published after the time when the subscription retains them', async () => {
    await pubsub.topic('replay').createSubscription('retaining', { retainAckedMessages: true, messageRetentionDuration: { seconds: 3600 } });
    await publish('early');
    await clock.advance(MINUTE);
    const mark = clock.now();
    await clock.advance(MINUTE);
    await publish('late-1', 'late-2');
    expect(await receiveAll('retaining', 3)).toEqual(['early', 'late-1', 'late-2']);
    expect(stats('retaining')).toMatchObject({ unacked: 0, retained: 3 });

    await pubsub.subscription('retaining').seek(mark);
    expect(stats('retaining')).toMatchObject({ unacked: 2, retained: 1 });
    expect(await receiveAll('retaining', 2)).toEqual(['late-1', 'late-2']);

    // A time in the future marks the whole backlog acknowledged (purge).
    await publish('unwanted');
    await pubsub.subscription('retaining').seek(new Date(clock.now().getTime() + 2 * MINUTE));
    expect(stats('retaining').unacked).toBe(0);
  });

  it('cannot bring back acked messages a subscription does not retain, and forgets retained ones past retention', async () => {
    await pubsub.topic('replay').createSubscription('forgetful');
    await pubsub.topic('replay').createSubscription('short', { retainAckedMessages: true, messageRetentionDuration: { seconds: 600 } });
    const start = clock.now();
    await publish('one');
    await receiveAll('forgetful', 1);
    await receiveAll('short', 1);
    await pubsub.subscription('forgetful').seek(start);
    expect(stats('forgetful').unacked).toBe(0);

    await clock.advance(10 * MINUTE + 1);
    expect(stats('short').retained).toBe(0);
    await pubsub.subscription('short').seek(start);
    expect(stats('short').unacked).toBe(0);
  });

  it('redelivers an ordering key in order after a seek', async () => {
    await pubsub.topic('replay').createSubscription('ordered-retaining', { retainAckedMessages: true, enableMessageOrdering: true });
    const topic = pubsub.topic('replay', { messageOrdering: true });
    const start = clock.now();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await topic.publishMessage({ data: Buffer.from(`k${i}`), orderingKey: 'k' }));
    await receiveAll('ordered-retaining', 5);
    await pubsub.subscription('ordered-retaining').seek(start);
    const [pulled] = await raw.subscriber.pull({ subscription: subscriptionPath('ordered-retaining'), maxMessages: 10, returnImmediately: true });
    expect(pulled.receivedMessages!.map((r) => r.message!.messageId)).toEqual(ids);
  });
});

describe('topic message retention', () => {
  it('lets any subscription seek back over the topic retention, even to messages published before it existed', async () => {
    await pubsub.createTopic({ name: 'retaining-topic', messageRetentionDuration: { seconds: 600 } });
    const start = clock.now();
    await pubsub.topic('retaining-topic').publishMessage({ data: Buffer.from('before the subscription') });
    await pubsub.topic('retaining-topic').createSubscription('late-sub', { filter: 'NOT attributes:skip' });
    await pubsub.topic('retaining-topic').publishMessage({ data: Buffer.from('filtered out'), attributes: { skip: '1' } });
    expect(stats('late-sub').unacked).toBe(0);

    await pubsub.subscription('late-sub').seek(start);
    expect(await receiveAll('late-sub', 1)).toEqual(['before the subscription']);
    await pubsub.subscription('late-sub').seek(start);
    expect(stats('late-sub').unacked).toBe(1);

    // Past the topic's retention the message is gone from the topic too.
    await clock.advance(10 * MINUTE + 1);
    await pubsub.subscription('late-sub').seek(new Date(clock.now().getTime() + MINUTE));
    await pubsub.subscription('late-sub').seek(start);
    expect(stats('late-sub').unacked).toBe(0);
  });
});

describe('snapshots', () => {
  it('creates, gets, lists, updates and deletes snapshots with the right status codes', async () => {
    await pubsub.topic('replay').createSubscription('source');
    const [snapshot] = await pubsub.subscription('source').createSnapshot('snap-admin');
    expect(snapshot.name).toBe(`projects/${PROJECT}/snapshots/snap-admin`);
    const [got] = await raw.subscriber.getSnapshot({ snapshot: snapshot.name });
    expect(got).toMatchObject({ name: snapshot.name, topic: topicPath('replay') });
    // No backlog: the snapshot lives the full 7 days.
    expect(Number(got.expireTime!.seconds) * 1000).toBe(clock.now().getTime() + 7 * 24 * 60 * MINUTE);
    const [listed] = await pubsub.getSnapshots();
    expect(listed.map((s) => s.name)).toEqual([snapshot.name]);
    const [topicSnapshots] = await raw.publisher.listTopicSnapshots({ topic: topicPath('replay') });
    expect(topicSnapshots).toEqual([snapshot.name]);

    const [updated] = await raw.subscriber.updateSnapshot({ snapshot: { name: snapshot.name, labels: { team: 'alpha' } }, updateMask: { paths: ['labels'] } });
    expect(updated.labels).toEqual({ team: 'alpha' });
    const later = { seconds: Math.floor(clock.now().getTime() / 1000) + 8 * 24 * 3600 };
    expect(await codeOf(raw.subscriber.updateSnapshot({ snapshot: { name: snapshot.name, expireTime: later }, updateMask: { paths: ['expire_time'] } }))).toBe(3);

    expect(await codeOf(pubsub.subscription('source').createSnapshot('snap-admin'))).toBe(6);
    expect(await codeOf(pubsub.subscription('absent-sub').createSnapshot('snap-x'))).toBe(5);
    expect(await codeOf(raw.subscriber.getSnapshot({ snapshot: `projects/${PROJECT}/snapshots/nope` }))).toBe(5);
    expect(await codeOf(raw.subscriber.getSnapshot({ snapshot: `projects/${PROJECT}/topics/nope` }))).toBe(3);
    await snapshot.delete();
    expect(await codeOf(raw.subscriber.getSnapshot({ snapshot: snapshot.name }))).toBe(5);
  });

  it('seeks back to a snapshot: its backlog and later messages are unacked again, earlier acks stay', async () => {
    await pubsub.topic('replay').createSubscription('work');
    await publish('acked-before');
    await receiveAll('work', 1);
    await publish('backlog');
    await pubsub.subscription('work').createSnapshot('before-deploy');
    await publish('after');
    expect(await receiveAll('work', 2)).toEqual(['after', 'backlog']);

    await pubsub.subscription('work').seek('before-deploy');
    expect(await receiveAll('work', 2)).toEqual(['after', 'backlog']);

    // The same snapshot copies that ack state onto another subscription of the topic.
    await pubsub.topic('replay').createSubscription('copy');
    await publish('copy-only');
    await pubsub.subscription('copy').seek('before-deploy');
    expect(await receiveAll('copy', 3)).toEqual(['after', 'backlog', 'copy-only']);
  });

  it('refuses a snapshot of another topic, a backlog too old to snapshot, and expires snapshots', async () => {
    await pubsub.topic('replay').createSubscription('old');
    await pubsub.createTopic('elsewhere');
    await pubsub.topic('elsewhere').createSubscription('elsewhere-sub');
    await pubsub.subscription('old').createSnapshot('replay-snap');
    expect(await codeOf(pubsub.subscription('elsewhere-sub').seek('replay-snap'))).toBe(9);
    expect(await codeOf(raw.subscriber.seek({ subscription: subscriptionPath('old') }))).toBe(3);

    await publish('ancient');
    await clock.advance(7 * 24 * 60 * MINUTE - 30 * MINUTE);
    expect(await codeOf(pubsub.subscription('old').createSnapshot('too-late'))).toBe(9);
    await clock.advance(31 * MINUTE);
    expect(await codeOf(raw.subscriber.getSnapshot({ snapshot: `projects/${PROJECT}/snapshots/replay-snap` }))).toBe(5);
  });
});
