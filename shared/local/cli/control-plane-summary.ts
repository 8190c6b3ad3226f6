/**
 * What `stackctl status` says about the control plane itself, the same for the local stack and
 * a real project: the work in flight (and the approvals waiting for a person), what failed lately,
 * the dead letters nobody replayed, the deliveries parked behind a busy target, and the
 * remediation rate limit, and the status events still waiting in the outbox. Everything comes from the state store, so it needs only the store's
 * read permissions (roles/datastore.viewer on a project).
 */
import type { FlowName } from '../../events/topics.ts';
import type { Run, RunStatus, StateStore } from '../../ports/state-store.ts';
import { startsInLastHour, type RateState } from '../../domain/remediation/guardrails.ts';
import { GUARD_NAMESPACES, RATE_KEY, readValue } from '../../flows/alerts/guard-state.ts';

/** Runs a person may need to look at: not finished, or waiting for them. */
export const IN_FLIGHT: readonly RunStatus[] = ['awaiting-approval', 'executing', 'running', 'retrying'];
/** How many recent runs the per-status counts are taken over. */
export const RECENT_RUNS = 200;
const LISTED = 500;

export interface ControlPlaneSummary {
  /** Counts by status over the most recent runs (at most RECENT_RUNS of them). */
  recent: { runs: number; byStatus: Partial<Record<RunStatus, number>> };
  /** Unfinished runs, newest first (at most LISTED per status). */
  inFlight: Array<Pick<Run, 'id' | 'flow' | 'status' | 'target' | 'updatedAt'> & { execution?: string }>;
  /** The most recent failed run, if any among the recent ones. */
  lastFailure?: Pick<Run, 'id' | 'flow' | 'target' | 'updatedAt'> & { error?: string };
  /** Dead letters not replayed yet, by flow (counted up to LISTED). */
  deadLetters: { total: number; byFlow: Partial<Record<FlowName, number>>; oldest?: string };
  /** Targets with parked deliveries. */
  parked: Array<{ target: string; count: number; oldest: string }>;
  /** Remediations the alerts flow started in the last hour (the global rate limit counts these). */
  remediationsLastHour: number;
  /** Status events not published yet (counted up to LISTED): a backlog that grows means cp-events is failing. */
  outbox: { waiting: number; failing: number; oldest?: string; lastError?: string };
}

export async function readControlPlaneSummary(store: StateStore, now: Date): Promise<ControlPlaneSummary> {
  const [recent, inFlightLists, deadLetters, parked, rate, outbox] = await Promise.all([
    store.listRuns({ limit: RECENT_RUNS }),
    Promise.all(IN_FLIGHT.map((status) => store.listRuns({ status, limit: LISTED }))),
    store.listDeadLetters({ limit: LISTED }),
    store.listParkedTargets(50),
    readValue<RateState>(store, GUARD_NAMESPACES.rate, RATE_KEY),
    store.listOutbox({ limit: LISTED }),
  ]);
  const failing = outbox.filter((e) => e.attempts > 0);
  const byStatus: Partial<Record<RunStatus, number>> = {};
  for (const r of recent) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const failed = recent.find((r) => r.status === 'failed');
  const byFlow: Partial<Record<FlowName, number>> = {};
  for (const d of deadLetters) byFlow[d.flow] = (byFlow[d.flow] ?? 0) + 1;
  const inFlight = inFlightLists.flat()
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .map((r) => ({ id: r.id, flow: r.flow, status: r.status, target: r.target, updatedAt: r.updatedAt, ...(r.refs?.execution ? { execution: r.refs.execution } : {}) }));
  return {
    recent: { runs: recent.length, byStatus },
    inFlight,
    ...(failed ? { lastFailure: { id: failed.id, flow: failed.flow, target: failed.target, updatedAt: failed.updatedAt, error: failed.error?.message } } : {}),
    deadLetters: { total: deadLetters.length, byFlow, ...(deadLetters.length ? { oldest: deadLetters.map((d) => d.at).sort()[0] } : {}) },
    parked,
    remediationsLastHour: startsInLastHour(rate, now).length,
    outbox: {
      waiting: outbox.length, failing: failing.length,
      ...(outbox.length ? { oldest: outbox.map((e) => e.createdAt).sort()[0] } : {}),
      ...(failing.length ? { lastError: failing.map((e) => ({ at: e.lastAttemptAt ?? '', error: e.lastError ?? '' })).sort((a, b) => b.at.localeCompare(a.at))[0]!.error } : {}),
    },
  };
}
