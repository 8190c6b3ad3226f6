/**
 * Runs `work` while holding a lease on `target`, waiting a bounded time for it. Used for the
 * Cloud SQL instance lock: Cloud SQL runs one admin operation per instance and answers 409
 * operationInProgress to the second, so the control plane queues its own operations instead.
 */
import type { Clock } from '../ports/clock.ts';
import type { StateStore } from '../ports/state-store.ts';
import { TransientError } from './errors.ts';

export interface LeaseWait {
  ttlMs: number;
  /** Give up (transiently: the delivery is retried later) after waiting this long. */
  maxWaitMs: number;
  pollMs: number;
}

export async function withLease<T>(
  store: StateStore, clock: Clock, target: string, owner: string, wait: LeaseWait, work: () => Promise<T>,
): Promise<T> {
  const deadline = clock.now().getTime() + wait.maxWaitMs;
  const maxPolls = Math.ceil(wait.maxWaitMs / Math.max(1, wait.pollMs)) + 1;
  for (let poll = 0; poll <= maxPolls; poll++) {
    const lease = await store.acquireLease(target, owner, wait.ttlMs);
    if (lease) {
      try {
        return await work();
      } finally {
        await store.releaseLease(target, owner);
      }
    }
    if (clock.now().getTime() >= deadline) break;
    await clock.sleep(wait.pollMs);
  }
  throw new TransientError(`${target} is busy: another run holds its lock`, { where: target, code: 409 });
}
