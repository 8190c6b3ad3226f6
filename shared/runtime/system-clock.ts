/**
 * Real time, for production. The scaled and virtual clocks of local runs and tests live with
 * the local stack (shared/adapters/local/virtual-clock.ts) and are injected through the
 * composition root, so the deployed code never carries them.
 */
import type { Clock } from '../ports/clock.ts';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
