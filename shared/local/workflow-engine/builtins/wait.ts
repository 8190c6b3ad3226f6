/**
 * Waiting for an outside event (a callback) with a timeout on the injected clock, without leaving a timeout behind.
 *
 * The Clock port's sleep cannot be cancelled, and on a VirtualClock any sleep still pending makes time jump to its
 * deadline the next time everything waits; a whole-timeout sleep left over after the event arrived would move the
 * execution's clock by up to the full timeout. So the wait sleeps in slices of at most a second, never sleeps when
 * the event is already there, and once the event arrives mid-slice it gives that slice a moment of real time to
 * run out: a virtual clock fires it at once (so the wait ends at most a slice later in clock time and nothing is
 * left pending), while on a real clock the grace timer expires first and the leftover slice just lapses harmlessly.
 */
import type { Clock } from '../../../ports/clock.ts';

const SLICE_MS = 1000;
/** Real milliseconds granted to a pending slice after the event came; a virtual clock needs a few macrotasks. */
const SLICE_GRACE_MS = 50;

export type Sleeper = (seconds: number) => Promise<void>;

/** The event's value, or undefined when `timeoutSeconds` of clock time passed first. */
export async function awaitWithTimeout<T>(event: Promise<T>, timeoutSeconds: number, clock: Clock, sleep: Sleeper): Promise<{ value: T } | undefined> {
  let outcome: { value: T } | undefined;
  const arrived = event.then((value) => { outcome = { value }; return 'event' as const; });
  // Let an event that is already there (a queued callback) land before deciding to sleep at all.
  await Promise.resolve();
  const deadline = clock.now().getTime() + timeoutSeconds * 1000;
  while (outcome === undefined) {
    const left = deadline - clock.now().getTime();
    if (left <= 0) return undefined;
    const slice = sleep(Math.min(left, SLICE_MS) / 1000).then(() => 'slept' as const);
    if ((await Promise.race([arrived, slice])) === 'event') await drain(slice);
  }
  return outcome;
}

async function drain(slice: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, SLICE_GRACE_MS); });
  try {
    await Promise.race([slice, grace]);
  } finally {
    clearTimeout(timer);
  }
}
