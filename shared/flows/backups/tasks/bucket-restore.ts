/**
 * `bucket-restore`: `workflows/bucket-restore.yaml` puts a bucket (or a prefix of it) back to its
 * state at T from object versions. It always plans first (published as BucketRestorePlanned);
 * with `dryRun` it stops there.
 */
import type { ActOutcome } from '../../../runtime/flow.ts';
import type { TaskContext } from '../context.ts';
import { executionError, followToEnd, startOnce } from '../follow.ts';

export const BUCKET_RESTORE_WORKFLOW = 'bucket-restore';

export async function runBucketRestore(ctx: TaskContext<'bucket-restore'>): Promise<ActOutcome> {
  const o = ctx.task.options;
  const name = await startOnce(ctx, BUCKET_RESTORE_WORKFLOW, {
    bucket: o.bucket, prefix: o.prefix, pointInTime: o.pointInTime, dryRun: o.dryRun,
    reason: `bucket restore job ${ctx.job.job} (slot ${ctx.slot.toISOString()})`,
  });
  const execution = await followToEnd(ctx, name);
  const refs = { execution: name, executionState: execution.state };
  if (execution.state === 'SUCCEEDED') {
    const result = { task: 'bucket-restore', ...(execution.result as Record<string, unknown>) };
    await ctx.step('bucket-restore', `${o.dryRun ? 'planned' : 'restored'} gs://${o.bucket}/${o.prefix} as of ${o.pointInTime}`);
    return { status: 'succeeded', result, refs, statusEvent: { kind: o.dryRun ? 'BucketRestorePlanned' : 'BucketRestoreCompleted', ...result } };
  }
  const error = executionError(execution);
  const why = `bucket restore of gs://${o.bucket}/${o.prefix} ${execution.state}: ${String(error.message ?? '')}`;
  await ctx.step('bucket-restore', why, 'failed');
  return { status: 'failed', reason: why, result: { task: 'bucket-restore', error }, refs, statusEvent: { kind: 'BucketRestoreFailed', bucket: o.bucket, prefix: o.prefix, error } };
}
