/**
 * The live queue of one subscription: which messages are ready, backing off after a nack, leased
 * to a consumer, or acknowledged but still kept (retain_acked_messages, or an ordering key whose
 * earlier message is still unacked). The broker drives the transitions; this class keeps the
 * bookkeeping consistent.
 *
 *   ready ──take──▶ leased ──ack──▶ acked (kept) or gone
 *     ▲               │ nack / deadline expiry
 *     └── delayed ◀───┘ (retry backoff; immediate without a retry policy)
 *
 * Ordering keys (https://cloud.google.com/pubsub/docs/ordering): the messages of a key are
 * delivered in publish order, to one consumer at a time, and several may be outstanding at once.
 * When one is nacked or its deadline expires, it and every later message of the key are delivered
 * again, in order, including those already acknowledged. A key forgets an acked message once every
 * earlier message of the key is acked.
 */
import { compileFilter, type AttributePredicate } from './filter.ts';
import type { StoredMessage, SubscriptionConfig } from './types.ts';

/** `waiting`: an ordered message behind the next deliverable one of its key. */
export type PendingState = 'ready' | 'waiting' | 'delayed' | 'leased' | 'acked';

export interface Pending {
  message: StoredMessage;
  /** Deliveries so far (the next delivery reports attempts + 1). */
  attempts: number;
  state: PendingState;
  availableAt: number;
  leaseExpiresAt: number;
  ackId: string;
  consumer: Consumer | undefined;
  bytes: number;
}

/** Anything messages are handed to: a StreamingPull stream, a waiting Pull, a push worker. */
export interface Consumer {
  readonly kind: 'stream' | 'pull' | 'push';
  /** How many more messages / bytes it accepts now (0 messages = none). */
  capacity(): { messages: number; bytes: number };
  ackDeadlineSeconds(): number;
  deliver(batch: Pending[]): void;
  /** A message it held was acked, nacked, expired or revoked. */
  release(p: Pending): void;
}

/** The ordered messages of one key not yet forgotten: items before `next` are leased or acked. */
interface KeyLog {
  items: Pending[];
  next: number;
  /** How many of its messages are leased, and to whom (one consumer at a time). */
  leased: number;
  holder: Consumer | undefined;
}

/** What an acknowledgement did to the stored state. */
export interface AckOutcome {
  /** Now acknowledged but still kept (retained, or held by its ordering key). */
  kept: Pending[];
  /** Gone for good. */
  dropped: Pending[];
}

/** What a failed delivery (nack, expiry) did beyond requeueing the message itself. */
export interface FailOutcome {
  /** Later messages of the same key whose leases were revoked. */
  revoked: Pending[];
  /** Later messages of the same key that were acked and are unacknowledged again. */
  reopened: Pending[];
}

const byPublishOrder = (a: Pending, b: Pending) => Number(a.message.messageId) - Number(b.message.messageId);

export class SubscriptionState {
  /** Unacknowledged messages, whatever their state. */
  readonly pending = new Map<string, Pending>();
  /** Acknowledged messages kept for seek (retain_acked_messages). */
  readonly retained = new Map<string, Pending>();
  readonly leased = new Map<string, Pending>();
  readonly delayed = new Set<Pending>();
  readonly consumers: Consumer[] = [];
  private ready: Pending[] = [];
  private readyHead = 0;
  private retry: Pending[] = [];
  private retryHead = 0;
  private readonly keys = new Map<string, KeyLog>();
  /** Keys whose next message is ready to go. */
  private readonly readyKeys = new Set<string>();
  private roundRobin = 0;

  private compiledFilter: { source: string; matches: AttributePredicate } | undefined;

  constructor(public config: SubscriptionConfig) {}

  /** Whether a published message belongs to this subscription (its filter, if any). */
  accepts(message: StoredMessage): boolean {
    if (!this.config.filter) return true;
    if (this.compiledFilter?.source !== this.config.filter) {
      this.compiledFilter = { source: this.config.filter, matches: compileFilter(this.config.filter) };
    }
    return this.compiledFilter.matches(message.attributes);
  }

  private ordered(p: Pending): boolean {
    return this.config.enableMessageOrdering && p.message.orderingKey !== '';
  }

  private newPending(message: StoredMessage, attempts: number, now: number): Pending {
    return {
      message, attempts, state: 'ready', availableAt: now, leaseExpiresAt: 0, ackId: '', consumer: undefined,
      bytes: message.data.length + Object.entries(message.attributes).reduce((n, [k, v]) => n + k.length + v.length, 0),
    };
  }

  /** A newly published (or restored, or re-opened by seek) unacknowledged message. */
  enqueue(message: StoredMessage, attempts: number, now: number): Pending {
    const p = this.newPending(message, attempts, now);
    this.pending.set(message.messageId, p);
    if (this.ordered(p)) {
      const key = message.orderingKey;
      let log = this.keys.get(key);
      if (!log) this.keys.set(key, (log = { items: [], next: 0, leased: 0, holder: undefined }));
      p.state = 'waiting';
      log.items.push(p);
      this.refreshKey(key, now);
      return p;
    }
    this.ready.push(p);
    return p;
  }

  /**
   * A restored acknowledged message: kept by its ordering key when an earlier message of the key is
   * still unacked (restores run in publish order), else retained when the subscription keeps acked
   * messages. Returns false when nothing keeps it.
   */
  restoreAcked(message: StoredMessage, now: number): boolean {
    const p = this.newPending(message, 0, now);
    p.state = 'acked';
    const log = this.ordered(p) ? this.keys.get(message.orderingKey) : undefined;
    if (log && log.items.length > 0) {
      log.items.push(p);
      return true;
    }
    if (!this.config.retainAckedMessages) return false;
    this.retained.set(message.messageId, p);
    return true;
  }

  /** Makes the key's next message deliverable (or delayed) and tracks whether the key can deliver. */
  private refreshKey(key: string, now: number): void {
    const log = this.keys.get(key);
    // Acked messages after an unacked one stay in the log but are not delivered again unless it fails.
    while (log && log.items[log.next]?.state === 'acked') log.next++;
    const head = log?.items[log.next];
    if (!log || !head) {
      this.readyKeys.delete(key);
      return;
    }
    if (head.state === 'waiting') {
      if (head.availableAt > now) {
        head.state = 'delayed';
        this.delayed.add(head);
      } else {
        head.state = 'ready';
      }
    }
    if (head.state === 'ready') this.readyKeys.add(key);
    else this.readyKeys.delete(key);
  }

  /** The next message deliverable to `consumer`, or undefined. */
  take(consumer: Consumer): Pending | undefined {
    while (this.retryHead < this.retry.length) {
      const p = this.retry[this.retryHead++]!;
      if (p.state === 'ready' && this.pending.get(p.message.messageId) === p) return this.compact(p);
    }
    for (const key of this.readyKeys) {
      const log = this.keys.get(key);
      const head = log?.items[log.next];
      if (!log || !head || head.state !== 'ready') {
        this.readyKeys.delete(key);
        continue;
      }
      // A stream holds a key while it has messages of it out, so they arrive in order on one
      // connection; unary pulls (one request each) share a key, as pulls from one client would.
      const holder = log.holder;
      if (holder && holder !== consumer && (holder.kind === 'stream' || consumer.kind === 'stream')) continue;
      this.readyKeys.delete(key);
      return head;
    }
    while (this.readyHead < this.ready.length) {
      const p = this.ready[this.readyHead++]!;
      if (p.state === 'ready' && this.pending.get(p.message.messageId) === p) return this.compact(p);
    }
    this.compact(undefined);
    return undefined;
  }

  hasReady(): boolean {
    return this.readyHead < this.ready.length || this.retryHead < this.retry.length || this.readyKeys.size > 0;
  }

  private compact<T>(value: T): T {
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    if (this.retryHead > 1024 && this.retryHead * 2 > this.retry.length) {
      this.retry = this.retry.slice(this.retryHead);
      this.retryHead = 0;
    }
    return value;
  }

  lease(p: Pending, consumer: Consumer, ackId: string, expiresAt: number, now: number): void {
    p.state = 'leased';
    p.attempts += 1;
    p.ackId = ackId;
    p.consumer = consumer;
    p.leaseExpiresAt = expiresAt;
    this.leased.set(ackId, p);
    if (this.ordered(p)) {
      const key = p.message.orderingKey;
      const log = this.keys.get(key)!;
      // take() only hands out a key's next message.
      log.next = log.items[log.next] === p ? log.next + 1 : log.items.indexOf(p) + 1;
      log.leased++;
      log.holder = consumer;
      this.refreshKey(key, now);
    }
  }

  private unlease(p: Pending): void {
    if (p.state !== 'leased') return;
    this.leased.delete(p.ackId);
    const consumer = p.consumer;
    p.consumer = undefined;
    const log = this.ordered(p) ? this.keys.get(p.message.orderingKey) : undefined;
    if (log && --log.leased <= 0) {
      log.leased = 0;
      log.holder = undefined;
    }
    consumer?.release(p);
  }

  /** A leased message was acknowledged. */
  ack(p: Pending, now: number): AckOutcome {
    const out: AckOutcome = { kept: [], dropped: [] };
    this.unlease(p);
    this.pending.delete(p.message.messageId);
    p.state = 'acked';
    if (!this.ordered(p)) {
      this.keepOrDrop(p, out);
      return out;
    }
    const key = p.message.orderingKey;
    const trimmed = this.trimKey(key);
    for (const done of trimmed) this.keepOrDrop(done, out);
    if (!trimmed.includes(p)) out.kept.push(p);
    this.refreshKey(key, now);
    return out;
  }

  /** The key forgets acked messages once nothing before them is unacked; returns those forgotten. */
  private trimKey(key: string): Pending[] {
    const log = this.keys.get(key);
    if (!log) return [];
    const trimmed: Pending[] = [];
    while (log.items[0]?.state === 'acked') {
      trimmed.push(log.items.shift()!);
      log.next = Math.max(0, log.next - 1);
    }
    if (log.items.length === 0) this.keys.delete(key);
    return trimmed;
  }

  private keepOrDrop(p: Pending, out: AckOutcome): void {
    if (this.config.retainAckedMessages) {
      this.retained.set(p.message.messageId, p);
      out.kept.push(p);
    } else {
      out.dropped.push(p);
    }
  }

  /** A leased message was nacked or its deadline expired: back into circulation at `availableAt`. */
  fail(p: Pending, availableAt: number, now: number): FailOutcome {
    const out: FailOutcome = { revoked: [], reopened: [] };
    this.unlease(p);
    p.availableAt = availableAt;
    if (!this.ordered(p)) {
      if (availableAt > now) {
        p.state = 'delayed';
        this.delayed.add(p);
      } else {
        p.state = 'ready';
        this.retry.push(p);
      }
      return out;
    }
    const key = p.message.orderingKey;
    const log = this.keys.get(key)!;
    const idx = log.items.indexOf(p);
    for (let i = idx + 1; i < log.items.length; i++) {
      const later = log.items[i]!;
      if (later.state === 'leased') {
        this.unlease(later);
        out.revoked.push(later);
      } else if (later.state === 'acked') {
        this.pending.set(later.message.messageId, later);
        out.reopened.push(later);
      } else if (later.state === 'delayed') {
        this.delayed.delete(later);
      }
      later.state = 'waiting';
      later.availableAt = now;
    }
    p.state = 'waiting';
    log.next = idx;
    this.refreshKey(key, now);
    return out;
  }

  /** Moves backed-off messages whose time has come back to ready; returns how many. */
  releaseDue(now: number): number {
    let moved = 0;
    for (const p of this.delayed) {
      if (p.availableAt > now) continue;
      this.delayed.delete(p);
      p.state = 'ready';
      if (this.ordered(p)) this.refreshKey(p.message.orderingKey, now);
      else this.retry.push(p);
      moved++;
    }
    return moved;
  }

  /**
   * Dead-lettered, expired by retention or deleted: gone for good, whatever its state. Returns the
   * acked messages of its ordering key that nothing keeps any more (for the store to forget).
   */
  complete(p: Pending, now: number): Pending[] {
    const id = p.message.messageId;
    if (this.retained.get(id) === p) {
      this.retained.delete(id);
      return [];
    }
    const inKey = this.ordered(p) ? this.keys.get(p.message.orderingKey) : undefined;
    const idx = inKey ? inKey.items.indexOf(p) : -1;
    if (this.pending.get(id) !== p && idx < 0) return [];
    this.unlease(p);
    this.delayed.delete(p);
    this.pending.delete(id);
    if (!inKey || idx < 0) return [];
    inKey.items.splice(idx, 1);
    if (idx < inKey.next) inKey.next--;
    const key = p.message.orderingKey;
    const dropped: Pending[] = [];
    for (const done of this.trimKey(key)) {
      if (this.config.retainAckedMessages) this.retained.set(done.message.messageId, done);
      else dropped.push(done);
    }
    if (inKey.items.length === 0) this.keys.delete(key);
    else this.refreshKey(key, now);
    return dropped;
  }

  /** Every message this subscription still holds, acked or not, in publish order. */
  all(): Pending[] {
    const out = [...this.pending.values(), ...this.retained.values()];
    for (const log of this.keys.values()) for (const p of log.items) if (p.state === 'acked') out.push(p);
    return out.sort(byPublishOrder);
  }

  /** Forgets everything (seek rebuilds from scratch); outstanding leases are revoked. */
  clear(): void {
    for (const p of [...this.leased.values()]) this.unlease(p);
    this.pending.clear();
    this.retained.clear();
    this.leased.clear();
    this.delayed.clear();
    this.keys.clear();
    this.readyKeys.clear();
    this.ready = [];
    this.readyHead = 0;
    this.retry = [];
    this.retryHead = 0;
  }

  /** Consumers in round-robin order starting after the last one served. */
  consumersInTurn(): Consumer[] {
    if (this.consumers.length === 0) return [];
    const start = this.roundRobin++ % this.consumers.length;
    return [...this.consumers.slice(start), ...this.consumers.slice(0, start)];
  }

  counts(): { unacked: number; leased: number; delayed: number; waiting: number; ready: number; retained: number } {
    let waiting = 0;
    for (const log of this.keys.values()) for (const p of log.items) if (p.state === 'waiting') waiting++;
    const leased = this.leased.size;
    const delayed = this.delayed.size;
    return { unacked: this.pending.size, leased, delayed, waiting, ready: this.pending.size - leased - delayed - waiting, retained: this.retained.size };
  }
}
