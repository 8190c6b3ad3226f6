/**
 * Pub/Sub v1 REST (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics and
 * .../projects.subscriptions), the part the Cloud Workflows `googleapis.pubsub.v1.*` connectors and
 * simple REST callers use: topics publish/get/create/delete/list; subscriptions create/get/delete/list,
 * pull, acknowledge and modifyAckDeadline. gcp-sim holds no Pub/Sub state of its own: every call is
 * forwarded to the Pub/Sub emulator, in-process (an emulator handle) or over gRPC (its host), so a
 * message published here is the same message the functions receive.
 */
import { LocalAuthClient } from '../../../adapters/local/local-auth.ts';
import * as grpc from '@grpc/grpc-js';
import { v1 } from '@google-cloud/pubsub';
import { SimError } from '../errors.ts';
import type { Router, SimRequest, SimResponse } from '../router.ts';
import type { SimService } from '../service.ts';
import type { Broker, SubscriptionStats } from '../../pubsub/broker.ts';
import type { PubsubEmulator } from '../../pubsub/emulator.ts';
import { validatePublish, type IncomingMessage } from '../../pubsub/publish-validation.ts';
import { PubsubError } from '../../pubsub/status.ts';
import type { Consumer, Pending } from '../../pubsub/subscription-state.ts';
import { durationMs, type Duration, type SubscriptionConfig, type TopicConfig } from '../../pubsub/types.ts';

/** gRPC status → the HTTP code Google's REST surface answers with. */
const GRPC_TO_HTTP: Record<number, number> = {
  1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
};

interface Backend {
  /** Per-subscription counts when the emulator runs in this process (none over gRPC). */
  stats(): SubscriptionStats[] | undefined;
  publish(topic: string, messages: IncomingMessage[]): Promise<string[]>;
  getTopic(name: string): Promise<TopicConfig>;
  createTopic(topic: Partial<TopicConfig>): Promise<TopicConfig>;
  deleteTopic(name: string): Promise<void>;
  listTopics(project: string): Promise<TopicConfig[]>;
  createSubscription(config: Partial<SubscriptionConfig>): Promise<SubscriptionConfig>;
  getSubscription(name: string): Promise<SubscriptionConfig>;
  deleteSubscription(name: string): Promise<void>;
  listSubscriptions(project: string): Promise<SubscriptionConfig[]>;
  pull(subscription: string, maxMessages: number, returnImmediately: boolean): Promise<PulledMessage[]>;
  acknowledge(subscription: string, ackIds: string[]): Promise<void>;
  modifyAckDeadline(subscription: string, ackIds: string[], seconds: number): Promise<void>;
  close(): Promise<void>;
}

/** A pulled message, whichever backend it came from. */
interface PulledMessage {
  ackId: string;
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  publishTimeMs: number;
  orderingKey: string;
  /** Reported only when the subscription has a dead-letter policy, as Pub/Sub does. */
  deliveryAttempt?: number;
}

/**
 * How long a pull without returnImmediately waits for a first message (real time, like the emulator's
 * own Pull): Pub/Sub may answer an empty pull at any point, so a bounded wait is faithful.
 */
const PULL_WAIT_MS = 5_000;

class InProcessBackend implements Backend {
  constructor(private readonly emulator: PubsubEmulator) {}
  stats() { return this.emulator.stats(); }
  async publish(topic: string, messages: IncomingMessage[]) {
    return this.emulator.broker.publish(topic, messages);
  }
  async getTopic(name: string) { return this.emulator.broker.getTopic(name); }
  async createTopic(topic: Partial<TopicConfig>) { return this.emulator.broker.createTopic(topic); }
  async deleteTopic(name: string) { this.emulator.broker.deleteTopic(name); }
  async listTopics(project: string) { return this.emulator.broker.listTopics(`projects/${project}`); }
  async createSubscription(config: Partial<SubscriptionConfig>) { return this.emulator.broker.createSubscription(config); }
  async getSubscription(name: string) { return this.emulator.broker.getSubscription(name); }
  async deleteSubscription(name: string) { this.emulator.broker.deleteSubscription(name); }
  async listSubscriptions(project: string) { return this.emulator.broker.listSubscriptions(`projects/${project}`); }
  async acknowledge(name: string, ackIds: string[]) { this.emulator.broker.acknowledge(name, ackIds); }
  async modifyAckDeadline(name: string, ackIds: string[], seconds: number) { this.emulator.broker.modifyAckDeadline(name, ackIds, seconds); }
  pull(subscription: string, maxMessages: number, returnImmediately: boolean): Promise<PulledMessage[]> {
    return pullFromBroker(this.emulator.broker, subscription, maxMessages, returnImmediately, this.waiters);
  }
  /** Answers every waiting pull (empty) so nothing outlives the server. */
  private readonly waiters = new Set<() => void>();
  async close() { for (const answer of [...this.waiters]) answer(); }
}

/** A pull as the emulator's own Pull does it: a consumer with capacity for `max` messages, held until one arrives. */
function pullFromBroker(broker: Broker, subscription: string, max: number, returnImmediately: boolean, waiters: Set<() => void>): Promise<PulledMessage[]> {
  const name = broker.getSubscription(subscription).name;
  return new Promise((resolve) => {
    let answered = false;
    const waiting: { timer?: NodeJS.Timeout } = {};
    const received: Pending[] = [];
    const consumer: Consumer = {
      kind: 'pull',
      capacity: () => ({ messages: answered ? 0 : max - received.length, bytes: Infinity }),
      ackDeadlineSeconds: () => broker.subscriptions.get(name)?.config.ackDeadlineSeconds ?? 10,
      deliver: (batch) => { received.push(...batch); answer(); },
      release: () => broker.scheduleDispatch(name),
    };
    const answer = (): void => {
      if (answered) return;
      answered = true;
      if (waiting.timer) clearTimeout(waiting.timer);
      waiters.delete(answer);
      broker.removeConsumer(name, consumer);
      resolve(received.map((p) => ({
        ackId: p.ackId,
        messageId: p.message.messageId,
        data: p.message.data,
        attributes: p.message.attributes,
        publishTimeMs: p.message.publishTimeMs,
        orderingKey: p.message.orderingKey,
        deliveryAttempt: broker.deliveryAttemptOf(name, p),
      })));
    };
    broker.addConsumer(name, consumer);
    broker.dispatch(name);
    if (answered) return;
    if (returnImmediately) { answer(); return; }
    waiters.add(answer);
    waiting.timer = setTimeout(answer, PULL_WAIT_MS);
  });
}

/** Talks to a separately running emulator with the real generated clients. */
class GrpcBackend implements Backend {
  private client: v1.PublisherClient | undefined;
  private subClient: v1.SubscriberClient | undefined;
  constructor(private readonly host: string) {}
  stats() { return undefined; }
  private clientOptions() {
    const [servicePath, port] = this.host.split(':');
    // The local auth client keeps google-gax from asking ADC (and so the GCE metadata server) for a universe domain.
    return { servicePath, port: Number(port), sslCreds: grpc.credentials.createInsecure(), authClient: new LocalAuthClient() as never };
  }
  private publisher(): v1.PublisherClient {
    this.client ??= new v1.PublisherClient(this.clientOptions());
    return this.client;
  }
  private subscriber(): v1.SubscriberClient {
    this.subClient ??= new v1.SubscriberClient(this.clientOptions());
    return this.subClient;
  }
  async createSubscription(config: Partial<SubscriptionConfig>) {
    const [created] = await this.subscriber().createSubscription(config as never);
    return created as unknown as SubscriptionConfig;
  }
  async getSubscription(name: string) {
    const [sub] = await this.subscriber().getSubscription({ subscription: name });
    return sub as unknown as SubscriptionConfig;
  }
  async deleteSubscription(name: string) { await this.subscriber().deleteSubscription({ subscription: name }); }
  async listSubscriptions(project: string) {
    const [subs] = await this.subscriber().listSubscriptions({ project: `projects/${project}` }, { autoPaginate: true });
    return subs as unknown as SubscriptionConfig[];
  }
  async pull(subscription: string, maxMessages: number, returnImmediately: boolean): Promise<PulledMessage[]> {
    const [res] = await this.subscriber().pull({ subscription, maxMessages, returnImmediately });
    return (res.receivedMessages ?? []).map((r) => {
      const m = r.message ?? {};
      const t = m.publishTime;
      return {
        ackId: r.ackId ?? '',
        messageId: m.messageId ?? '',
        data: Buffer.from(m.data ?? []),
        attributes: (m.attributes ?? {}) as Record<string, string>,
        publishTimeMs: t ? Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6) : 0,
        orderingKey: m.orderingKey ?? '',
        deliveryAttempt: r.deliveryAttempt ? Number(r.deliveryAttempt) : undefined,
      };
    });
  }
  async acknowledge(subscription: string, ackIds: string[]) { await this.subscriber().acknowledge({ subscription, ackIds }); }
  async modifyAckDeadline(subscription: string, ackIds: string[], ackDeadlineSeconds: number) {
    await this.subscriber().modifyAckDeadline({ subscription, ackIds, ackDeadlineSeconds });
  }
  async publish(topic: string, messages: IncomingMessage[]) {
    const [res] = await this.publisher().publish({ topic, messages });
    return res.messageIds ?? [];
  }
  async getTopic(name: string) {
    const [topic] = await this.publisher().getTopic({ topic: name });
    return topic as unknown as TopicConfig;
  }
  async createTopic(topic: Partial<TopicConfig>) {
    const [created] = await this.publisher().createTopic(topic as never);
    return created as unknown as TopicConfig;
  }
  async deleteTopic(name: string) { await this.publisher().deleteTopic({ topic: name }); }
  async listTopics(project: string) {
    const [topics] = await this.publisher().listTopics({ project: `projects/${project}` }, { autoPaginate: true });
    return topics as unknown as TopicConfig[];
  }
  async close() {
    await this.client?.close();
    await this.subClient?.close();
  }
}

export class PubsubSim implements SimService {
  readonly name = 'pubsub';
  private readonly backend: Backend;
  private published = 0;

  /** `target`: an in-process emulator, or the `host:port` of a running one. */
  constructor(target: PubsubEmulator | string) {
    this.backend = typeof target === 'string' ? new GrpcBackend(target) : new InProcessBackend(target);
  }

  register(router: Router): void {
    const topic = (p: Record<string, string>) => `projects/${p.project}/topics/${p.topic}`;
    router.add('POST', '/v1/projects/{project}/topics/{topic}:publish', 'pubsub.projects.topics.publish', (r) => this.forward(() => this.publish(r, topic(r.params))), { body: { messages: { data: true, attributes: true, orderingKey: true } } });
    router.add('GET', '/v1/projects/{project}/topics/{topic}', 'pubsub.projects.topics.get', (r) => this.forward(async () => ({ body: topicJson(await this.backend.getTopic(topic(r.params))) })), {});
    router.add('PUT', '/v1/projects/{project}/topics/{topic}', 'pubsub.projects.topics.create', (r) => this.forward(() => this.create(r, topic(r.params))), { body: { name: true, labels: true, messageRetentionDuration: true } });
    router.add('DELETE', '/v1/projects/{project}/topics/{topic}', 'pubsub.projects.topics.delete', (r) => this.forward(async () => {
      await this.backend.deleteTopic(topic(r.params));
      return { body: {} };
    }), {});
    router.add('GET', '/v1/projects/{project}/topics', 'pubsub.projects.topics.list', (r) => this.forward(async () => {
      const topics = await this.backend.listTopics(r.params.project!);
      return { body: topics.length ? { topics: topics.map(topicJson) } : {} };
    }), {});
    this.registerSubscriptions(router);
  }

  /** Subscription bodies are checked field by field in restSubscription (Pub/Sub's own "Unknown name" error) and stored by the emulator. */
  private registerSubscriptions(router: Router): void {
    const sub = (p: Record<string, string>) => `projects/${p.project}/subscriptions/${p.subscription}`;
    const base = '/v1/projects/{project}/subscriptions/{subscription}';
    router.add('PUT', base, 'pubsub.projects.subscriptions.create', (r) => this.forward(async () => ({
      body: subscriptionJson(await this.backend.createSubscription(restSubscription(r.json, sub(r.params)))),
    })), { body: true });
    router.add('GET', base, 'pubsub.projects.subscriptions.get', (r) => this.forward(async () => ({ body: subscriptionJson(await this.backend.getSubscription(sub(r.params))) })), {});
    router.add('DELETE', base, 'pubsub.projects.subscriptions.delete', (r) => this.forward(async () => {
      await this.backend.deleteSubscription(sub(r.params));
      return { body: {} };
    }), {});
    router.add('GET', '/v1/projects/{project}/subscriptions', 'pubsub.projects.subscriptions.list', (r) => this.forward(async () => {
      const subs = await this.backend.listSubscriptions(r.params.project!);
      return { body: subs.length ? { subscriptions: subs.map(subscriptionJson) } : {} };
    }), {});
    router.add('POST', `${base}:pull`, 'pubsub.projects.subscriptions.pull', (r) => this.forward(async () => {
      const b = requestObject(r.json, 'PullRequest');
      const max = b.maxMessages;
      if (typeof max !== 'number' || !Number.isInteger(max) || max <= 0) {
        throw new SimError(400, `Invalid value at 'max_messages': must be a positive integer, got ${JSON.stringify(max)}.`, 'INVALID_ARGUMENT');
      }
      if (b.returnImmediately !== undefined && typeof b.returnImmediately !== 'boolean') {
        throw new SimError(400, `Invalid value at 'return_immediately' (TYPE_BOOL), ${JSON.stringify(b.returnImmediately)}`, 'INVALID_ARGUMENT');
      }
      const messages = await this.backend.pull(sub(r.params), max, b.returnImmediately === true);
      return { body: messages.length ? { receivedMessages: messages.map(receivedMessageJson) } : {} };
    }), { body: { maxMessages: true, returnImmediately: true } });
    router.add('POST', `${base}:acknowledge`, 'pubsub.projects.subscriptions.acknowledge', (r) => this.forward(async () => {
      await this.backend.acknowledge(sub(r.params), ackIdsOf(requestObject(r.json, 'AcknowledgeRequest')));
      return { body: {} };
    }), { body: { ackIds: true } });
    router.add('POST', `${base}:modifyAckDeadline`, 'pubsub.projects.subscriptions.modifyAckDeadline', (r) => this.forward(async () => {
      const b = requestObject(r.json, 'ModifyAckDeadlineRequest');
      const seconds = b.ackDeadlineSeconds;
      if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
        throw new SimError(400, `Invalid value at 'ack_deadline_seconds' (TYPE_INT32), ${JSON.stringify(seconds)}`, 'INVALID_ARGUMENT');
      }
      await this.backend.modifyAckDeadline(sub(r.params), ackIdsOf(b), seconds);
      return { body: {} };
    }), { body: { ackIds: true, ackDeadlineSeconds: true } });
  }

  private async publish(req: SimRequest, topic: string): Promise<SimResponse> {
    const body = req.json as { messages?: unknown } | undefined;
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) {
      throw new SimError(400, 'Invalid JSON payload: expected {"messages": [{"data": "<base64>", "attributes": {...}}]}.', 'INVALID_ARGUMENT');
    }
    const decoded = body.messages.map((m: unknown, i: number) => decodeRestMessage(m, i));
    const messageIds = await this.backend.publish(topic, validatePublish(decoded));
    this.published += messageIds.length;
    return { body: { messageIds } };
  }

  private async create(req: SimRequest, name: string): Promise<SimResponse> {
    const body = (req.json ?? {}) as { labels?: Record<string, string>; messageRetentionDuration?: string; name?: string };
    if (body.name && body.name !== name) throw new SimError(400, `Topic name in the body (${body.name}) does not match the URL (${name}).`, 'INVALID_ARGUMENT');
    const retention = body.messageRetentionDuration === undefined ? null : parseRestDuration(body.messageRetentionDuration, 'messageRetentionDuration');
    const created = await this.backend.createTopic({ name, labels: body.labels ?? {}, messageRetentionDuration: retention });
    return { body: topicJson(created) };
  }

  /** Turns emulator (gRPC) errors into Google's REST error envelope. */
  private async forward(fn: () => Promise<SimResponse>): Promise<SimResponse> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof SimError) throw err;
      const code = err instanceof PubsubError ? err.code : (err as { code?: unknown }).code;
      if (typeof code === 'number' && GRPC_TO_HTTP[code]) {
        const message = err instanceof PubsubError ? err.message : ((err as { details?: string }).details ?? (err as Error).message);
        throw new SimError(GRPC_TO_HTTP[code], message);
      }
      throw err;
    }
  }

  snapshot(): unknown {
    // The emulator owns (and persists) Pub/Sub state; this is a read-only view for the admin endpoint.
    return { publishedViaRest: this.published, subscriptions: this.backend.stats() ?? null };
  }

  summary(): Record<string, number> {
    const stats = this.backend.stats();
    if (!stats) return { publishedViaRest: this.published };
    return {
      publishedViaRest: this.published,
      subscriptions: stats.length,
      unackedMessages: stats.reduce((n, s) => n + s.unacked, 0),
    };
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

function decodeRestMessage(raw: unknown, i: number): { data: Buffer; attributes: unknown; orderingKey: unknown } {
  if (!raw || typeof raw !== 'object') throw new SimError(400, `Invalid value at 'messages[${i}]': expected an object.`, 'INVALID_ARGUMENT');
  const m = raw as { data?: unknown; attributes?: unknown; orderingKey?: unknown };
  if (m.data !== undefined && (typeof m.data !== 'string' || !BASE64.test(m.data))) {
    throw new SimError(400, `Invalid value at 'messages[${i}].data' (TYPE_BYTES), Base64 decoding failed for "${String(m.data).slice(0, 40)}"`, 'INVALID_ARGUMENT');
  }
  if (m.attributes !== undefined && (typeof m.attributes !== 'object' || m.attributes === null || Array.isArray(m.attributes))) {
    throw new SimError(400, `Invalid value at 'messages[${i}].attributes': expected a map of strings.`, 'INVALID_ARGUMENT');
  }
  if (m.orderingKey !== undefined && typeof m.orderingKey !== 'string') {
    throw new SimError(400, `Invalid value at 'messages[${i}].ordering_key': expected a string.`, 'INVALID_ARGUMENT');
  }
  return { data: Buffer.from(typeof m.data === 'string' ? m.data : '', 'base64'), attributes: m.attributes, orderingKey: m.orderingKey };
}

function parseRestDuration(value: string, field: string): { seconds: number; nanos: number } {
  const match = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(value);
  if (!match) throw new SimError(400, `Invalid value at '${field}' (type.googleapis.com/google.protobuf.Duration): "${value}"`, 'INVALID_ARGUMENT');
  return { seconds: Number(match[1]), nanos: match[2] ? Number(match[2].padEnd(9, '0')) : 0 };
}

function topicJson(t: TopicConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { name: t.name };
  if (t.labels && Object.keys(t.labels).length) out.labels = t.labels;
  const retention = durationMs(t.messageRetentionDuration);
  if (retention !== undefined) out.messageRetentionDuration = `${retention / 1000}s`;
  out.state = typeof t.state === 'string' ? t.state : 'ACTIVE';
  return out;
}

function requestObject(json: unknown, type: string): Record<string, unknown> {
  if (json === undefined || json === null) return {};
  if (typeof json !== 'object' || Array.isArray(json)) throw new SimError(400, `Invalid JSON payload: expected a ${type} object.`, 'INVALID_ARGUMENT');
  return json as Record<string, unknown>;
}

function ackIdsOf(body: Record<string, unknown>): string[] {
  const ids = body.ackIds;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw new SimError(400, `Invalid value at 'ack_ids': expected a list of strings, got ${JSON.stringify(ids)}.`, 'INVALID_ARGUMENT');
  }
  return ids as string[];
}

const SUBSCRIPTION_FIELDS = new Set([
  'name', 'topic', 'pushConfig', 'ackDeadlineSeconds', 'retainAckedMessages', 'messageRetentionDuration', 'labels',
  'enableMessageOrdering', 'expirationPolicy', 'filter', 'deadLetterPolicy', 'retryPolicy', 'detached',
  'enableExactlyOnceDelivery', 'bigqueryConfig', 'cloudStorageConfig',
]);

/** A REST Subscription body → the emulator's proto-JSON config (durations "600s" → {seconds, nanos}). */
function restSubscription(json: unknown, name: string): Partial<SubscriptionConfig> {
  const b = requestObject(json, 'Subscription');
  for (const k of Object.keys(b)) {
    if (!SUBSCRIPTION_FIELDS.has(k)) throw new SimError(400, `Invalid JSON payload received. Unknown name "${k}" at 'subscription': Cannot find field.`, 'INVALID_ARGUMENT');
  }
  if (b.name !== undefined && b.name !== name) throw new SimError(400, `Subscription name in the body (${String(b.name)}) does not match the URL (${name}).`, 'INVALID_ARGUMENT');
  if (typeof b.topic !== 'string' || !b.topic) throw new SimError(400, "Invalid value at 'topic': a topic name (projects/{project}/topics/{topic}) is required.", 'INVALID_ARGUMENT');
  if (b.ackDeadlineSeconds !== undefined && (typeof b.ackDeadlineSeconds !== 'number' || !Number.isInteger(b.ackDeadlineSeconds))) {
    throw new SimError(400, `Invalid value at 'ack_deadline_seconds' (TYPE_INT32), ${JSON.stringify(b.ackDeadlineSeconds)}`, 'INVALID_ARGUMENT');
  }
  const config: Record<string, unknown> = { ...b, name };
  if (b.messageRetentionDuration !== undefined) config.messageRetentionDuration = parseRestDuration(String(b.messageRetentionDuration), 'messageRetentionDuration');
  const expiration = b.expirationPolicy as { ttl?: unknown } | undefined;
  if (expiration && typeof expiration === 'object') {
    config.expirationPolicy = { ttl: expiration.ttl === undefined ? null : parseRestDuration(String(expiration.ttl), 'expirationPolicy.ttl') };
  }
  const retry = b.retryPolicy as { minimumBackoff?: unknown; maximumBackoff?: unknown } | undefined;
  if (retry && typeof retry === 'object') {
    config.retryPolicy = {
      minimumBackoff: retry.minimumBackoff === undefined ? null : parseRestDuration(String(retry.minimumBackoff), 'retryPolicy.minimumBackoff'),
      maximumBackoff: retry.maximumBackoff === undefined ? null : parseRestDuration(String(retry.maximumBackoff), 'retryPolicy.maximumBackoff'),
    };
  }
  return config as Partial<SubscriptionConfig>;
}

function restDuration(d: Duration | null | undefined): string | undefined {
  const ms = durationMs(d);
  return ms === undefined ? undefined : `${ms / 1000}s`;
}

/** The emulator's config as the REST Subscription resource (proto3 JSON: defaults omitted, durations as "Ns"). */
function subscriptionJson(c: SubscriptionConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { name: c.name, topic: c.topic };
  const push = c.pushConfig;
  out.pushConfig = push && push.pushEndpoint ? { pushEndpoint: push.pushEndpoint, ...(push.attributes && Object.keys(push.attributes).length ? { attributes: push.attributes } : {}) } : {};
  out.ackDeadlineSeconds = Number(c.ackDeadlineSeconds);
  if (c.retainAckedMessages) out.retainAckedMessages = true;
  const retention = restDuration(c.messageRetentionDuration);
  if (retention) out.messageRetentionDuration = retention;
  if (c.labels && Object.keys(c.labels).length) out.labels = c.labels;
  if (c.enableMessageOrdering) out.enableMessageOrdering = true;
  if (c.expirationPolicy) {
    const ttl = restDuration(c.expirationPolicy.ttl);
    out.expirationPolicy = ttl ? { ttl } : {};
  }
  if (c.filter) out.filter = c.filter;
  if (c.deadLetterPolicy && c.deadLetterPolicy.deadLetterTopic) out.deadLetterPolicy = { deadLetterTopic: c.deadLetterPolicy.deadLetterTopic, maxDeliveryAttempts: Number(c.deadLetterPolicy.maxDeliveryAttempts) };
  if (c.retryPolicy) out.retryPolicy = { minimumBackoff: restDuration(c.retryPolicy.minimumBackoff), maximumBackoff: restDuration(c.retryPolicy.maximumBackoff) };
  if (c.detached) out.detached = true;
  if (c.enableExactlyOnceDelivery) out.enableExactlyOnceDelivery = true;
  out.state = typeof c.state === 'string' && c.state !== 'STATE_UNSPECIFIED' ? c.state : 'ACTIVE';
  return out;
}

/** A ReceivedMessage as REST carries it: data in base64, publishTime in RFC 3339. */
function receivedMessageJson(m: PulledMessage): Record<string, unknown> {
  const message: Record<string, unknown> = { data: m.data.toString('base64'), messageId: m.messageId, publishTime: new Date(m.publishTimeMs).toISOString() };
  if (Object.keys(m.attributes).length) message.attributes = m.attributes;
  if (m.orderingKey) message.orderingKey = m.orderingKey;
  const out: Record<string, unknown> = { ackId: m.ackId, message };
  if (m.deliveryAttempt) out.deliveryAttempt = m.deliveryAttempt;
  return out;
}
