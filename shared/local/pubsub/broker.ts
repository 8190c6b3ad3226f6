/**
 * The emulator's core, independent of gRPC: topics, subscriptions, fan-out on publish, leases,
 * acks, nacks, retry backoff, dead-lettering, ordering keys, exactly-once delivery, retention,
 * snapshots and seek. Every state change is written through the store before the call returns;
 * time comes from the injected Clock.
 */
import type { Clock } from '../../ports/clock.ts';
import { AckIds, validateAckIds, validateDeadline } from './ack-ids.ts';
import { applySubscriptionUpdate, applyTopicUpdate, normalizeSubscription, normalizeTopic } from './config.ts';
import { parseProject, parseSubscriptionName, parseTopicName } from './names.ts';
import type { IncomingMessage } from './publish-validation.ts';
import { seekRows, type SeekTarget } from './seek.ts';
import { SnapshotRegistry, type SnapshotState } from './snapshots.ts';
import { alreadyExists, exactlyOnceAckFailure, failedPrecondition, invalidArgument, notFound } from './status.ts';
import type { PubsubStore } from './store.ts';
import { TopicRetention } from './topic-retention.ts';
import { SubscriptionState, type AckOutcome, type Consumer, type Pending } from './subscription-state.ts';
import { DELETED_TOPIC, durationMs, type PushConfig, type SnapshotConfig, type StoredMessage, type SubscriptionConfig, type TopicConfig } from './types.ts';
import { WakeUp } from './wakeup.ts';

export type Logger = (msg: string, fields?: Record<string, unknown>) => void;

/** A push worker for one subscription; the broker owns its lifetime. */
export interface PushWorker extends Consumer {
  close(): void;
}
export type PushWorkerFactory = (subscription: string, config: PushConfig) => PushWorker;

export interface BrokerOptions {
  store: PubsubStore;
  clock: Clock;
  /** True when the clock is the system clock, so cancellable setTimeout can be used. */
  realTime: boolean;
  logger: Logger;
}

/** Without a retry policy, push still backs off (a failing endpoint is not hammered); Pub/Sub does the same. */
const PUSH_DEFAULT_MIN_BACKOFF_MS = 100;
const PUSH_DEFAULT_MAX_BACKOFF_MS = 60_000;
/** Upper bound on messages handed over in one delivery batch. */
const MAX_BATCH = 1000;

export interface SubscriptionStats {
  subscription: string;
  topic: string;
  push: boolean;
  unacked: number;
  leased: number;
  delayed: number;
  waiting: number;
  ready: number;
  /** Acknowledged messages kept for seek (retain_acked_messages). */
  retained: number;
  consumers: number;
}

/** What an acknowledgement request did, per ack id. */
export interface AckResult {
  /** Expired, superseded, already acked or from an earlier emulator run. */
  unknown: string[];
}

export class Broker {
  readonly topics = new Map<string, TopicConfig>();
  readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly pushWorkers = new Map<string, PushWorker>();
  private readonly subscriptionsByTopic = new Map<string, Set<string>>();
  private readonly dispatchQueued = new Set<string>();
  private readonly subscriptionListeners = new Map<string, Set<() => void>>();
  private dispatchScheduled = false;
  private readonly wakeUp: WakeUp;
  private readonly ackIds = new AckIds();
  readonly snapshots: SnapshotRegistry;
  private readonly topicRetention: TopicRetention;
  private nextMessageId: number;
  private pushFactory: PushWorkerFactory | undefined;
  private closed = false;

  constructor(private readonly options: BrokerOptions) {
    this.wakeUp = new WakeUp(options.clock, options.realTime, () => this.tick());
    const { store } = options;
    for (const topic of store.loadTopics()) this.topics.set(topic.name, topic);
    for (const config of store.loadSubscriptions()) this.attach(new SubscriptionState(config));
    this.snapshots = new SnapshotRegistry(store);
    this.topicRetention = new TopicRetention(store);
    const now = this.now();
    let restored = 0;
    for (const rec of store.loadPending()) {
      const sub = this.subscriptions.get(rec.subscription);
      if (!sub) continue;
      if (!rec.acked) {
        sub.enqueue(rec.message, rec.attempts, now);
        restored++;
      } else if (!sub.restoreAcked(rec.message, now)) {
        store.removeMessages(rec.subscription, [rec.message.messageId]);
      }
    }
    this.nextMessageId = store.loadNextMessageId();
    if (restored > 0) options.logger('pubsub emulator restored unacked messages', { messages: restored, subscriptions: this.subscriptions.size });
    this.tick();
  }

  /** Push delivery is wired after construction because push workers call back into the broker. */
  enablePush(factory: PushWorkerFactory): void {
    this.pushFactory = factory;
    for (const sub of this.subscriptions.values()) this.syncPushWorker(sub);
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }

  private attach(sub: SubscriptionState): void {
    this.subscriptions.set(sub.config.name, sub);
    let set = this.subscriptionsByTopic.get(sub.config.topic);
    if (!set) this.subscriptionsByTopic.set(sub.config.topic, (set = new Set()));
    set.add(sub.config.name);
  }

  private syncPushWorker(sub: SubscriptionState): void {
    const name = sub.config.name;
    const existing = this.pushWorkers.get(name);
    if (existing) {
      existing.close();
      this.pushWorkers.delete(name);
      const idx = sub.consumers.indexOf(existing);
      if (idx >= 0) sub.consumers.splice(idx, 1);
    }
    if (sub.config.pushConfig && this.pushFactory) {
      const worker = this.pushFactory(name, sub.config.pushConfig);
      this.pushWorkers.set(name, worker);
      sub.consumers.push(worker);
      this.scheduleDispatch(name);
    }
  }

  // ---- topics -------------------------------------------------------------------------------

  createTopic(input: Partial<TopicConfig>): TopicConfig {
    const topic = normalizeTopic(input);
    if (this.topics.has(topic.name)) throw alreadyExists(`Topic already exists: ${topic.name}`);
    this.options.store.saveTopic(topic);
    this.topics.set(topic.name, topic);
    return topic;
  }

  getTopic(name: unknown): TopicConfig {
    const { name: n } = parseTopicName(name);
    const topic = this.topics.get(n);
    if (!topic) throw notFound(`Topic not found: ${n}`);
    return topic;
  }

  updateTopic(patch: Partial<TopicConfig>, paths: string[]): TopicConfig {
    const current = this.getTopic(patch?.name);
    const next = applyTopicUpdate(current, patch, paths);
    this.options.store.saveTopic(next);
    this.topics.set(next.name, next);
    this.topicRetention.prune(this.topics, this.now());
    return next;
  }

  listTopics(project: unknown): TopicConfig[] {
    const p = parseProject(project);
    return [...this.topics.values()].filter((t) => t.name.startsWith(`projects/${p}/topics/`)).sort((a, b) => a.name.localeCompare(b.name));
  }

  listTopicSubscriptions(topic: unknown): string[] {
    const t = this.getTopic(topic);
    return [...(this.subscriptionsByTopic.get(t.name) ?? [])].sort();
  }

  /** Like Pub/Sub: the subscriptions stay, pointing at `_deleted-topic_`. */
  deleteTopic(name: unknown): void {
    const topic = this.getTopic(name);
    this.topics.delete(topic.name);
    this.options.store.deleteTopic(topic.name);
    this.topicRetention.prune(this.topics, this.now());
    const subs = this.subscriptionsByTopic.get(topic.name);
    this.subscriptionsByTopic.delete(topic.name);
    for (const subName of subs ?? []) {
      const sub = this.subscriptions.get(subName)!;
      sub.config = { ...sub.config, topic: DELETED_TOPIC };
      this.options.store.saveSubscription(sub.config);
    }
  }

  // ---- publish ------------------------------------------------------------------------------

  publish(topicName: unknown, messages: IncomingMessage[]): string[] {
    const topic = this.getTopic(topicName);
    const publishTimeMs = this.now();
    const stored: StoredMessage[] = messages.map((m) => ({
      messageId: String(this.nextMessageId++),
      data: m.data,
      attributes: m.attributes,
      orderingKey: m.orderingKey,
      publishTimeMs,
    }));
    // A filtered-out message is acknowledged for that subscription on arrival, as Pub/Sub does.
    const targets = [...(this.subscriptionsByTopic.get(topic.name) ?? [])].map((name) => {
      const sub = this.subscriptions.get(name)!;
      return { sub, messages: stored.filter((m) => sub.accepts(m)) };
    });
    const deliveries = targets.flatMap(({ sub, messages: ms }) => ms.map((m) => ({ subscription: sub.config.name, messageId: m.messageId })));
    const capturing = this.snapshots.capturing(topic.name, publishTimeMs);
    const snapshots = capturing.flatMap((snap) => stored.map((m) => ({ snapshot: snap.config.name, messageId: m.messageId })));
    const retainedByTopic = TopicRetention.retains(topic);
    this.options.store.addMessages({ messages: stored, deliveries, snapshots, topic: retainedByTopic ? topic.name : undefined, nextMessageId: this.nextMessageId });
    if (retainedByTopic) {
      this.topicRetention.add(topic.name, stored);
      this.wakeUp.at(publishTimeMs + durationMs(topic.messageRetentionDuration)!);
    }
    for (const snap of capturing) for (const m of stored) snap.messages.set(m.messageId, m);
    for (const { sub, messages: ms } of targets) {
      if (ms.length === 0) continue;
      for (const m of ms) sub.enqueue(m, 0, publishTimeMs);
      this.scheduleRetention(sub);
      this.scheduleDispatch(sub.config.name);
    }
    return stored.map((m) => m.messageId);
  }

  // ---- subscriptions ------------------------------------------------------------------------

  private topicExists = (name: string) => this.topics.has(name);

  createSubscription(input: Partial<SubscriptionConfig>): SubscriptionConfig {
    const config = normalizeSubscription(input, this.topicExists);
    if (this.subscriptions.has(config.name)) throw alreadyExists(`Subscription already exists: ${config.name}`);
    if (!this.topics.has(config.topic)) throw notFound(`Topic not found: ${config.topic}`);
    this.options.store.saveSubscription(config);
    const sub = new SubscriptionState(config);
    this.attach(sub);
    this.syncPushWorker(sub);
    return config;
  }

  private sub(name: unknown, field = 'subscription'): SubscriptionState {
    const { name: n } = parseSubscriptionName(name, field);
    const sub = this.subscriptions.get(n);
    if (!sub) throw notFound(`Subscription does not exist: ${n}`);
    return sub;
  }

  getSubscription(name: unknown): SubscriptionConfig {
    return this.sub(name).config;
  }

  listSubscriptions(project: unknown): SubscriptionConfig[] {
    const p = parseProject(project);
    return [...this.subscriptions.values()]
      .map((s) => s.config)
      .filter((c) => c.name.startsWith(`projects/${p}/subscriptions/`))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  updateSubscription(patch: Partial<SubscriptionConfig>, paths: string[]): SubscriptionConfig {
    const sub = this.sub(patch?.name, 'subscription.name');
    const before = sub.config;
    const next = applySubscriptionUpdate(before, patch, paths, this.topicExists);
    this.options.store.saveSubscription(next);
    sub.config = next;
    if (before.retainAckedMessages && !next.retainAckedMessages) {
      const dropped = [...sub.retained.keys()];
      sub.retained.clear();
      this.options.store.removeMessages(next.name, dropped);
    }
    if (JSON.stringify(before.pushConfig) !== JSON.stringify(next.pushConfig)) this.syncPushWorker(sub);
    this.scheduleDispatch(next.name);
    return next;
  }

  modifyPushConfig(name: unknown, pushConfig: PushConfig | null): void {
    const sub = this.sub(name);
    this.updateSubscription({ name: sub.config.name, pushConfig }, ['push_config']);
  }

  deleteSubscription(name: unknown): void {
    const sub = this.sub(name);
    const n = sub.config.name;
    this.options.store.deleteSubscription(n);
    this.subscriptions.delete(n);
    this.subscriptionsByTopic.get(sub.config.topic)?.delete(n);
    const worker = this.pushWorkers.get(n);
    if (worker) {
      worker.close();
      this.pushWorkers.delete(n);
    }
    sub.clear();
    this.subscriptionListeners.get(n)?.forEach((fn) => fn());
    this.subscriptionListeners.delete(n);
  }

  /** Lets a stream learn that its subscription was deleted. Returns an unsubscribe function. */
  onSubscriptionDeleted(name: string, fn: () => void): () => void {
    let set = this.subscriptionListeners.get(name);
    if (!set) this.subscriptionListeners.set(name, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  // ---- consumers and delivery ---------------------------------------------------------------

  addConsumer(name: unknown, consumer: Consumer): SubscriptionConfig {
    const sub = this.sub(name);
    sub.consumers.push(consumer);
    this.scheduleDispatch(sub.config.name);
    return sub.config;
  }

  removeConsumer(name: string, consumer: Consumer): void {
    const sub = this.subscriptions.get(name);
    if (!sub) return;
    const idx = sub.consumers.indexOf(consumer);
    if (idx >= 0) sub.consumers.splice(idx, 1);
  }

  /** Capacity freed up or messages became ready: deliver on the next macrotask, batched. */
  scheduleDispatch(name: string): void {
    if (this.closed) return;
    this.dispatchQueued.add(name);
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      const names = [...this.dispatchQueued];
      this.dispatchQueued.clear();
      for (const n of names) this.dispatch(n);
    });
  }

  /** Delivers what is ready right now to consumers with capacity (used directly by Pull). */
  dispatch(name: string): void {
    if (this.closed) return;
    const sub = this.subscriptions.get(name);
    if (!sub || !sub.hasReady()) return;
    const now = this.now();
    for (const consumer of sub.consumersInTurn()) {
      let { messages: room, bytes: roomBytes } = consumer.capacity();
      if (room <= 0 || roomBytes <= 0) continue;
      const batch: Pending[] = [];
      while (room > 0 && roomBytes > 0 && batch.length < MAX_BATCH) {
        const p = sub.take(consumer);
        if (!p) break;
        if (this.expiredByRetention(sub, p, now)) continue;
        sub.lease(p, consumer, this.ackIds.next(name), now + consumer.ackDeadlineSeconds() * 1000, now);
        this.wakeUp.at(p.leaseExpiresAt);
        batch.push(p);
        room--;
        roomBytes -= p.bytes;
      }
      if (batch.length > 0) consumer.deliver(batch);
      if (!sub.hasReady()) return;
      // A full batch with room left: continue on the next macrotask instead of starving other work.
      if (batch.length === MAX_BATCH) this.scheduleDispatch(name);
    }
  }

  private expiredByRetention(sub: SubscriptionState, p: Pending, now: number): boolean {
    const retention = durationMs(sub.config.messageRetentionDuration) ?? Infinity;
    if (p.message.publishTimeMs + retention > now) return false;
    this.options.logger('pubsub emulator dropped a message past its subscription retention', {
      subscription: sub.config.name, messageId: p.message.messageId, attempts: p.attempts,
    });
    this.forget(sub, p, now);
    return true;
  }

  /** Drops a message for good (retention, dead-letter), with what its ordering key let go of. */
  private forget(sub: SubscriptionState, p: Pending, now: number): void {
    const dropped = sub.complete(p, now);
    this.options.store.removeMessages(sub.config.name, [p.message.messageId, ...dropped.map((d) => d.message.messageId)]);
  }

  private scheduleRetention(sub: SubscriptionState): void {
    const retention = durationMs(sub.config.messageRetentionDuration);
    if (retention === undefined) return;
    const first = sub.pending.values().next().value as Pending | undefined;
    if (first) this.wakeUp.at(first.message.publishTimeMs + retention);
  }

  /** Whether a delivery should report `delivery_attempt` (only with a dead-letter policy, as in Pub/Sub). */
  deliveryAttemptOf(name: string, p: Pending): number | undefined {
    return this.subscriptions.get(name)?.config.deadLetterPolicy ? p.attempts : undefined;
  }

  /**
   * Acknowledges; ack ids that are expired, superseded or already acked are ignored, as Pub/Sub
   * does, except on an exactly-once subscription, where they fail the request with
   * EXACTLY_ONCE_ACKID_FAILURE details naming each one (the valid ones are still applied).
   */
  acknowledge(name: unknown, ackIds: unknown): void {
    const sub = this.sub(name);
    const result = this.acknowledgeIds(sub, validateAckIds(ackIds, sub.config.name, this.ackIds));
    if (sub.config.enableExactlyOnceDelivery && result.unknown.length > 0) throw exactlyOnceAckFailure(result.unknown);
  }

  /** Acknowledges what it can and reports the rest (StreamingPull reports them in a confirmation). */
  acknowledgeIds(sub: SubscriptionState, ids: string[]): AckResult {
    const unknown: string[] = [];
    const now = this.now();
    const outcome: AckOutcome = { kept: [], dropped: [] };
    for (const id of ids) {
      const p = sub.leased.get(id);
      if (!p) {
        unknown.push(id);
        continue;
      }
      const o = sub.ack(p, now);
      outcome.kept.push(...o.kept);
      outcome.dropped.push(...o.dropped);
    }
    const n = sub.config.name;
    this.options.store.setAcked(n, outcome.kept.map((p) => p.message.messageId), true);
    this.options.store.removeMessages(n, outcome.dropped.map((p) => p.message.messageId));
    this.scheduleDispatch(n);
    return { unknown };
  }

  modifyAckDeadline(name: unknown, ackIds: unknown, seconds: number): void {
    const sub = this.sub(name);
    validateDeadline(seconds);
    const ids = validateAckIds(ackIds, sub.config.name, this.ackIds);
    const result = this.modifyAckDeadlineIds(sub, ids, seconds);
    if (sub.config.enableExactlyOnceDelivery && result.unknown.length > 0) throw exactlyOnceAckFailure(result.unknown);
  }

  modifyAckDeadlineIds(sub: SubscriptionState, ids: string[], seconds: number): AckResult {
    validateDeadline(seconds);
    const now = this.now();
    const failed: Pending[] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const p = sub.leased.get(id);
      if (!p) {
        unknown.push(id);
        continue;
      }
      if (seconds === 0) failed.push(p);
      else {
        p.leaseExpiresAt = now + seconds * 1000;
        this.wakeUp.at(p.leaseExpiresAt);
      }
    }
    this.redeliverOrDeadLetter(sub, failed, now);
    return { unknown };
  }

  /** Ack-id validation for a subscription the stream already resolved. */
  checkAckIds(sub: SubscriptionState, ackIds: unknown): string[] {
    return validateAckIds(ackIds, sub.config.name, this.ackIds);
  }

  /** A nack from a push worker (non-2xx, network error, timeout). */
  nack(name: string, ackId: string): void {
    const sub = this.subscriptions.get(name);
    const p = sub?.leased.get(ackId);
    if (!sub || !p) return;
    this.redeliverOrDeadLetter(sub, [p], this.now());
  }

  private backoffMs(sub: SubscriptionState, attempts: number): number {
    const policy = sub.config.retryPolicy;
    let min: number;
    let max: number;
    if (policy) {
      min = durationMs(policy.minimumBackoff) ?? 10_000;
      max = durationMs(policy.maximumBackoff) ?? 600_000;
    } else if (sub.config.pushConfig) {
      min = PUSH_DEFAULT_MIN_BACKOFF_MS;
      max = PUSH_DEFAULT_MAX_BACKOFF_MS;
    } else {
      return 0;
    }
    return Math.min(max, min * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  }

  private redeliverOrDeadLetter(sub: SubscriptionState, failed: Pending[], now: number): void {
    if (failed.length === 0) return;
    const name = sub.config.name;
    const dlp = sub.config.deadLetterPolicy;
    const attemptUpdates: Array<{ messageId: string; attempts: number }> = [];
    const reopened: string[] = [];
    const deadLettered: Pending[] = [];
    // Earliest first: a failed ordered message takes every later message of its key back with it.
    for (const p of [...failed].sort((a, b) => Number(a.message.messageId) - Number(b.message.messageId))) {
      if (p.state !== 'leased') continue;
      if (dlp && p.attempts >= dlp.maxDeliveryAttempts && this.topics.has(dlp.deadLetterTopic)) {
        deadLettered.push(p);
        continue;
      }
      if (dlp && p.attempts >= dlp.maxDeliveryAttempts) {
        this.options.logger('pubsub emulator cannot dead-letter: the dead-letter topic does not exist; redelivering', {
          subscription: name, deadLetterTopic: dlp.deadLetterTopic, messageId: p.message.messageId,
        });
      }
      const backoff = this.backoffMs(sub, p.attempts);
      const outcome = sub.fail(p, now + backoff, now);
      if (backoff > 0) this.wakeUp.at(now + backoff);
      attemptUpdates.push({ messageId: p.message.messageId, attempts: p.attempts });
      for (const r of outcome.revoked) attemptUpdates.push({ messageId: r.message.messageId, attempts: r.attempts });
      reopened.push(...outcome.reopened.map((r) => r.message.messageId));
    }
    this.options.store.updateAttempts(name, attemptUpdates);
    this.options.store.setAcked(name, reopened, false);
    if (deadLettered.length > 0) this.deadLetter(sub, deadLettered);
    // Requeued messages, freed capacity and (ordering) the next message of a dead-lettered key.
    this.scheduleDispatch(name);
  }

  private deadLetter(sub: SubscriptionState, messages: Pending[]): void {
    const { project, id } = parseSubscriptionName(sub.config.name);
    const dlt = sub.config.deadLetterPolicy!.deadLetterTopic;
    this.publish(dlt, messages.map((p) => ({
      data: p.message.data,
      orderingKey: p.message.orderingKey,
      attributes: {
        ...p.message.attributes,
        CloudPubSubDeadLetterSourceDeliveryCount: String(p.attempts),
        CloudPubSubDeadLetterSourceSubscription: id,
        CloudPubSubDeadLetterSourceSubscriptionProject: project,
        CloudPubSubDeadLetterSourceTopicPublishTime: new Date(p.message.publishTimeMs).toISOString().replace('Z', '+00:00'),
      },
    })));
    const now = this.now();
    for (const p of messages) this.forget(sub, p, now);
    this.options.logger('pubsub emulator dead-lettered messages', {
      subscription: sub.config.name, deadLetterTopic: dlt, messageIds: messages.map((p) => p.message.messageId),
    });
  }

  /** Fires at the earliest deadline: expires leases, ends backoffs, applies retention, re-arms. */
  private tick(): void {
    if (this.closed) return;
    const now = this.now();
    let next = Infinity;
    for (const sub of this.subscriptions.values()) {
      const expired: Pending[] = [];
      for (const p of sub.leased.values()) {
        if (p.leaseExpiresAt <= now) expired.push(p);
        else next = Math.min(next, p.leaseExpiresAt);
      }
      this.redeliverOrDeadLetter(sub, expired, now);
      if (sub.releaseDue(now) > 0) this.scheduleDispatch(sub.config.name);
      for (const p of sub.delayed) next = Math.min(next, p.availableAt);
      const retention = durationMs(sub.config.messageRetentionDuration);
      if (retention !== undefined) {
        for (const p of sub.pending.values()) {
          if (p.state === 'leased') continue;
          if (!this.expiredByRetention(sub, p, now)) { next = Math.min(next, p.message.publishTimeMs + retention); break; }
        }
        const expired = [...sub.retained.values()].filter((p) => p.message.publishTimeMs + retention <= now);
        for (const p of expired) sub.complete(p, now);
        this.options.store.removeMessages(sub.config.name, expired.map((p) => p.message.messageId));
        for (const p of sub.retained.values()) next = Math.min(next, p.message.publishTimeMs + retention);
      }
    }
    next = Math.min(next, this.snapshots.expire(now), this.topicRetention.prune(this.topics, now));
    this.wakeUp.at(next);
  }

  // ---- snapshots and seek -------------------------------------------------------------------

  createSnapshot(req: { name?: unknown; subscription?: unknown; labels?: unknown }): SnapshotConfig {
    const sub = this.sub(req.subscription);
    if (sub.config.topic === DELETED_TOPIC) throw failedPrecondition(`Cannot snapshot ${sub.config.name}: its topic was deleted.`);
    const unacked = [...sub.pending.values()].map((p) => p.message);
    const config = this.snapshots.create(req, { subscription: sub.config.name, topic: sub.config.topic, unacked }, this.now());
    this.wakeUp.at(config.expireTimeMs);
    return config;
  }

  getSnapshot(name: unknown): SnapshotConfig {
    return this.snapshots.get(name, this.now()).config;
  }

  listSnapshots(project: unknown): SnapshotConfig[] {
    return this.snapshots.list(project, this.now());
  }

  listTopicSnapshots(topic: unknown): string[] {
    return this.snapshots.listForTopic(this.getTopic(topic).name, this.now());
  }

  updateSnapshot(patch: Parameters<SnapshotRegistry['update']>[0], paths: string[]): SnapshotConfig {
    return this.snapshots.update(patch, paths, this.now());
  }

  deleteSnapshot(name: unknown): void {
    this.snapshots.delete(name, this.now());
  }

  /**
   * Rebuilds the subscription's state from the seek target. Outstanding leases are revoked, so
   * every message left unacknowledged is delivered again (Pub/Sub's seek is eventually consistent
   * and may redeliver too); with exactly-once delivery the old ack ids then fail.
   */
  seek(name: unknown, req: { time?: { seconds?: number | string; nanos?: number } | null; snapshot?: unknown }): void {
    const sub = this.sub(name);
    const now = this.now();
    let target: SeekTarget;
    if (req.snapshot) {
      const snapshot: SnapshotState = this.snapshots.get(req.snapshot, now);
      if (snapshot.config.topic !== sub.config.topic) {
        throw failedPrecondition(`The snapshot's topic (${snapshot.config.topic}) must be the same as the subscription's topic (${sub.config.topic}).`);
      }
      target = { kind: 'snapshot', snapshot };
    } else if (req.time) {
      const timeMs = Number(req.time.seconds ?? 0) * 1000 + Math.floor(Number(req.time.nanos ?? 0) / 1e6);
      if (!Number.isFinite(timeMs)) throw invalidArgument('time is not a valid timestamp.');
      target = { kind: 'time', timeMs };
    } else {
      throw invalidArgument('Seek requires a target: either time or snapshot.');
    }
    const topic = this.topics.get(sub.config.topic);
    const rows = seekRows(sub, target, now, topic ? this.topicRetention.messages(topic, now) : []);
    sub.clear();
    const stored = rows.filter((r) => (r.acked ? sub.restoreAcked(r.message, now) : (sub.enqueue(r.message, r.attempts, now), true)));
    this.options.store.replaceDeliveries(sub.config.name, stored);
    this.scheduleRetention(sub);
    this.scheduleDispatch(sub.config.name);
  }

  stats(): SubscriptionStats[] {
    return [...this.subscriptions.values()].map((s) => ({
      subscription: s.config.name,
      topic: s.config.topic,
      push: Boolean(s.config.pushConfig),
      ...s.counts(),
      consumers: s.consumers.length,
    }));
  }

  close(): void {
    this.closed = true;
    this.wakeUp.close();
    for (const worker of this.pushWorkers.values()) worker.close();
    this.pushWorkers.clear();
  }
}
