/**
 * Target locks, and what happens to work that finds its target busy.
 *
 * Contention is not failure. Pub/Sub counts every nack and every missed ack deadline as a
 * delivery attempt, and after `max_delivery_attempts` moves the message to the dead-letter topic,
 * so a delivery that nacks because another run holds its target spends the attempts meant for
 * real failures. Instead a busy target is waited for a bounded time (well inside the ack
 * deadline); after that the delivery is *parked*: kept in the state store's per-target queue and
 * acked. Whoever releases the target republishes the oldest parked message (a new Pub/Sub
 * message with fresh attempts), and a sweep hands over queues whose holder crashed.
 * See docs/ARCHITECTURE.md, "Contention is not failure".
 *
 * Leases are short (`leaseTtlMs`, 20 s by default) and renewed by a heartbeat while the work
 * runs, so a crashed holder's lease ends within one TTL and its work is resumed soon after.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { ParkedDelivery, StateStore } from '../ports/state-store.ts';
import { TransientError } from './errors.ts';
import type { Logger } from './logger.ts';
import { statusOutbox } from './outbox.ts';

/** Set on a republished parked message: when it first parked, so it keeps its place in the queue. */
export const PARKED_AT_ATTRIBUTE = 'stackctl-parked-at';

export interface LockDeps {
  store: StateStore;
  clock: Clock;
  publisher: Publisher;
  logger: Logger;
  config: { leaseTtlMs: number; contentionWaitMs: number };
}

/** The target stayed busy for the whole wait. The runtime parks the delivery on `target`. */
export class ContentionError extends TransientError {
  constructor(readonly target: string, message = `${target} is busy: another run holds its lock`) {
    super(message, { where: target, code: 409 });
  }
}

export function isContention(err: unknown): err is ContentionError {
  return err instanceof ContentionError;
}

/** Tries for the lease until `waitMs` has passed; true once held. */
export async function acquireWithin(deps: LockDeps, target: string, owner: string, waitMs: number): Promise<boolean> {
  return (await pollWithin(deps, waitMs, async () => (await deps.store.acquireLease(target, owner, deps.config.leaseTtlMs)) ?? undefined)) !== undefined;
}

/**
 * Calls `attempt` until it returns something other than undefined or `waitMs` has passed, polling
 * every tenth of the lease TTL (50 ms … 1 s); undefined when the wait ran out.
 */
export async function pollWithin<T>(deps: Pick<LockDeps, 'clock' | 'config'>, waitMs: number, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  const { clock, config } = deps;
  const deadline = clock.now().getTime() + waitMs;
  const pollMs = Math.max(50, Math.min(1_000, Math.floor(config.leaseTtlMs / 10)));
  const maxPolls = Math.ceil(waitMs / pollMs) + 2;
  for (let poll = 0; poll <= maxPolls; poll++) {
    const got = await attempt();
    if (got !== undefined) return got;
    const left = deadline - clock.now().getTime();
    if (left <= 0) return undefined;
    await clock.sleep(Math.min(pollMs, left));
  }
  return undefined;
}

export interface Heartbeat {
  /** Stops renewing and waits for a renewal in progress, so nothing is written after. */
  stop(): Promise<void>;
  /** Names of leases a renewal found lost (another holder took over: the holder stalled past its TTL). */
  readonly lost: ReadonlySet<string>;
}

/** Renews every lease in `renewals` every third of the TTL until stopped. */
export function startHeartbeat(deps: LockDeps, renewals: ReadonlyArray<{ name: string; renew: () => Promise<boolean> }>): Heartbeat {
  const lost = new Set<string>();
  let stopped = false;
  const every = Math.max(10, Math.floor(deps.config.leaseTtlMs / 3));
  const loop = (async () => {
    // Bounded by the work it accompanies; the cap only guards against a clock that never moves.
    for (let beat = 0; beat < 1_000_000 && !stopped; beat++) {
      await deps.clock.sleep(every);
      if (stopped) return;
      for (const r of renewals) {
        try {
          if (!(await r.renew())) lost.add(r.name);
        } catch (err) {
          deps.logger.warn({ lease: r.name, err: (err as Error).message }, 'lease renewal failed; will try again');
        }
      }
    }
  })();
  return {
    lost,
    stop: async () => {
      stopped = true;
      // The loop may be asleep on the clock: do not wait for the sleep, only for a renewal in flight.
      await Promise.race([loop, Promise.resolve()]);
    },
  };
}

/**
 * Hands the target to its oldest parked delivery, then releases the lease. Dispatching while still
 * holding the lease means two releasers (or a releaser and the sweep) never both republish the
 * same entry; the republished message simply waits the moment it takes for the release.
 */
export async function releaseAndHandOver(deps: LockDeps, target: string, owner: string): Promise<void> {
  await dispatchNext(deps, target);
  try {
    await deps.store.releaseLease(target, owner);
  } catch (err) {
    // The lease then ends by its TTL and the next waiter (or the sweep) takes over.
    deps.logger.warn({ target, err: (err as Error).message }, 'could not release a lease');
  }
}

/**
 * Republishes the target's oldest parked delivery and removes it from the queue. Publish first:
 * a crash in between republishes it twice, which idempotency absorbs; the other order could lose it.
 */
export async function dispatchNext(deps: LockDeps, target: string): Promise<ParkedDelivery | null> {
  try {
    const next = await deps.store.nextParked(target);
    if (!next) return null;
    await deps.publisher.publish(next.topic, Buffer.from(next.raw.data, 'base64'), { ...next.raw.attributes, [PARKED_AT_ATTRIBUTE]: next.parkedAt });
    await deps.store.unpark(next.id);
    deps.logger.info({ target, key: next.key, parkedAt: next.parkedAt }, 'parked delivery handed the target');
    return next;
  } catch (err) {
    deps.logger.warn({ target, err: (err as Error).message }, 'could not dispatch a parked delivery; the sweep will');
    return null;
  }
}

/**
 * Hands over every queue whose target is free: the holder that should have dispatched it crashed,
 * or released it between a waiter's last try and its park. Bounded per call.
 */
export async function sweepParked(deps: LockDeps, maxTargets = 50): Promise<number> {
  const owner = `sweep:${randomUUID()}`;
  let dispatched = 0;
  for (const { target } of await deps.store.listParkedTargets(maxTargets)) {
    if (!(await deps.store.acquireLease(target, owner, deps.config.leaseTtlMs))) continue;
    if (await dispatchNext(deps, target)) dispatched++;
    await deps.store.releaseLease(target, owner);
  }
  return dispatched;
}

const lastSweep = new WeakMap<StateStore, number>();

/**
 * A sweep at most every half TTL per store instance, piggy-backed on deliveries: parked queues
 * whose holder crashed, and status events left in the outbox (a crash after the commit, a failed
 * publish whose backoff ended, another instance's leftovers).
 */
export async function maybeSweep(deps: LockDeps): Promise<void> {
  const now = deps.clock.now().getTime();
  const last = lastSweep.get(deps.store);
  if (last !== undefined && now - last < deps.config.leaseTtlMs / 2) return;
  lastSweep.set(deps.store, now);
  try {
    await sweepParked(deps);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message }, 'sweep of parked deliveries failed');
  }
  await statusOutbox(deps).drain();
}

/**
 * Runs `work` holding the lease on `target`, renewed while it runs. Used inside a run for a
 * shared resource (the Cloud SQL instance runs one admin operation at a time). The wait is half
 * the delivery's contention budget, so a run that waited for its own target still answers
 * within the ack deadline; after it, ContentionError makes the runtime park the delivery on
 * `target`, to be republished when that target is released.
 */
export async function withLease<T>(deps: LockDeps, target: string, owner: string, work: () => Promise<T>): Promise<T> {
  if (!(await acquireWithin(deps, target, owner, Math.floor(deps.config.contentionWaitMs / 2)))) {
    throw new ContentionError(target);
  }
  const heartbeat = startHeartbeat(deps, [{ name: target, renew: () => deps.store.renewLease(target, owner, deps.config.leaseTtlMs) }]);
  try {
    return await work();
  } finally {
    await heartbeat.stop();
    await releaseAndHandOver(deps, target, owner);
  }
}
