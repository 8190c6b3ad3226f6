/**
 * The Pub/Sub REST facade in gcp-sim forwards to the emulator: a message published over REST
 * (as the Workflows connector googleapis.pubsub.v1.projects.topics.publish does) is received by
 * the real client, and errors come back in Google's REST envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, PubSub } from '@google-cloud/pubsub';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { PubsubSim } from '../../../../../shared/local/gcp-sim/services/pubsub.ts';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../../shared/local/pubsub/emulator.ts';
import { pubsubClient, waitFor } from '../../pubsub/helpers.ts';

let emulator: PubsubEmulator;
let pubsub: PubSub;
const sims: GcpSim[] = [];
const services: PubsubSim[] = [];

beforeAll(async () => {
  emulator = await startPubsubEmulator({ port: 0 });
  pubsub = pubsubClient(emulator.host);
  for (const target of [emulator, emulator.host]) {
    const service = new PubsubSim(target);
    services.push(service);
    sims.push(await startGcpSim({ services: [service] }));
  }
});

afterAll(async () => {
  for (const sim of sims) await sim.close();
  for (const s of services) await s.close();
  await pubsub?.close();
  await emulator?.close();
});

async function call(sim: GcpSim, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: 'Bearer local', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe.each([['in-process', 0], ['over gRPC', 1]])('gcp-sim pubsub (%s)', (label, index) => {
  const topicId = `rest-topic-${index}`;
  const base = `/v1/projects/emu-test/topics/${topicId}`;

  it('creates and gets topics, with NOT_FOUND and ALREADY_EXISTS in the REST envelope', async () => {
    const sim = sims[index]!;
    const created = await call(sim, 'PUT', base, { labels: { flow: 'rest' }, messageRetentionDuration: '600s' });
    expect(created).toEqual({ status: 200, json: { name: `projects/emu-test/topics/${topicId}`, labels: { flow: 'rest' }, messageRetentionDuration: '600s', state: 'ACTIVE' } });
    const again = await call(sim, 'PUT', base, {});
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 409, status: 'ALREADY_EXISTS' });
    expect((await call(sim, 'GET', base)).json.name).toBe(`projects/emu-test/topics/${topicId}`);
    const missing = await call(sim, 'GET', '/v1/projects/emu-test/topics/no-such-topic');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ status: 'NOT_FOUND', message: expect.stringContaining('no-such-topic') });
    const list = await call(sim, 'GET', '/v1/projects/emu-test/topics');
    expect(list.json.topics.map((t: { name: string }) => t.name)).toContain(`projects/emu-test/topics/${topicId}`);
  });

  it(`publishes over REST to a subscriber using the real client (${label})`, async () => {
    const sim = sims[index]!;
    const [subscription] = await pubsub.topic(topicId).createSubscription(`rest-sub-${index}`);
    const got: Message[] = [];
    subscription.on('message', (m: Message) => { got.push(m); m.ack(); });
    const res = await call(sim, 'POST', `${base}:publish`, {
      messages: [{ data: Buffer.from('{"kind":"backup"}').toString('base64'), attributes: { source: 'workflow' } }, { attributes: { only: 'attrs' } }],
    });
    expect(res.status).toBe(200);
    expect(res.json.messageIds).toHaveLength(2);
    await waitFor(() => got.length === 2, 'REST-published messages');
    await subscription.close();
    const byId = new Map(got.map((m) => [m.id, m]));
    expect(byId.get(res.json.messageIds[0])!.data.toString()).toBe('{"kind":"backup"}');
    expect(byId.get(res.json.messageIds[0])!.attributes).toEqual({ source: 'workflow' });
    expect(byId.get(res.json.messageIds[1])!.attributes).toEqual({ only: 'attrs' });
  });

  it('rejects bad publish bodies with 400 naming the field', async () => {
    const sim = sims[index]!;
    const noMessages = await call(sim, 'POST', `${base}:publish`, { nope: true });
    expect(noMessages.status).toBe(400);
    const badData = await call(sim, 'POST', `${base}:publish`, { messages: [{ data: 'not base64!!' }] });
    expect(badData.status).toBe(400);
    expect(badData.json.error.message).toContain('messages[0].data');
    const empty = await call(sim, 'POST', `${base}:publish`, { messages: [{}] });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toContain('messages[0]');
    const missingTopic = await call(sim, 'POST', '/v1/projects/emu-test/topics/absent-topic:publish', { messages: [{ data: 'eA==' }] });
    expect(missingTopic.status).toBe(404);
  });
});

describe('summary', () => {
  it('reports subscription backlog when the emulator runs in-process, and only REST traffic over gRPC', () => {
    expect(services[0]!.summary()).toEqual({ publishedViaRest: 2, subscriptions: 2, unackedMessages: 0 });
    expect(services[1]!.summary()).toEqual({ publishedViaRest: 2 });
  });
});

describe('route ids', () => {
  it('registers Google discovery method ids for fault injection', () => {
    expect(sims[0]!.router.routes.map((r) => r.id)).toEqual(expect.arrayContaining([
      'pubsub.projects.topics.publish', 'pubsub.projects.topics.get', 'pubsub.projects.topics.create',
    ]));
  });
});
