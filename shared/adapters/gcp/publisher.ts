/**
 * Publisher on @google-cloud/pubsub: one PubSub client and one Topic per topic name, both made
 * on first use. With `emulatorHost` the client talks plaintext gRPC to the local emulator (as
 * PUBSUB_EMULATOR_HOST would); without it, Application Default Credentials and Google's endpoint.
 * The client's own publish retry runs for up to 10 minutes by default; it is bounded here so a
 * failing publish surfaces as a TransientError the runtime can redeliver.
 */
import { PubSub, type ClientConfig, type Topic } from '@google-cloud/pubsub';
import type { Publisher } from '../../ports/publisher.ts';
import { PermanentError, ValidationError } from '../../runtime/errors.ts';
import { callApi } from './common/errors.ts';

export interface PubsubPublisherConfig {
  projectId: string;
  /** host:port of a Pub/Sub emulator on loopback. */
  emulatorHost?: string;
  /**
   * With `emulatorHost`: the auth client a local run injects, so google-gax does not ask
   * Application Default Credentials (and so the metadata server) for a universe domain.
   */
  emulatorAuthClient?: object;
  /** Per-publish deadline (ms of real time), including the client's retries. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a retryable failure inside one publish. Default 2. */
  maxRetries?: number;
}

/** https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names */
const TOPIC_ID = /^(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
const TOPIC_NAME = /^projects\/[^/]+\/topics\/((?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254})$/;

export class PubsubPublisher implements Publisher {
  private readonly topics = new Map<string, Topic>();
  private pubsub?: PubSub;

  constructor(private readonly config: PubsubPublisherConfig) {}

  async publish(topic: string, data: unknown, attributes: Record<string, string> = {}): Promise<string> {
    const id = topicId(topic, this.config.projectId);
    let json: string | undefined;
    try { json = JSON.stringify(data); } catch (err) {
      throw new ValidationError([{ path: 'data', message: `cannot be JSON-encoded: ${(err as Error).message}` }], `message for ${id}`);
    }
    if (json === undefined) throw new ValidationError([{ path: 'data', message: 'is undefined or a function; nothing to publish' }], `message for ${id}`);
    for (const [k, v] of Object.entries(attributes)) {
      if (typeof v !== 'string') throw new ValidationError([{ path: `attributes.${k}`, message: `must be a string, got ${typeof v}` }], `message for ${id}`);
    }
    return callApi(`pubsub.topics.publish(${id})`, () => this.topic(id).publishMessage({ data: Buffer.from(json), attributes }));
  }

  /** Flushes pending batches and closes the client (tests and shutdown). */
  async close(): Promise<void> {
    for (const topic of this.topics.values()) await topic.flush().catch(() => undefined);
    await this.pubsub?.close();
  }

  private client(): PubSub {
    if (!this.pubsub) {
      const host = this.config.emulatorHost;
      if (host && !/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(host)) {
        throw new PermanentError(`emulatorHost must be a loopback host:port, got ${host}`, { where: 'emulatorHost' });
      }
      const options: ClientConfig = host
        ? { projectId: this.config.projectId, apiEndpoint: host, emulatorMode: true, ...(this.config.emulatorAuthClient ? { authClient: this.config.emulatorAuthClient as never } : {}) }
        : { projectId: this.config.projectId };
      this.pubsub = new PubSub(options);
    }
    return this.pubsub;
  }

  private topic(id: string): Topic {
    let topic = this.topics.get(id);
    if (!topic) {
      topic = this.client().topic(id, {
        gaxOpts: { timeout: this.config.timeoutMs ?? 30_000, maxRetries: this.config.maxRetries ?? 2 },
      });
      this.topics.set(id, topic);
    }
    return topic;
  }
}

function topicId(topic: string, projectId: string): string {
  const full = TOPIC_NAME.exec(topic);
  if (full) {
    if (!topic.startsWith(`projects/${projectId}/`)) {
      throw new ValidationError([{ path: 'topic', message: `${topic} belongs to another project than ${projectId}` }], 'publish');
    }
    return full[1]!;
  }
  if (!TOPIC_ID.test(topic)) {
    throw new ValidationError([{ path: 'topic', message: `"${topic}" is not a valid topic id (3-255 chars, starts with a letter, not "goog")` }], 'publish');
  }
  return topic;
}
