/**
 * `bucket-restore`: `workflows/bucket-restore.yaml` puts a bucket (or a prefix of it) back to its
 * state at T from object versions. It always plans first (published as BucketRestorePlanned);
 * with `dryRun` it stops there. The delivery starts the execution under the lock `bucket:<name>`
 * and hands the run over (follow.ts); `finishBucketRestore` turns the execution's end into the outcome.
 */
import type { Execution } from '../../../ports/workflows.ts';
import type { ActOutcome } from '../../../runtime/flow.ts';
import type { TaskContext } from '../context.ts';
import type { FinishContext } from '../finish.ts';
import { executionError, handOver, holdForExecution, startOnce, type Handoff } from '../follow.ts';

export const BUCKET_RESTORE_WORKFLOW = 'bucket-restore';

/**
 * A bucket restore has no timeout option; its workflow bounds every wait, and this bounds the
 * whole run so an execution that never ends cannot hold the bucket's lock for good.
 */
export const BUCKET_RESTORE_MAX_MS = 24 * 3_600_000;

export async function runBucketRestore(ctx: TaskContext<'bucket-restore'>): Promise<ActOutcome> {
  const o = ctx.task.options;
  const lock = `bucket:${o.bucket}`;
  const name = await holdForExecution(ctx, lock, () => startOnce(ctx, BUCKET_RESTORE_WORKFLOW, {
    bucket: o.bucket, prefix: o.prefix, pointInTime: o.pointInTime, dryRun: o.dryRun,
    reason: `bucket restore job ${ctx.job.job} (slot ${ctx.slot.toISOString()})`,
  }));
  const plan = { bucket: o.bucket, prefix: o.prefix, pointInTime: o.pointInTime, dryRun: o.dryRun };
  return handOver(ctx, {
    task: 'bucket-restore', execution: name, lock, timeoutMs: BUCKET_RESTORE_MAX_MS, plan,
    reason: `started ${o.dryRun ? 'a dry-run' : 'a'} bucket restore of gs://${o.bucket}/${o.prefix} to ${o.pointInTime} (execution ${name}); the backups follower ends the run when it ends`,
    statusEvent: { kind: 'BucketRestoreStarted', task: 'bucket-restore', ...plan },
  });
}

export async function finishBucketRestore(fc: FinishContext, handoff: Handoff, execution: Execution, why?: string): Promise<ActOutcome> {
  const bucket = String(handoff.plan.bucket);
  const prefix = String(handoff.plan.prefix ?? '');
  const dryRun = handoff.plan.dryRun === true;
  const refs = { execution: handoff.execution, executionState: execution.state };
  if (execution.state === 'SUCCEEDED' && !why) {
    const result = { task: 'bucket-restore', ...(execution.result as Record<string, unknown>) };
    fc.step('bucket-restore', `${dryRun ? 'planned' : 'restored'} gs://${bucket}/${prefix} as of ${String(handoff.plan.pointInTime)}`);
    return { status: 'succeeded', result, refs, statusEvent: { kind: dryRun ? 'BucketRestorePlanned' : 'BucketRestoreCompleted', ...result } };
  }
  const error = why ? { message: why } : executionError(execution);
  const reason = `bucket restore of gs://${bucket}/${prefix} ${why ?? `${execution.state}: ${String(error.message ?? '')}`}`;
  fc.step('bucket-restore', reason, 'failed');
  return { status: 'failed', reason, result: { task: 'bucket-restore', executionState: execution.state, error }, refs, statusEvent: { kind: 'BucketRestoreFailed', bucket, prefix, error } };
}
