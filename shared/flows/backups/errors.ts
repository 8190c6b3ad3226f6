/** Error predicates of the backups flow, on the runtime's error classes (never on an adapter's). */
import { ControlPlaneError, isRetryableInPlace } from '../../runtime/errors.ts';
import type { Clock } from '../../ports/clock.ts';

export function isNotFoundError(err: unknown): boolean {
  return err instanceof ControlPlaneError && err.code === 404;
}

export function isForbiddenError(err: unknown): boolean {
  return err instanceof ControlPlaneError && err.code === 403;
}

export interface RetryPolicy { attempts: number; initialMs: number; maxMs: number }

/** 409 operationInProgress, 429, 5xx: retried in place with exponential backoff before the delivery gives up. */
export const ADMIN_RETRY: RetryPolicy = { attempts: 5, initialMs: 2_000, maxMs: 30_000 };

/**
 * Retries `work` on transient failures. Every caller re-checks what exists before it creates, so
 * a retried create that had in fact happened is found, not made twice.
 */
export async function retryTransient<T>(clock: Clock, work: () => Promise<T>, policy: RetryPolicy = ADMIN_RETRY, onRetry?: (err: unknown, attempt: number) => void): Promise<T> {
  let delay = policy.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      // A client that could not start (no credentials) fails the same way again: the redelivery retries it.
      if (!isRetryableInPlace(err) || attempt >= policy.attempts) throw err;
      onRetry?.(err, attempt);
      await clock.sleep(Math.round(delay * (0.5 + Math.random() * 0.5)));
      delay = Math.min(policy.maxMs, delay * 2);
    }
  }
}
