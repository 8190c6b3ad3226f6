/**
 * Publishes the status events the state store keeps in its outbox (docs/ARCHITECTURE.md, "Status
 * events: a durable outbox"). A delivery writes its status event in the same transaction as the
 * run's final update (`StateStore.finishRun`), claimed for this instance's drainer, and hands the
 * entry to `send`: the event is published after the commit and the entry removed only once the
 * publish succeeded. A failed publish stays in the outbox with its error and attempt count, backs
 * off, and is logged and audited; entries a crashed instance left (claimed, never settled) become
 * claimable again when their claim ends. `drain` picks up whatever is due; the sweep (lease.ts)
 * runs it, so leftovers are published by the next delivery of any instance.
 *
 * Order: an entry of a run is never claimed while an older one of the same run waits (the store
 * guarantees it), and a drain pass publishes a run's entries one after the other, so a run's
 * events leave in the order they were written. Delivery is at least once: a crash between a
 * publish and its settlement publishes that event again.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { OutboxEntry, OutboxSettlement, StateStore } from '../ports/state-store.ts';
import type { Logger } from './logger.ts';

export interface OutboxDeps {
  store: StateStore;
  publisher: Publisher;
  clock: Clock;
  logger: Logger;
}

/** How long a drainer holds the entries it claimed: longer than a publish may take (the publisher's 30 s deadline). */
export const OUTBOX_CLAIM_MS = 60_000;
/** Entries per drain pass. */
export const OUTBOX_BATCH = 100;
/** Passes one `drain` may chain when the outbox keeps filling (bounded; the next sweep goes on). */
const MAX_PASSES = 20;
const MAX_BACKOFF_MS = 5 * 60_000;

/** Retry after 1 s, 2 s, 4 s … up to 5 min (the sweep that retries runs at most every half lease TTL anyway). */
export function outboxBackoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.min(attempts, 20));
}

/** Failures worth an audit record: the first, then the 5th, 25th, 125th … (every failure is logged). */
export function auditsFailure(attempts: number): boolean {
  if (attempts === 1) return true;
  let n = attempts;
  while (n % 5 === 0) n /= 5;
  return n === 1;
}

export class StatusOutbox {
  /** This instance's drainer: entries it claims carry this owner. */
  readonly owner = `outbox:${process.pid}:${randomUUID()}`;
  private pending: OutboxSettlement = { published: [], failed: [], released: [] };
  private pendingDone: Array<() => void> = [];
  private settling?: Promise<void>;
  private draining?: Promise<void>;
  private drainAgain = false;
  /** An entry waits unclaimed behind an older one of its run: drain again once something was published. */
  private waiting = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly deps: OutboxDeps) {}

  /**
   * Publishes an entry written by this instance's `finishRun`. Resolves (never rejects) once its
   * outcome is settled in the store. An entry left unclaimed (an older entry of its run still
   * waits) is published by a drain, after the older one.
   */
  send(entry: OutboxEntry | undefined): Promise<void> {
    if (!entry) return Promise.resolve();
    if (entry.claimedBy !== this.owner) {
      this.waiting = true;
      return this.drain();
    }
    const sent = this.publishRun([entry]).then((settlement) => this.settle(settlement));
    this.track(sent);
    return sent;
  }

  /**
   * Publishes everything due (bounded). Concurrent callers share the pass in progress, plus one
   * more that starts after it, so an entry committed before the call is covered.
   */
  drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    const draining = (async () => {
      let passes = 0;
      do {
        this.drainAgain = false;
        if (await this.pass()) this.drainAgain = true;
      } while (this.drainAgain && ++passes < MAX_PASSES);
    })().finally(() => { if (this.draining === draining) this.draining = undefined; });
    this.draining = draining;
    this.track(draining);
    return draining;
  }

  /** Resolves once nothing is being published or settled (tests, the bench, shutdown). */
  async idle(): Promise<void> {
    for (let round = 0; round < 1_000 && (this.inflight.size > 0 || this.settling || this.pendingCount() > 0); round++) {
      await Promise.allSettled([...this.inflight, this.settling]);
    }
  }

  /** One pass: claim what is due, publish it run by run, settle. True when the batch was full. */
  private async pass(): Promise<boolean> {
    let claimed: OutboxEntry[];
    try {
      claimed = await this.deps.store.claimOutbox(this.owner, { limit: OUTBOX_BATCH, claimMs: OUTBOX_CLAIM_MS });
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'could not claim status events from the outbox; the next sweep will');
      return false;
    }
    if (claimed.length === 0) return false;
    const byRun = new Map<string, OutboxEntry[]>();
    for (const entry of claimed) byRun.set(entry.runId, [...(byRun.get(entry.runId) ?? []), entry]);
    const settlements = await Promise.all([...byRun.values()].map((entries) => this.publishRun(entries)));
    await this.settle({
      published: settlements.flatMap((s) => s.published),
      failed: settlements.flatMap((s) => s.failed),
      released: settlements.flatMap((s) => s.released),
    });
    return claimed.length === OUTBOX_BATCH;
  }

  /** A run's entries in order; after a failure the rest wait (released) behind the failed one. */
  private async publishRun(entries: OutboxEntry[]): Promise<OutboxSettlement> {
    const out: OutboxSettlement = { published: [], failed: [], released: [] };
    for (const [i, entry] of entries.entries()) {
      try {
        await this.deps.publisher.publish(entry.topic, entry.data, entry.attributes);
        out.published.push(entry.id);
      } catch (err) {
        const error = (err as Error)?.message ?? String(err);
        const retryAt = new Date(this.deps.clock.now().getTime() + outboxBackoffMs(entry.attempts)).toISOString();
        out.failed.push({ id: entry.id, error, retryAt });
        out.released.push(...entries.slice(i + 1).map((e) => e.id));
        break;
      }
    }
    return out;
  }

  /**
   * Settlements of concurrent sends are coalesced into one transaction (a sequential stream of
   * deliveries then costs one removal per batch of published events, not one per event).
   */
  private settle(settlement: OutboxSettlement): Promise<void> {
    if (!settlement.published.length && !settlement.failed.length && !settlement.released.length) return Promise.resolve();
    this.pending.published.push(...settlement.published);
    this.pending.failed.push(...settlement.failed);
    this.pending.released.push(...settlement.released);
    const done = new Promise<void>((resolve) => this.pendingDone.push(resolve));
    this.flushSettlements();
    return done;
  }

  private flushSettlements(): void {
    if (this.settling || this.pendingCount() === 0) return;
    const batch = this.pending;
    const waiters = this.pendingDone;
    this.pending = { published: [], failed: [], released: [] };
    this.pendingDone = [];
    this.settling = (async () => {
      try {
        const failed = await this.deps.store.settleOutbox(this.owner, batch);
        await Promise.all(failed.map((entry) => this.reportFailure(entry)));
      } catch (err) {
        // Published entries stay claimed until their claim ends and are then published again
        // (at least once); failed ones are simply retried then.
        this.deps.logger.warn({ err: (err as Error).message, published: batch.published.length }, 'could not settle status events in the outbox');
      }
    })().finally(() => {
      this.settling = undefined;
      for (const resolve of waiters) resolve();
      this.flushSettlements();
      if (this.waiting && batch.published.length > 0) {
        this.waiting = false;
        void this.drain();
      }
    });
  }

  private async reportFailure(entry: OutboxEntry): Promise<void> {
    const kind = entry.attributes.kind ?? 'status event';
    const fields = { outboxId: entry.id, runId: entry.runId, topic: entry.topic, attempts: entry.attempts, err: entry.lastError, retryAfter: entry.nextAttemptAt };
    if (entry.attempts >= 5) this.deps.logger.error(fields, 'status event keeps failing to publish; kept in the outbox');
    else this.deps.logger.warn(fields, 'status event not published; kept in the outbox, will retry');
    if (!auditsFailure(entry.attempts)) return;
    try {
      await this.deps.store.appendAudit({
        flow: entry.flow, runId: entry.runId, actor: 'stackctl', action: `${entry.flow}.status-event`, result: 'failed',
        reason: `${kind} not published to ${entry.topic} (attempt ${entry.attempts}): ${entry.lastError}; kept in the outbox, retried after ${entry.nextAttemptAt}`,
        details: { outboxId: entry.id, attempts: entry.attempts },
      });
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message, outboxId: entry.id }, 'could not audit a failed status-event publish');
    }
  }

  private pendingCount(): number {
    return this.pending.published.length + this.pending.failed.length + this.pending.released.length;
  }

  private track(work: Promise<void>): void {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }
}

const outboxes = new WeakMap<StateStore, StatusOutbox>();

/** The instance's drainer for `deps.store` (one per store, made on first use). */
export function statusOutbox(deps: OutboxDeps): StatusOutbox {
  let outbox = outboxes.get(deps.store);
  if (!outbox) {
    outbox = new StatusOutbox(deps);
    outboxes.set(deps.store, outbox);
  }
  return outbox;
}

/** Waits for `work` at most `ms` of real time (publishing is real I/O, whatever the runtime's clock). */
export async function waitAtMost(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
