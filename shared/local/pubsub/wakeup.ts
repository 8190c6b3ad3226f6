/**
 * One re-armable wake-up for the broker's deadlines (lease expiry, retry backoff, retention).
 * With real time it is a single cancellable setTimeout. An injected Clock only offers
 * `sleep`, which cannot be cancelled, so a sleep is started only when a deadline is earlier
 * than every sleep already pending, and stale wake-ups are ignored: the number of
 * outstanding sleeps stays bounded and nothing fires after close().
 */
import type { Clock } from '../../ports/clock.ts';

/** Longest single real-time timer; later deadlines re-arm when it fires. */
const MAX_REAL_DELAY_MS = 60 * 60 * 1000;

export class WakeUp {
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private readonly pendingSleeps = new Set<number>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly realTime: boolean,
    private readonly fire: () => void,
  ) {}

  /** Makes sure `fire` runs at or after `dueMs` (clock time). */
  at(dueMs: number): void {
    if (this.closed || !Number.isFinite(dueMs) || dueMs >= this.armedFor) return;
    this.armedFor = dueMs;
    if (this.realTime) {
      const delay = Math.max(0, dueMs - this.clock.now().getTime());
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wake(), Math.min(delay, MAX_REAL_DELAY_MS));
      return;
    }
    this.sleepUntil(dueMs);
  }

  private sleepUntil(dueMs: number): void {
    for (const pending of this.pendingSleeps) if (pending <= dueMs) return;
    this.pendingSleeps.add(dueMs);
    const delay = Math.max(0, dueMs - this.clock.now().getTime());
    void this.clock.sleep(delay).then(() => {
      this.pendingSleeps.delete(dueMs);
      if (this.closed || this.armedFor === Infinity) return;
      if (this.clock.now().getTime() >= this.armedFor) this.wake();
      else this.sleepUntil(this.armedFor);
    });
  }

  private wake(): void {
    if (this.closed) return;
    this.timer = undefined;
    this.armedFor = Infinity;
    this.fire();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
