/**
 * Clocks for running long flows quickly.
 *
 * VirtualClock: time only moves when someone sleeps. Pending sleeps fire one at a time, in
 * order of their deadlines, each on its own macrotask, so whatever a wake-up schedules next
 * (another sleep, a loopback request) is registered before time jumps again.
 *
 * ScaledClock: real time sped up by a factor, for `npm start` demos.
 */
import type { Clock } from '../../ports/clock.ts';

interface Timer { at: number; seq: number; resolve: () => void }

export class VirtualClock implements Clock {
  private current: number;
  private readonly timers: Timer[] = [];
  private seq = 0;
  private scheduled = false;

  constructor(start: Date | string | number = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.current + Math.max(0, ms), seq: this.seq++, resolve });
      this.schedule();
    });
  }

  /** Moves time forward by hand, firing every sleep that falls due. */
  advance(ms: number): void {
    this.current += ms;
    this.schedule();
  }

  /** Number of sleeps not yet woken. */
  get pending(): number {
    return this.timers.length;
  }

  private schedule(): void {
    if (this.scheduled || this.timers.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) return;
      this.current = Math.max(this.current, next.at);
      next.resolve();
      this.schedule();
    });
  }
}

export class ScaledClock implements Clock {
  private readonly origin = Date.now();

  constructor(private readonly factor = 1) {
    if (!(factor > 0)) throw new Error(`clock speed factor must be > 0, got ${factor}`);
  }

  now(): Date {
    const elapsed = Date.now() - this.origin;
    return new Date(this.origin + elapsed * this.factor);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / this.factor));
  }
}

