/**
 * The backups follower: restore-drill and bucket-restore runs hand their work to a workflow
 * execution and stay `executing` (follow.ts); this polls those executions and ends each run when
 * its execution ends (finish.ts). While an execution runs it renews the run's lock. It never
 * follows for ever:
 * - past the run's deadline (the drill's `timeoutMinutes`) it cancels the execution and ends the
 *   run failed, the drill's clone deleted;
 * - an execution that can no longer be read (404, 403: permanent) ends the run failed at once;
 *   one that keeps failing to be read (transient) ends it failed after MAX_FOLLOW_FAILURES passes
 *   spanning at least FOLLOW_FAILURE_WINDOW_MS; the same bound applies to a finish that keeps
 *   failing (then it is done best-effort: a cleanup that fails is reported on the run).
 *
 * One pass looks at most `batchSize` runs and starts no new run after `passBudgetMs`, so a pass
 * fits in the delivery of the scheduled BackupFollowJob (production) and never piles up behind
 * itself locally (`startBackupsFollower`, run by the local stack).
 */
import type { Run } from '../../ports/state-store.ts';
import type { Execution } from '../../ports/workflows.ts';
import { isPermanent } from '../../runtime/errors.ts';
import { startPolling } from '../../runtime/polling.ts';
import { EXECUTION_LEASE_MS, executionError, executionOwner, type Handoff } from './follow.ts';
import { finishHandedOver, type BackupsFollowContext, type EndInput } from './finish.ts';

export const MAX_FOLLOW_FAILURES = 10;
export const FOLLOW_FAILURE_WINDOW_MS = 10 * 60_000;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface BackupsFollowerOptions {
  /** Most runs looked at per pass. */
  batchSize?: number;
  /** No run is started after this much clock time in one pass; default the backups follow budget. */
  passBudgetMs?: number;
}

export interface BackupsFollowResult {
  checked: number;
  finished: Array<{ runId: string; execution: string; status: string }>;
  /** Runs another follower was ending at the same time (left to it). */
  raced: string[];
  errors: Array<{ runId: string; error: string }>;
  /** Runs left for the next pass because this one ran out of its budget. */
  deferred: number;
}

export async function followBackupsOnce(fc: BackupsFollowContext, options: BackupsFollowerOptions = {}): Promise<BackupsFollowResult> {
  const { store, clock, logger } = fc.runtime;
  const budget = options.passBudgetMs ?? fc.backups.settings.followBudgetMs;
  const until = clock.now().getTime() + budget;
  const runs = (await store.listRuns({ flow: 'backups', status: 'executing', limit: options.batchSize ?? 50 })).filter((r) => r.refs?.execution);
  const result: BackupsFollowResult = { checked: 0, finished: [], raced: [], errors: [], deferred: 0 };
  for (const [i, run] of runs.entries()) {
    if (clock.now().getTime() >= until) {
      result.deferred = runs.length - i;
      break;
    }
    result.checked++;
    try {
      const ended = await followRun(fc, run);
      if (ended === 'raced') result.raced.push(run.id);
      else if (ended) result.finished.push({ runId: run.id, execution: run.refs!.execution!, status: ended.status });
    } catch (err) {
      const message = (err as Error).message;
      result.errors.push({ runId: run.id, error: message });
      logger.warn({ flow: 'backups', runId: run.id, execution: run.refs?.execution, err: message }, 'could not follow the execution; the next pass tries again');
      await countFailure(fc, run, message);
    }
  }
  return result;
}

/** The run's hand-over record, or a clear reason it has none. */
export function handoffOf(run: Run): Handoff | string {
  const h = (run.result as { handoff?: Partial<Handoff> } | undefined)?.handoff;
  if (!h || typeof h !== 'object') return `run ${run.id} is executing without a hand-over record (result.handoff)`;
  const missing = (['task', 'execution', 'lock', 'deadline', 'message', 'plan'] as const).filter((k) => h[k] === undefined || h[k] === null);
  if (missing.length) return `run ${run.id}: result.handoff lacks ${missing.join(', ')}`;
  if (h.task !== 'restore-drill' && h.task !== 'bucket-restore') return `run ${run.id}: result.handoff.task ${JSON.stringify(h.task)} is not restore-drill or bucket-restore`;
  if (Number.isNaN(Date.parse(String(h.deadline)))) return `run ${run.id}: result.handoff.deadline ${JSON.stringify(h.deadline)} is not a time`;
  return h as Handoff;
}

async function followRun(fc: BackupsFollowContext, run: Run): Promise<Run | 'raced' | undefined> {
  const { store, clock } = fc.runtime;
  const handoff = handoffOf(run);
  if (typeof handoff === 'string') {
    // Nothing to follow and nothing to clean up with: say so on the run instead of skipping it for ever.
    const updated = await store.updateRun(run.id, { status: 'failed', error: { class: 'permanent', message: handoff, where: 'backups-follower' } });
    await store.appendAudit({ flow: 'backups', runId: run.id, actor: 'backups-follower', action: 'backups.execution-finished', target: run.target, result: 'failed', reason: handoff });
    return updated;
  }
  const now = clock.now().getTime();
  const overdue = now >= Date.parse(handoff.deadline);
  const forced = failuresExhausted(run, now);
  // Set once this follower has decided to end the run itself: a later pass (after a finish that
  // failed half-way) ends it for the same reason, not for the CANCELLED state that decision caused.
  const decided = run.refs?.endedBy;
  let execution: Execution;
  try {
    execution = await fc.backups.workflows.getExecution(handoff.execution);
  } catch (err) {
    if (!isPermanent(err) && !overdue && !forced && !decided) throw err;
    const unreadable = `its execution ${handoff.execution} can no longer be read (${(err as Error).message})`;
    const cancelled = await cancel(fc, handoff);
    const why = decided ?? (overdue ? `${timedOut(handoff, cancelled)}; ${unreadable}` : `ended by the follower: ${unreadable}`);
    return end(fc, run, handoff, { execution: cancelled, why: await decide(fc, run, why), bestEffort: forced });
  }
  if (TERMINAL.has(execution.state)) return end(fc, run, handoff, { execution, why: decided, bestEffort: forced });
  if (overdue || decided) {
    const cancelled = await cancel(fc, handoff);
    const why = decided ?? timedOut(handoff, cancelled);
    return end(fc, run, handoff, { execution: cancelled.state === 'UNAVAILABLE' ? execution : cancelled, why: await decide(fc, run, why), bestEffort: forced });
  }
  await renewLock(fc, run, handoff);
  const refs = run.refs ?? {};
  if (refs.executionState !== execution.state || refs.followFailures) {
    const { followFailures: _f, followFailingSince: _s, followError: _e, ...rest } = refs;
    await store.updateRun(run.id, { refs: { ...rest, executionState: execution.state } });
  }
  return undefined;
}

async function end(fc: BackupsFollowContext, run: Run, handoff: Handoff, input: EndInput): Promise<Run | 'raced'> {
  return (await finishHandedOver(fc, run, handoff, input)) ?? 'raced';
}

/** Records why the follower ends the run, before it acts on that. */
async function decide(fc: BackupsFollowContext, run: Run, why: string): Promise<string> {
  if (run.refs?.endedBy !== why) await fc.runtime.store.updateRun(run.id, { refs: { ...(run.refs ?? {}), endedBy: why } });
  return why;
}

function timedOut(handoff: Handoff, cancelled: Execution): string {
  const minutes = handoff.plan.timeoutMinutes;
  const action = cancelled.state === 'UNAVAILABLE' ? `cancelling the execution failed (${executionError(cancelled).message as string})` : 'the execution was cancelled';
  return `timed out: still running at its deadline ${handoff.deadline}${typeof minutes === 'number' ? ` (timeoutMinutes ${minutes})` : ''}; ${action}`;
}

/** Cancels the execution; an execution that cannot be cancelled (gone, already ended) is reported as the state it is in. */
async function cancel(fc: BackupsFollowContext, handoff: Handoff): Promise<Execution> {
  try {
    return await fc.backups.workflows.cancelExecution(handoff.execution);
  } catch (err) {
    fc.runtime.logger.warn({ flow: 'backups', execution: handoff.execution, err: (err as Error).message }, 'could not cancel the execution');
    return { name: handoff.execution, workflow: handoff.task, state: 'UNAVAILABLE', error: { payload: JSON.stringify({ message: (err as Error).message }) } };
  }
}

async function renewLock(fc: BackupsFollowContext, run: Run, handoff: Handoff): Promise<void> {
  const { store, logger } = fc.runtime;
  const owner = executionOwner(run.id);
  if (await store.renewLease(handoff.lock, owner, EXECUTION_LEASE_MS)) return;
  // The lease ran out (nothing followed the run for a while): take it back if it is free.
  if (!(await store.acquireLease(handoff.lock, owner, EXECUTION_LEASE_MS))) {
    logger.warn({ flow: 'backups', runId: run.id, lock: handoff.lock }, 'the run\'s lock lapsed and another run holds it now; following without it');
  }
}

function failuresExhausted(run: Run, now: number): boolean {
  const failures = Number(run.refs?.followFailures ?? 0);
  const since = Date.parse(run.refs?.followFailingSince ?? '');
  return failures >= MAX_FOLLOW_FAILURES && !Number.isNaN(since) && now - since >= FOLLOW_FAILURE_WINDOW_MS;
}

/** Counts a pass that could not follow the run, on the run (so the bound holds across instances). */
async function countFailure(fc: BackupsFollowContext, run: Run, message: string): Promise<void> {
  const { store, clock, logger } = fc.runtime;
  try {
    const current = await store.getRun(run.id);
    if (!current || current.status !== 'executing') return;
    const refs = current.refs ?? {};
    await store.updateRun(run.id, {
      refs: {
        ...refs,
        followFailures: String(Number(refs.followFailures ?? 0) + 1),
        followFailingSince: refs.followFailingSince ?? clock.now().toISOString(),
        followError: message.slice(0, 500),
      },
    });
  } catch (err) {
    logger.warn({ flow: 'backups', runId: run.id, err: (err as Error).message }, 'could not record a follow failure');
  }
}

/** Polls every `intervalMs` (real time) until stopped; a pass never overlaps the next. */
export function startBackupsFollower(fc: BackupsFollowContext, options: BackupsFollowerOptions & { intervalMs: number }): { stop(): Promise<void> } {
  return startPolling(() => followBackupsOnce(fc, options), options.intervalMs, (err: unknown) => fc.runtime.logger.error({ err: (err as Error).message }, 'backups follower pass failed'));
}
