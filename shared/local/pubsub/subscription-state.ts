/**
 * The live queue of one subscription: which unacked messages are ready, waiting behind an
 * ordering key, backing off after a nack, or leased to a consumer. The broker drives the
 * transitions; this class keeps the bookkeeping consistent.
 *
 *   ready ──take──▶ leased ──ack──▶ (gone)
 *     ▲               │ nack / deadline expiry
 *     └── delayed ◀───┘ (retry backoff; immediate without a retry policy)
 *   waiting: an ordered message whose key already has an unacked predecessor.
 */
import { compileFilter, type AttributePredicate } from './filter.ts';
import type { StoredMessage, SubscriptionConfig } from './types.ts';

export type PendingState = 'ready' | 'waiting' | 'delayed' | 'leased';

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
  /** A message it held was acked, nacked or expired. */
  release(p: Pending): void;
}

export class SubscriptionState {
  readonly pending = new Map<string, Pending>();
  readonly leased = new Map<string, Pending>();
  readonly delayed = new Set<Pending>();
  readonly consumers: Consumer[] = [];
  private ready: Pending[] = [];
  private readyHead = 0;
  private retry: Pending[] = [];
  private retryHead = 0;
  private readonly waitingByKey = new Map<string, Pending[]>();
  /** Ordering keys with an unacked message out of the waiting state. */
  private readonly activeKeys = new Set<string>();
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

  /** A newly published (or restored) message. */
  enqueue(message: StoredMessage, attempts: number, now: number): Pending {
    const p: Pending = {
      message, attempts, state: 'ready', availableAt: now, leaseExpiresAt: 0, ackId: '', consumer: undefined,
      bytes: message.data.length + Object.entries(message.attributes).reduce((n, [k, v]) => n + k.length + v.length, 0),
    };
    this.pending.set(message.messageId, p);
    if (this.ordered(p)) {
      const key = message.orderingKey;
      if (this.activeKeys.has(key)) {
        p.state = 'waiting';
        let queue = this.waitingByKey.get(key);
        if (!queue) this.waitingByKey.set(key, (queue = []));
        queue.push(p);
        return p;
      }
      this.activeKeys.add(key);
    }
    this.ready.push(p);
    return p;
  }

  /** The next deliverable message, or undefined. */
  take(): Pending | undefined {
    while (this.retryHead < this.retry.length) {
      const p = this.retry[this.retryHead++]!;
      if (p.state === 'ready' && this.pending.get(p.message.messageId) === p) return this.compact(p);
    }
    while (this.readyHead < this.ready.length) {
      const p = this.ready[this.readyHead++]!;
      if (p.state === 'ready' && this.pending.get(p.message.messageId) === p) return this.compact(p);
    }
    this.compact(undefined);
    return undefined;
  }

  hasReady(): boolean {
    return this.readyHead < this.ready.length || this.retryHead < this.retry.length;
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

  lease(p: Pending, consumer: Consumer, ackId: string, expiresAt: number): void {
    p.state = 'leased';
    p.attempts += 1;
    p.ackId = ackId;
    p.consumer = consumer;
    p.leaseExpiresAt = expiresAt;
    this.leased.set(ackId, p);
  }

  private unlease(p: Pending): void {
    if (p.state !== 'leased') return;
    this.leased.delete(p.ackId);
    const consumer = p.consumer;
    p.consumer = undefined;
    consumer?.release(p);
  }

  /** Back into circulation after a nack or expiry, now or after a backoff. */
  requeue(p: Pending, availableAt: number, now: number): void {
    this.unlease(p);
    p.availableAt = availableAt;
    if (availableAt > now) {
      p.state = 'delayed';
      this.delayed.add(p);
    } else {
      this.delayed.delete(p);
      p.state = 'ready';
      this.retry.push(p);
    }
  }

  /** Moves backed-off messages whose time has come back to ready; returns how many. */
  releaseDue(now: number): number {
    let moved = 0;
    for (const p of this.delayed) {
      if (p.availableAt <= now) {
        this.delayed.delete(p);
        p.state = 'ready';
        this.retry.push(p);
        moved++;
      }
    }
    return moved;
  }

  /** Acked, dead-lettered or expired by retention: gone for good; unblocks its ordering key. */
  complete(p: Pending): void {
    if (this.pending.get(p.message.messageId) !== p) return;
    this.unlease(p);
    this.delayed.delete(p);
    this.pending.delete(p.message.messageId);
    const wasWaiting = p.state === 'waiting';
    if (!this.ordered(p)) return;
    const key = p.message.orderingKey;
    const queue = this.waitingByKey.get(key);
    if (wasWaiting) {
      if (queue) {
        const idx = queue.indexOf(p);
        if (idx >= 0) queue.splice(idx, 1);
        if (queue.length === 0) this.waitingByKey.delete(key);
      }
      return;
    }
    const next = queue?.shift();
    if (queue && queue.length === 0) this.waitingByKey.delete(key);
    if (next) {
      next.state = 'ready';
      this.ready.push(next);
    } else {
      this.activeKeys.delete(key);
    }
  }

  /** Consumers in round-robin order starting after the last one served. */
  consumersInTurn(): Consumer[] {
    if (this.consumers.length === 0) return [];
    const start = this.roundRobin++ % this.consumers.length;
    return [...this.consumers.slice(start), ...this.consumers.slice(0, start)];
  }

  counts(): { unacked: number; leased: number; delayed: number; waiting: number; ready: number } {
    let waiting = 0;
    for (const q of this.waitingByKey.values()) waiting += q.length;
    const leased = this.leased.size;
    const delayed = this.delayed.size;
    return { unacked: this.pending.size, leased, delayed, waiting, ready: this.pending.size - leased - delayed - waiting };
  }
}
