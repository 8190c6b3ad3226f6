/**
 * The Pub/Sub emulator: a gRPC server on 127.0.0.1 speaking google.pubsub.v1 from the protos
 * shipped with @google-cloud/pubsub, so the real client works unchanged with
 * PUBSUB_EMULATOR_HOST. Unlike Google's emulator it can persist topics, subscriptions and
 * unacked messages (`persistDir`), and it delivers push subscriptions as binary CloudEvents.
 */
import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../../ports/clock.ts';
import { Broker, type Logger, type SubscriptionStats } from './broker.ts';
import { publisherImplementation } from './grpc-publisher.ts';
import { subscriberImplementation, type SubscriberHandles } from './grpc-subscriber.ts';
import { loadPubsubServices } from './protos.ts';
import { DEFAULT_PUSH_CONCURRENCY, HttpPushWorker } from './push.ts';
import { SqliteStore } from './sqlite-store.ts';
import { MemoryStore, type PubsubStore } from './store.ts';
import type { SubscriptionConfig, TopicConfig } from './types.ts';

export interface PubsubEmulatorOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Keep topics, subscriptions and unacked messages in `persistDir/pubsub.sqlite`. */
  persistDir?: string;
  /** Message time (publish times, ack deadlines, backoff, retention); real time by default. */
  clock?: Clock;
  logger?: Logger;
  /** Concurrent push requests per push subscription. */
  pushConcurrency?: number;
  /**
   * Hold push delivery until `resumePush()`. After a restart, persisted push subscriptions still
   * point at the previous run's endpoints; pausing lets the caller repoint them first instead of
   * burning delivery attempts (and possibly dead-lettering) on dead ports.
   */
  pausePush?: boolean;
}

export interface PubsubEmulator {
  /** `127.0.0.1:PORT`, the value for PUBSUB_EMULATOR_HOST. */
  readonly host: string;
  readonly port: number;
  /** In-process access to topics and subscriptions (used by gcp-sim's REST facade and `stackctl status`). */
  readonly broker: Broker;
  /** Starts push delivery when the emulator was started with `pausePush`; idempotent. */
  resumePush(): void;
  /** Unacked / leased / backing-off message counts per subscription. */
  stats(): SubscriptionStats[];
  topics(): TopicConfig[];
  subscriptions(): SubscriptionConfig[];
  close(): Promise<void>;
}

const realClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const noLog: Logger = () => {};

/** gRPC's 4 MB default would reject a legal 10 MB publish before we could answer it properly. */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export async function startPubsubEmulator(options: PubsubEmulatorOptions = {}): Promise<PubsubEmulator> {
  const logger = options.logger ?? noLog;
  const store: PubsubStore = options.persistDir ? new SqliteStore(options.persistDir) : new MemoryStore();
  const broker = new Broker({ store, clock: options.clock ?? realClock, realTime: !options.clock, logger });
  let pushEnabled = false;
  const resumePush = () => {
    if (pushEnabled) return;
    pushEnabled = true;
    broker.enablePush((subscription, config) => new HttpPushWorker(broker, subscription, config, logger, options.pushConcurrency ?? DEFAULT_PUSH_CONCURRENCY));
  };
  if (!options.pausePush) resumePush();

  const services = loadPubsubServices();
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': -1,
    // The Node client pings every 5 minutes on idle streams; never answer that with GOAWAY.
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  });
  const handles: SubscriberHandles = { streams: new Set(), pullWaiters: new Set() };
  server.addService(services.publisher, publisherImplementation(broker, logger));
  server.addService(services.subscriber, subscriberImplementation(broker, logger, handles));

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  } catch (err) {
    broker.close();
    store.close();
    throw new Error(`Pub/Sub emulator could not listen on 127.0.0.1:${options.port ?? 0}: ${(err as Error).message}`);
  }
  const host = `127.0.0.1:${port}`;
  logger('pubsub emulator listening', { host, persistDir: options.persistDir ?? null });

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    broker,
    resumePush,
    stats: () => broker.stats(),
    topics: () => [...broker.topics.values()],
    subscriptions: () => [...broker.subscriptions.values()].map((s) => s.config),
    close: () => {
      closing ??= (async () => {
        broker.close();
        for (const answer of [...handles.pullWaiters]) answer();
        for (const stream of [...handles.streams]) {
          if (!stream.cancelled) stream.emit('error', { code: grpc.status.UNAVAILABLE, details: 'Pub/Sub emulator is shutting down.' });
        }
        await new Promise<void>((resolve) => {
          // Give in-flight unary calls a moment to finish, then cut whatever is left.
          const force = setTimeout(() => { server.forceShutdown(); resolve(); }, 1000);
          server.tryShutdown(() => { clearTimeout(force); resolve(); });
        });
        store.close();
        logger('pubsub emulator stopped', { host });
      })();
      return closing;
    },
  };
}
