/**
 * Handing a run's work to a workflow execution. A restore drill or a bucket restore can run far
 * longer than one Pub/Sub delivery (a real Cloud SQL clone takes 10+ minutes, a drill may take its
 * whole `timeoutMinutes`), and every delivery spent waiting for it is a delivery attempt towards
 * the dead-letter topic. So the delivery starts the execution once, records it, takes the task's
 * lock for the run itself (owner `backups-run:<runId>`, not the delivery) and returns `executing`:
 * the message is acked, and the backups follower (follower.ts) ends the run when the execution
 * ends, renewing the lock meanwhile and releasing it at the end.
 */
import { rawOf } from '../../events/envelope.ts';
import type { Execution } from '../../ports/workflows.ts';
import type { ActOutcome } from '../../runtime/flow.ts';
import { acquireWithin, ContentionError, releaseAndHandOver } from '../../runtime/lease.ts';
import type { TaskBase } from './context.ts';

const STEP = 'start-execution';

/**
 * How long the run's lock lasts without a renewal. The follower renews it every pass (each minute
 * in production), so it only runs out when nothing follows the run any more; then the target is
 * free again instead of locked for good.
 */
export const EXECUTION_LEASE_MS = 15 * 60_000;

export type HandedOverTask = 'restore-drill' | 'bucket-restore';

/** What the follower needs to end the run, recorded on the run (`result.handoff`) at hand-over. */
export interface Handoff {
  task: HandedOverTask;
  execution: string;
  /** The lease the run holds while its execution runs: `instance:<name>` or `bucket:<name>`. */
  lock: string;
  /** When the execution has run too long: the follower then cancels it and fails the run. */
  deadline: string;
  /** The BackupJob as received, for the dead letter of a run that ends failed. */
  message: { data: string; attributes: Record<string, string>; messageId?: string; publishTime?: string };
  /** The task's own plan (drill: instance, drillInstance, pointInTime; bucket: bucket, prefix, pointInTime, dryRun). */
  plan: Record<string, unknown>;
}

export function executionOwner(runId: string): string {
  return `backups-run:${runId}`;
}

export function recordedExecution(ctx: TaskBase): string | undefined {
  return [...ctx.act.run.steps].reverse().find((s) => s.name === STEP && s.status === 'succeeded')?.detail;
}

export async function startOnce(ctx: TaskBase, workflow: string, argument: unknown): Promise<string> {
  const existing = recordedExecution(ctx);
  if (existing) return existing;
  // Not retried in place: a create that failed after the server made the execution would start a second one.
  const execution = await ctx.deps.workflows.startExecution(workflow, argument);
  await ctx.step(STEP, execution.name);
  return execution.name;
}

/**
 * Runs `work` (which starts the execution) holding `lock` for this run. Without the lock after a
 * bounded wait the delivery is parked on it (ContentionError), like any admin operation. When
 * `work` fails before an execution exists the lock is released; once one exists it is kept,
 * because the execution is running and the follower releases it when it ends.
 */
export async function holdForExecution(ctx: TaskBase, lock: string, work: (owner: string) => Promise<string>): Promise<string> {
  const deps = ctx.act.deps;
  const owner = executionOwner(ctx.act.run.id);
  if (!(await acquireWithin(deps, lock, owner, Math.floor(deps.config.contentionWaitMs / 2)))) throw new ContentionError(lock);
  let execution: string | undefined;
  try {
    await deps.store.renewLease(lock, owner, EXECUTION_LEASE_MS);
    execution = await work(owner);
    return execution;
  } finally {
    if (execution === undefined && recordedExecution(ctx) === undefined) await releaseAndHandOver(deps, lock, owner);
  }
}

/** The acked `executing` outcome of a hand-over. */
export function handOver(ctx: TaskBase, input: {
  task: HandedOverTask; execution: string; lock: string; timeoutMs: number; plan: Record<string, unknown>;
  reason: string; statusEvent: { kind: string; [field: string]: unknown };
}): ActOutcome {
  const startedAt = new Date(ctx.act.run.createdAt).getTime();
  const handoff: Handoff = {
    task: input.task, execution: input.execution, lock: input.lock,
    deadline: new Date(startedAt + input.timeoutMs).toISOString(),
    message: rawOf(ctx.act.message), plan: input.plan,
  };
  return {
    status: 'executing',
    reason: input.reason,
    result: { task: input.task, ...input.plan, execution: input.execution, handoff },
    refs: { execution: input.execution, executionState: 'ACTIVE', task: input.task, lock: input.lock },
    statusEvent: { ...input.statusEvent, execution: input.execution, deadline: handoff.deadline },
  };
}

/** The structured error a workflow raised (its `raise` map), or the raw payload. */
export function executionError(execution: Execution): Record<string, unknown> {
  const payload = execution.error?.payload ?? '';
  try {
    const parsed = JSON.parse(payload) as unknown;
    return parsed && typeof parsed === 'object' ? parsed as Record<string, unknown> : { message: String(parsed) };
  } catch {
    return { message: payload || `execution ended ${execution.state}` };
  }
}
