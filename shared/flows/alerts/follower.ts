/**
 * The execution follower: remediation runs hand their work to a workflow execution
 * (`refs.execution`) and stay `executing` or `awaiting-approval`; this polls those executions and
 * ends each run when its execution ends (SUCCEEDED → succeeded, FAILED → failed with the error,
 * CANCELLED → cancelled), releasing the target's lock. While an execution is ACTIVE it renews the
 * lock, so one in-flight remediation per target holds for as long as the execution runs.
 *
 * The local stack runs `startExecutionFollower`; `followExecutionsOnce` is one pass (the alerts
 * function's scheduled RemediationFollowJob in production, and tests).
 */
import { executionOutcome } from '../../domain/remediation/execution-outcome.ts';
import type { Run } from '../../ports/state-store.ts';
import { isPermanent } from '../../runtime/errors.ts';
import { startPolling } from '../../runtime/polling.ts';
import { statusOutbox } from '../../runtime/outbox.ts';
import type { RemediationContext } from './context.ts';
import { finishRemediation } from './finish.ts';
import { lockKey } from './guard-state.ts';

export interface FollowerOptions {
  /** Lock TTL set on each renewal when the run does not carry its rule's; longer than the polling interval. */
  leaseTtlMs?: number;
  /** Most runs looked at per pass. */
  batchSize?: number;
}

export interface FollowResult {
  checked: number;
  finished: Array<{ runId: string; execution: string; status: string }>;
  errors: Array<{ runId: string; error: string }>;
}

const DEFAULT_LEASE_TTL_MS = 3 * 60 * 60 * 1000;

export async function followExecutionsOnce(rc: RemediationContext, options: FollowerOptions = {}): Promise<FollowResult> {
  const { store, logger } = rc;
  const batch = options.batchSize ?? 200;
  const runs = [
    ...await store.listRuns({ flow: 'alerts', status: 'executing', limit: batch }),
    ...await store.listRuns({ flow: 'alerts', status: 'awaiting-approval', limit: batch }),
  ].filter((r) => r.refs?.execution);
  const result: FollowResult = { checked: runs.length, finished: [], errors: [] };
  for (const run of runs) {
    try {
      const ended = await followRun(rc, run, options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS);
      if (ended) {
        result.finished.push({ runId: run.id, execution: run.refs!.execution!, status: ended.status });
        const fields = { flow: 'alerts', runId: run.id, status: ended.status, execution: run.refs!.execution, ...(ended.error ? { err: ended.error.message } : {}) };
        if (ended.status === 'failed') logger.warn(fields, 'remediation finished');
        else logger.info(fields, 'remediation finished');
      }
    } catch (err) {
      result.errors.push({ runId: run.id, error: (err as Error).message });
      logger.warn({ runId: run.id, execution: run.refs?.execution, err: (err as Error).message }, 'could not follow execution; will try again');
    }
  }
  // The ends' RemediationFinished events wait in the outbox; publish them now (a failure stays
  // there for the next drain: the sweep of any delivery, or this follower's next pass).
  if (rc.publisher) await statusOutbox({ store, publisher: rc.publisher, clock: rc.clock, logger }).drain();
  return result;
}

async function followRun(rc: RemediationContext, run: Run, leaseTtlMs: number): Promise<Run | undefined> {
  const { store, workflows } = rc;
  const name = run.refs!.execution!;
  let execution;
  try {
    execution = await workflows.getExecution(name);
  } catch (err) {
    if (!isPermanent(err)) throw err;
    // The execution is gone (e.g. the local engine restarted): the run cannot end any other way.
    const ended = await finishRemediation(rc, run, {
      outcome: { status: 'failed', reason: `execution ${name} can no longer be read: ${(err as Error).message}`, countsAsFailure: false },
      executionState: 'UNAVAILABLE', actor: 'execution-follower', reportFinished: Boolean(rc.publisher),
    });
    return ended ?? undefined;
  }
  const outcome = executionOutcome(execution.state, execution.result, execution.error);
  if (!outcome) {
    const target = run.refs?.target;
    if (target) await store.renewLease(lockKey(target), run.id, planLeaseMs(run) ?? leaseTtlMs);
    if (run.refs?.executionState !== execution.state) await store.updateRun(run.id, { refs: { ...run.refs, executionState: execution.state } });
    return undefined;
  }
  const ended = await finishRemediation(rc, run, {
    outcome, executionState: execution.state, result: execution.result, actor: 'execution-follower', reportFinished: Boolean(rc.publisher),
  });
  return ended ?? undefined;
}

function planLeaseMs(run: Run): number | undefined {
  const ms = (run.result as { plan?: { policy?: { inFlightLeaseMs?: unknown } } } | undefined)?.plan?.policy?.inFlightLeaseMs;
  return typeof ms === 'number' && ms > 0 ? ms : undefined;
}

/** Polls every `intervalMs` (real time) until stopped; a pass never overlaps the next. */
export function startExecutionFollower(rc: RemediationContext, options: FollowerOptions & { intervalMs: number }): { stop(): Promise<void> } {
  return startPolling(() => followExecutionsOnce(rc, options), options.intervalMs, (err: unknown) => rc.logger.error({ err: (err as Error).message }, 'execution follower pass failed'));
}
