/**
 * Following runs as they change, for `runs --watch` and `publish --wait`: bounded polling of the
 * state store (the same for the local stack and a project), one line per change.
 */
import type { Run, StateStore } from '../../ports/state-store.ts';
import { TERMINAL_RUN_STATUSES } from '../../ports/state-store.ts';
import { UsageError } from './output.ts';

export async function findRun(store: StateStore, idOrPrefix: string): Promise<Run | null> {
  if (!/^[A-Za-z0-9_-]{4,128}$/.test(idOrPrefix)) throw new UsageError(`"${idOrPrefix}" is not a run id (at least 4 of A-Z a-z 0-9 _ -)`);
  const exact = await store.getRun(idOrPrefix);
  if (exact) return exact;
  // The short id the tables show: a unique prefix among recent runs.
  const recent = await store.listRuns({ limit: 5000 });
  const matches = recent.filter((r) => r.id.startsWith(idOrPrefix));
  if (matches.length > 1) throw new UsageError(`run id prefix ${idOrPrefix} is ambiguous: ${matches.slice(0, 5).map((r) => r.id).join(', ')}${matches.length > 5 ? ', …' : ''}`);
  return matches[0] ?? null;
}

/** A run is over for a follower once it is terminal; `executing` and `awaiting-approval` are not. */
export function runIsOver(run: Run): boolean {
  return TERMINAL_RUN_STATUSES.has(run.status);
}

export function signature(run: Run): string {
  return `${run.status}|${run.steps.length}|${run.refs?.executionState ?? ''}|${run.attempts}`;
}

export interface Stop { stopped: boolean }

/** Resolves after `ms`, or at once when `stop` is set (checked every 50 ms). */
export function pause(ms: number, stop: Stop): Promise<void> {
  return new Promise((done) => {
    const until = Date.now() + ms;
    const tick = () => (stop.stopped || Date.now() >= until ? done() : setTimeout(tick, Math.min(50, until - Date.now())));
    tick();
  });
}

/** SIGINT/SIGTERM end the loop instead of the process, so clients close cleanly. */
export function stopOnSignal(): Stop & { dispose(): void } {
  const state = { stopped: false, dispose: () => undefined as void };
  const stop = () => { state.stopped = true; };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  state.dispose = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); };
  return state;
}
