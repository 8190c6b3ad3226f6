/**
 * Pub/Sub v1 REST (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics), the
 * part the Cloud Workflows connector `googleapis.pubsub.v1.projects.topics.publish` and simple
 * REST callers use: topics publish/get/create/delete/list. gcp-sim holds no Pub/Sub state of its
 * own: every call is forwarded to the Pub/Sub emulator, in-process (an emulator handle) or over
 * gRPC (its host), so a message published here is the same message the functions receive.
 */
import * as grpc from '@grpc/grpc-js';
import { v1 } from '@google-cloud/pubsub';
import { SimError } from '../errors.ts';
import type { Router, SimRequest, SimResponse } from '../router.ts';
import type { SimService } from '../service.ts';
import type { SubscriptionStats } from '../../pubsub/broker.ts';
import type { PubsubEmulator } from '../../pubsub/emulator.ts';
import { validatePublish, type IncomingMessage } from '../../pubsub/publish-validation.ts';
import { PubsubError } from '../../pubsub/status.ts';
import { durationMs, type TopicConfig } from '../../pubsub/types.ts';

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
  close(): Promise<void>;
}

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
  async close() {}
}

/** Talks to a separately running emulator with the real generated client. */
class GrpcBackend implements Backend {
  private client: v1.PublisherClient | undefined;
  constructor(private readonly host: string) {}
  stats() { return undefined; }
  private publisher(): v1.PublisherClient {
    if (!this.client) {
      const [servicePath, port] = this.host.split(':');
      this.client = new v1.PublisherClient({ servicePath, port: Number(port), sslCreds: grpc.credentials.createInsecure() });
    }
    return this.client;
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
  async close() { await this.client?.close(); }
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
    router.add('POST', '/v1/projects/{project}/topics/{topic}:publish', 'pubsub.projects.topics.publish', (r) => this.forward(() => this.publish(r, topic(r.params))));
    router.add('GET', '/v1/projects/{project}/topics/{topic}', 'pubsub.projects.topics.get', (r) => this.forward(async () => ({ body: topicJson(await this.backend.getTopic(topic(r.params))) })));
    router.add('PUT', '/v1/projects/{project}/topics/{topic}', 'pubsub.projects.topics.create', (r) => this.forward(() => this.create(r, topic(r.params))));
    router.add('DELETE', '/v1/projects/{project}/topics/{topic}', 'pubsub.projects.topics.delete', (r) => this.forward(async () => {
      await this.backend.deleteTopic(topic(r.params));
      return { body: {} };
    }));
    router.add('GET', '/v1/projects/{project}/topics', 'pubsub.projects.topics.list', (r) => this.forward(async () => {
      const topics = await this.backend.listTopics(r.params.project!);
      return { body: topics.length ? { topics: topics.map(topicJson) } : {} };
    }));
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
