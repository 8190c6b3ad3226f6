/**
 * Ending a handed-over backups run (follow.ts) once its execution has ended, exactly as the
 * delivery used to at the end of the task: the task's own finish (drill: clone cleanup, metrics),
 * the run's final status and result with its status event (through the outbox) and audit entry, a dead
 * letter for a failed run, and the run's lock released (handing the target to its oldest parked
 * delivery).
 *
 * Two followers may look at one run at once (the scheduled tick and a redelivered tick, or two
 * local passes). Only the one that creates the claim `backups.finish/<runId>` (a compare-and-set
 * on a versioned document) ends it; the run's status alone cannot decide, because a store treats
 * `succeeded → succeeded` as no change. A claim whose holder died is taken over after
 * FINISH_STALE_MS, so every step here is safe to repeat (delete-if-present, gauge points, events
 * at least once).
 */
import { TOPICS } from '../../events/topics.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Run, RunStep } from '../../ports/state-store.ts';
import type { Execution } from '../../ports/workflows.ts';
import { putBoundedDeadLetter } from '../../runtime/dead-letters.ts';
import type { ActOutcome, RuntimeDeps } from '../../runtime/flow.ts';
import { releaseAndHandOver } from '../../runtime/lease.ts';
import { statusOutbox } from '../../runtime/outbox.ts';
import type { BackupsDeps } from './deps.ts';
import { executionOwner, type Handoff } from './follow.ts';
import { finishBucketRestore } from './tasks/bucket-restore.ts';
import { finishRestoreDrill } from './tasks/restore-drill.ts';

export const FINISH_NAMESPACE = 'backups.finish';
/** A finish claim older than this belongs to a follower that died mid-way; another may take over. */
export const FINISH_STALE_MS = 10 * 60_000;

/** What the follower acts through: the runtime's store, clock, publisher, logger and config, and the flow's adapters. */
export interface BackupsFollowContext {
  runtime: Pick<RuntimeDeps, 'store' | 'clock' | 'logger' | 'publisher' | 'config' | 'payloads'>;
  backups: BackupsDeps;
}

/** What a task's finish gets. */
export interface FinishContext {
  deps: BackupsDeps;
  clock: Clock;
  /** Recorded on the run with its final status. */
  step(name: string, detail: string, status?: RunStep['status']): void;
  /** The run is being ended after repeated failures to end it: a cleanup or metric that fails is reported, not retried. */
  bestEffort: boolean;
}

interface FinishClaim { owner: string; at: string; done?: boolean; abandoned?: boolean }

export interface EndInput {
  execution: Execution;
  /** Set when the follower ends the run itself (timed out, execution unreadable): the failure's reason. */
  why?: string;
  bestEffort?: boolean;
}

/** Ends the run; null when another follower is ending (or has ended) it. */
export async function finishHandedOver(fc: BackupsFollowContext, run: Run, handoff: Handoff, end: EndInput): Promise<Run | null> {
  const { store, clock, publisher, logger } = fc.runtime;
  const owner = `follower:${run.id}:${clock.now().getTime()}:${Math.random().toString(36).slice(2)}`;
  const claim = await claimFinish(fc, run.id, owner);
  if (claim === null) return null;
  try {
    const current = await store.getRun(run.id);
    if (!current || current.status !== 'executing') {
      await store.putValue<FinishClaim>(FINISH_NAMESPACE, run.id, { owner, at: clock.now().toISOString(), done: true }, claim);
      return null;
    }
    const steps: RunStep[] = [];
    const taskCtx: FinishContext = {
      deps: fc.backups, clock, bestEffort: end.bestEffort === true,
      step: (name, detail, status = 'succeeded') => { steps.push({ name, detail, status, at: clock.now().toISOString() }); },
    };
    const outcome: ActOutcome = handoff.task === 'restore-drill'
      ? await finishRestoreDrill(taskCtx, handoff, end.execution, end.why)
      : await finishBucketRestore(taskCtx, handoff, end.execution, end.why);

    const finished = clock.now();
    const statusEvent = {
      apiVersion: 'stackctl/v1', flow: 'backups', runId: run.id, key: run.key, target: run.target,
      status: outcome.status, at: finished.toISOString(), ...(outcome.statusEvent ?? { kind: 'RunStatus' }),
    };
    const reason = outcome.reason ?? `${handoff.task} ${outcome.status} (execution ${handoff.execution} ${end.execution.state})`;
    if (outcome.status === 'failed') {
      // Before the terminal status: a follower that dies in between writes it again rather than never.
      const dl = await putBoundedDeadLetter(fc.runtime, { flow: 'backups', topic: TOPICS.backups, raw: handoff.message, reason });
      logger.warn({ flow: 'backups', runId: run.id, deadLetterId: dl.id, reason }, 'handed-over run failed');
    }
    // As in the pipeline: the run's end, its status event (into the outbox) and the audit record in
    // one transaction; the event is published after it, and a failed publish waits in the outbox.
    const { run: updated } = await store.finishRun({
      runId: run.id,
      patch: {
        status: outcome.status, result: outcome.result,
        refs: { ...(current.refs ?? {}), ...(outcome.refs ?? {}) },
        steps: [...current.steps, ...steps],
        ...(outcome.status === 'failed' ? { error: { class: 'permanent' as const, message: reason, where: handoff.execution } } : {}),
      },
      event: { topic: TOPICS.events, data: statusEvent, attributes: { flow: 'backups', kind: String(statusEvent.kind) } },
      audit: {
        flow: 'backups', runId: run.id, actor: 'backups-follower', action: 'backups.execution-finished', target: run.target,
        result: outcome.status === 'failed' ? 'failed' : 'ok', reason,
        durationMs: finished.getTime() - Date.parse(run.createdAt),
        details: { task: handoff.task, execution: handoff.execution, executionState: end.execution.state },
      },
    });
    await releaseAndHandOver(fc.runtime, handoff.lock, executionOwner(run.id));
    await store.putValue<FinishClaim>(FINISH_NAMESPACE, run.id, { owner, at: clock.now().toISOString(), done: true }, claim);
    logger.info({ flow: 'backups', runId: run.id, status: updated.status, execution: handoff.execution }, 'handed-over run finished');
    await statusOutbox({ store, publisher, clock, logger }).drain();
    return updated;
  } catch (err) {
    // Nothing final was written: the next pass may try at once.
    await store.putValue<FinishClaim>(FINISH_NAMESPACE, run.id, { owner, at: clock.now().toISOString(), abandoned: true }, claim)
      .catch(() => undefined);
    throw err;
  }
}

/** The claim's version when this follower now holds it, else null. */
async function claimFinish(fc: BackupsFollowContext, runId: string, owner: string): Promise<number | null> {
  const { store, clock } = fc.runtime;
  const now = clock.now();
  const current = await store.getValue<FinishClaim>(FINISH_NAMESPACE, runId);
  if (current) {
    if (current.value.done) return null;
    if (!current.value.abandoned && now.getTime() - Date.parse(current.value.at) < FINISH_STALE_MS) return null;
  }
  const put = await store.putValue<FinishClaim>(FINISH_NAMESPACE, runId, { owner, at: now.toISOString() }, current?.version ?? 0);
  return put.ok ? put.version : null;
}
