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
    const noMessages = await call(sim, 'POST', `${base}:publish`, {});
    expect(noMessages.status).toBe(400);
    // A field the sim does not model is named, not ignored.
    const unknown = await call(sim, 'POST', `${base}:publish`, { nope: true });
    expect(unknown.status).toBe(501);
    expect(unknown.json.error.message).toContain('"nope"');
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
      'pubsub.projects.subscriptions.create', 'pubsub.projects.subscriptions.get', 'pubsub.projects.subscriptions.delete',
      'pubsub.projects.subscriptions.list', 'pubsub.projects.subscriptions.pull', 'pubsub.projects.subscriptions.acknowledge',
      'pubsub.projects.subscriptions.modifyAckDeadline',
    ]));
  });
});

// After `summary`, which counts the subscriptions and REST publishes of the tests above.
describe.each([['in-process', 0], ['over gRPC', 1]])('gcp-sim pubsub subscriptions (%s)', (_label, index) => {
  const topic = `projects/emu-test/topics/sub-topic-${index}`;
  const subName = `projects/emu-test/subscriptions/pull-sub-${index}`;
  const subPath = `/v1/${subName}`;

  it('creates, gets and lists a subscription; pulls, acknowledges and deletes it (the connector_pubsub flow)', async () => {
    const sim = sims[index]!;
    expect((await call(sim, 'PUT', `/v1/${topic}`, {})).status).toBe(200);
    const created = await call(sim, 'PUT', subPath, { name: subName, topic, ackDeadlineSeconds: 20, labels: { flow: 'rest' }, retryPolicy: { minimumBackoff: '5s' } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      name: subName, topic, pushConfig: {}, ackDeadlineSeconds: 20, labels: { flow: 'rest' }, messageRetentionDuration: '604800s',
      retryPolicy: { minimumBackoff: '5s', maximumBackoff: '600s' }, state: 'ACTIVE',
    });
    expect((await call(sim, 'PUT', subPath, { topic })).status).toBe(409);
    expect((await call(sim, 'GET', subPath)).json).toEqual(created.json);
    expect((await call(sim, 'GET', '/v1/projects/emu-test/subscriptions')).json.subscriptions.map((x: { name: string }) => x.name)).toContain(subName);

    const data = Buffer.from('{"hello":"world"}').toString('base64');
    const published = await call(sim, 'POST', `/v1/${topic}:publish`, { messages: [{ data, attributes: { k: 'v' } }] });
    const pulled = await call(sim, 'POST', `${subPath}:pull`, { maxMessages: 1 });
    expect(pulled.status).toBe(200);
    expect(pulled.json.receivedMessages).toHaveLength(1);
    const received = pulled.json.receivedMessages[0];
    expect(received.message).toMatchObject({ data, attributes: { k: 'v' }, messageId: published.json.messageIds[0] });
    expect(received.message.publishTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(typeof received.ackId).toBe('string');
    expect(received.deliveryAttempt).toBeUndefined();

    expect((await call(sim, 'POST', `${subPath}:modifyAckDeadline`, { ackIds: [received.ackId], ackDeadlineSeconds: 30 })).json).toEqual({});
    expect((await call(sim, 'POST', `${subPath}:acknowledge`, { ackIds: [received.ackId] })).json).toEqual({});
    // Acknowledged, so nothing is left: an immediate pull answers the empty message.
    expect((await call(sim, 'POST', `${subPath}:pull`, { maxMessages: 10, returnImmediately: true })).json).toEqual({});

    expect((await call(sim, 'DELETE', subPath)).json).toEqual({});
    expect((await call(sim, 'GET', subPath)).status).toBe(404);
    expect((await call(sim, 'DELETE', `/v1/${topic}`)).status).toBe(200);
  });

  it('redelivers a message whose ack deadline was set to 0', async () => {
    const sim = sims[index]!;
    const name = `${subName}-nack`;
    await call(sim, 'PUT', `/v1/${topic}`, {});
    await call(sim, 'PUT', `/v1/${name}`, { topic });
    await call(sim, 'POST', `/v1/${topic}:publish`, { messages: [{ data: 'eA==' }] });
    const first = (await call(sim, 'POST', `/v1/${name}:pull`, { maxMessages: 1 })).json.receivedMessages[0];
    await call(sim, 'POST', `/v1/${name}:modifyAckDeadline`, { ackIds: [first.ackId], ackDeadlineSeconds: 0 });
    const again = (await call(sim, 'POST', `/v1/${name}:pull`, { maxMessages: 1 })).json.receivedMessages[0];
    expect(again.message.messageId).toBe(first.message.messageId);
    await call(sim, 'POST', `/v1/${name}:acknowledge`, { ackIds: [again.ackId] });
    await call(sim, 'DELETE', `/v1/${name}`);
    await call(sim, 'DELETE', `/v1/${topic}`);
  });

  it('answers bad subscription requests with 400 / 404 naming what was wrong', async () => {
    const sim = sims[index]!;
    const unknownField = await call(sim, 'PUT', `${subPath}-bad`, { topic, bogus: 1 });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json.error.message).toContain('bogus');
    const noTopic = await call(sim, 'PUT', `${subPath}-bad`, {});
    expect(noTopic.status).toBe(400);
    expect(noTopic.json.error.message).toContain('topic');
    const missingTopic = await call(sim, 'PUT', `${subPath}-bad`, { topic: 'projects/emu-test/topics/absent' });
    expect(missingTopic.status).toBe(404);
    const badMax = await call(sim, 'POST', '/v1/projects/emu-test/subscriptions/absent:pull', { maxMessages: 0 });
    expect(badMax.status).toBe(400);
    expect(badMax.json.error.message).toContain('max_messages');
    expect((await call(sim, 'POST', '/v1/projects/emu-test/subscriptions/absent:pull', { maxMessages: 1 })).status).toBe(404);
    const badAck = await call(sim, 'POST', '/v1/projects/emu-test/subscriptions/absent:acknowledge', { ackIds: 'x' });
    expect(badAck.status).toBe(400);
    expect(badAck.json.error.message).toContain('ack_ids');
  });
});
