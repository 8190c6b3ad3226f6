/**
 * Waiting for long-running operations: bounded, exponential, fully jittered. Running out of
 * time is transient (the work may still finish; a redelivery will look again), never a hang.
 *
 * A failure to *read* the operation (any status from `operations.get`, even a 400) says nothing
 * about the operation itself, which may still be running: treating it as the create's failure
 * let compensation delete a resource that did not exist yet, and the create then finished and
 * leaked it. So read failures are retried until the wait's budget for them runs out, and then
 * surface as OperationPendingError, transient: the step is neither done nor failed.
 */
import type { Clock } from '../../../ports/clock.ts';
import { OperationPendingError } from '../../../runtime/errors.ts';

/** Wraps the read of an operation's state, so `waitUntil` can tell it from the operation's own failure. */
export class OperationReadError extends Error {
  constructor(override readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
  }
}

export async function readOperation<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw new OperationReadError(err);
  }
}

export interface WaitPolicy {
  timeoutMs: number;
  /** How long reads of the operation may keep failing in a row before the wait gives up (transiently). */
  readErrorBudgetMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** Hard cap on polls, in case the clock never moves. */
  maxPolls: number;
}

export const DEFAULT_WAIT: WaitPolicy = { timeoutMs: 30 * 60_000, readErrorBudgetMs: 2 * 60_000, initialDelayMs: 500, maxDelayMs: 15_000, multiplier: 1.6, maxPolls: 2_000 };

export async function waitUntil<T>(
  where: string,
  clock: Clock,
  poll: () => Promise<{ done: true; value: T } | { done: false }>,
  policy: Partial<WaitPolicy> = {},
  random: () => number = Math.random,
): Promise<T> {
  const p = { ...DEFAULT_WAIT, ...policy };
  const deadline = clock.now().getTime() + p.timeoutMs;
  let ceiling = p.initialDelayMs;
  let failingSince: number | undefined;
  let lastReadError: unknown;
  for (let polls = 0; polls < p.maxPolls; polls++) {
    let outcome: { done: true; value: T } | { done: false };
    try {
      outcome = await poll();
      failingSince = undefined;
    } catch (err) {
      if (!(err instanceof OperationReadError)) throw err;
      lastReadError = err.cause;
      failingSince ??= clock.now().getTime();
      if (clock.now().getTime() - failingSince >= p.readErrorBudgetMs) {
        throw new OperationPendingError(`${where}: outcome unknown, reading the operation kept failing for ${p.readErrorBudgetMs} ms (last: ${(err.cause as Error)?.message ?? String(err.cause)}); it may still be running`, { where, code: 504, cause: err.cause });
      }
      outcome = { done: false };
    }
    if (outcome.done) return outcome.value;
    const remaining = deadline - clock.now().getTime();
    if (remaining <= 0) break;
    const delay = Math.min(remaining, Math.max(1, Math.round(ceiling * (0.5 + random() * 0.5))));
    await clock.sleep(delay);
    ceiling = Math.min(p.maxDelayMs, ceiling * p.multiplier);
  }
  throw new OperationPendingError(`${where}: operation still not done after ${p.timeoutMs} ms${lastReadError ? ` (last read error: ${(lastReadError as Error)?.message ?? String(lastReadError)})` : ''}`, { where, code: 504 });
}
