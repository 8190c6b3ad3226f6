/** Subscription filters: the expression language, and delivery through the real client. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, PubSub } from '@google-cloud/pubsub';
import { compileFilter } from '../../../../shared/local/pubsub/filter.ts';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';
import { pubsubClient, subscriptionPath, waitFor } from './helpers.ts';

describe('compileFilter', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['attributes:domain', { domain: 'x' }, true],
    ['attributes:domain', { other: 'x' }, false],
    ['attributes.domain = "com"', { domain: 'com' }, true],
    ['attributes.domain = "com"', { domain: 'COM' }, false],
    ['attributes.domain != "com"', { domain: 'org' }, true],
    ['attributes.domain != "com"', {}, true],
    ['hasPrefix(attributes.domain, "co")', { domain: 'com' }, true],
    ['hasPrefix(attributes.domain, "co")', {}, false],
    ['NOT attributes:domain', {}, true],
    ['-attributes:domain', { domain: 'x' }, false],
    ['attributes:a AND attributes:b', { a: '1', b: '2' }, true],
    ['attributes:a AND attributes:b', { a: '1' }, false],
    ['attributes:a OR attributes:b', { b: '2' }, true],
    ['(attributes:a OR attributes:b) AND attributes.env = "dev"', { a: '1', env: 'dev' }, true],
    ['(attributes:a OR attributes:b) AND attributes.env = "dev"', { a: '1', env: 'prod' }, false],
    ['attributes.cost-center = "ml-42"', { 'cost-center': 'ml-42' }, true],
    ['attributes."odd key" = "say \\"hi\\""', { 'odd key': 'say "hi"' }, true],
  ];
  it.each(cases)('%s on %j → %s', (filter, attributes, expected) => {
    expect(compileFilter(filter)(attributes)).toBe(expected);
  });

  it('rejects malformed filters with the position', () => {
    expect(() => compileFilter('attributes.a = "x" AND attributes:b OR attributes:c')).toThrow(/parentheses/);
    expect(() => compileFilter('attributes.a = x')).toThrow(/position 15/);
    expect(() => compileFilter('attributes.a = "x')).toThrow(/unterminated/);
    expect(() => compileFilter('data = "x"')).toThrow(/attributes/);
    expect(() => compileFilter(`attributes:${'k'.repeat(300)}`)).toThrow(/256 bytes/);
  });
});

describe('filtered subscriptions', () => {
  let emulator: PubsubEmulator;
  let pubsub: PubSub;
  beforeAll(async () => {
    emulator = await startPubsubEmulator({ port: 0 });
    pubsub = pubsubClient(emulator.host);
  });
  afterAll(async () => {
    await pubsub?.close();
    await emulator?.close();
  });

  it('delivers only matching messages and drops the rest on arrival', async () => {
    const [topic] = await pubsub.createTopic('filtered-topic');
    const [subscription] = await topic.createSubscription('dev-only', { filter: 'attributes.env = "dev"' });
    const [meta] = await subscription.getMetadata();
    expect(meta.filter).toBe('attributes.env = "dev"');
    await expect(topic.createSubscription('broken-filter', { filter: 'attributes.env == "dev"' })).rejects.toMatchObject({ code: 3 });
    await expect(subscription.setMetadata({ filter: 'attributes:env' })).rejects.toMatchObject({ code: 3 });

    const ids = await Promise.all(['dev', 'prod', 'dev'].map((env) => topic.publishMessage({ data: Buffer.from(env), attributes: { env } })));
    expect(emulator.stats().find((s) => s.subscription === subscriptionPath('dev-only'))?.unacked).toBe(2);
    const got: Message[] = [];
    subscription.on('message', (m: Message) => { got.push(m); m.ack(); });
    await waitFor(() => got.length === 2, 'the two dev messages');
    await subscription.close();
    expect(got.map((m) => m.id).sort()).toEqual([ids[0], ids[2]].sort());
  });
});
