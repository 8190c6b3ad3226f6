/**
 * Waiting for long-running operations: bounded, exponential, fully jittered. Running out of
 * time is transient (the work may still finish; a redelivery will look again), never a hang.
 */
import type { Clock } from '../../../ports/clock.ts';
import { TransientError } from '../../../runtime/errors.ts';

export interface WaitPolicy {
  timeoutMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** Hard cap on polls, in case the clock never moves. */
  maxPolls: number;
}

export const DEFAULT_WAIT: WaitPolicy = { timeoutMs: 30 * 60_000, initialDelayMs: 500, maxDelayMs: 15_000, multiplier: 1.6, maxPolls: 2_000 };

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
  for (let polls = 0; polls < p.maxPolls; polls++) {
    const outcome = await poll();
    if (outcome.done) return outcome.value;
    const remaining = deadline - clock.now().getTime();
    if (remaining <= 0) break;
    const delay = Math.min(remaining, Math.max(1, Math.round(ceiling * (0.5 + random() * 0.5))));
    await clock.sleep(delay);
    ceiling = Math.min(p.maxDelayMs, ceiling * p.multiplier);
  }
  throw new TransientError(`${where}: operation still not done after ${p.timeoutMs} ms`, { where, code: 504 });
}
