/**
 * `restore-drill`: proves a backup can be restored. Stale drill clones (older than 24 h: a drill
 * cancelled or killed before its cleanup) are swept first; then `workflows/restore-drill.yaml`
 * clones the instance at now − minutesAgo into `<instance>-drill-<yyyymmddhhmm>`, verifies it and
 * deletes it. Whatever the execution's outcome (including CANCELLED), this task makes sure the
 * clone is gone afterwards, then records the RTO and the drill's success as metrics.
 */
import { drillInstanceName, staleDrillInstances } from '../../../domain/backups/names.ts';
import type { MetricPoint } from '../../../ports/metrics.ts';
import { PermanentError } from '../../../runtime/errors.ts';
import type { ActOutcome } from '../../../runtime/flow.ts';
import type { TaskBase, TaskContext } from '../context.ts';
import { isNotFoundError, retryTransient } from '../errors.ts';
import { executionError, followToEnd, recordedExecution, startOnce } from '../follow.ts';
import { DRILL_RTO_METRIC, DRILL_SUCCESS_METRIC, metricResource } from '../metrics.ts';
import { requireInstance } from './instance.ts';

export const DRILL_WORKFLOW = 'restore-drill';
const STALE_DRILL_MS = 24 * 3_600_000;

export async function runRestoreDrill(ctx: TaskContext<'restore-drill'>): Promise<ActOutcome> {
  const { sql, metrics, settings } = ctx.deps;
  const clock = ctx.act.deps.clock;
  const instance = await requireInstance(ctx);
  const started = recordedExecution(ctx) === undefined;
  if (started) await sweep(ctx);

  // The plan is fixed by the run (its start time), so a redelivery computes the same names.
  const runStart = new Date(ctx.act.run.createdAt);
  const drill = drillInstanceName(instance.name, runStart);
  const pointInTime = new Date(runStart.getTime() - ctx.task.options.minutesAgo * 60_000);
  const name = await startOnce(ctx, DRILL_WORKFLOW, {
    instance: instance.name, drillInstance: drill, pointInTime: pointInTime.toISOString(),
    exportsBucket: ctx.task.options.bucket ?? settings.exportsBucket, timeoutSeconds: ctx.task.options.timeoutMinutes * 60,
    reason: `scheduled restore drill (job ${ctx.job.job}, slot ${ctx.slot.toISOString()})`,
  });
  let execution;
  try {
    execution = await followToEnd(ctx, name);
  } catch (err) {
    if (!(err instanceof PermanentError)) throw err;
    // The execution cannot be read any more: clean up and fail the drill.
    execution = { name, workflow: DRILL_WORKFLOW, state: 'FAILED' as const, error: { payload: JSON.stringify({ message: err.message }) } };
  }

  const leftover = await retryTransient(clock, () => sql.getInstance(drill));
  let cleanup = 'the workflow deleted the clone';
  if (leftover) {
    try {
      await retryTransient(clock, () => sql.deleteInstance(drill));
      cleanup = `the clone was left behind (execution ${execution.state}); deleted it`;
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
    }
  }
  await ctx.step('cleanup', cleanup);

  const succeeded = execution.state === 'SUCCEEDED';
  const result = execution.result as { rtoSeconds?: number; timings?: Record<string, number>; databases?: string[]; dump?: unknown } | undefined;
  const points: MetricPoint[] = [{
    metricType: DRILL_SUCCESS_METRIC, metricLabels: { instance: instance.name }, ...metricResource(settings.projectId),
    value: succeeded ? 1 : 0, valueType: 'INT64', endTime: clock.now(), metricKind: 'GAUGE',
  }];
  if (succeeded && typeof result?.rtoSeconds === 'number') {
    points.push({ ...points[0]!, metricType: DRILL_RTO_METRIC, value: result.rtoSeconds, valueType: 'DOUBLE' });
  }
  await retryTransient(clock, () => metrics.write(points));

  const summary = {
    task: 'restore-drill', instance: instance.name, drillInstance: drill, pointInTime: pointInTime.toISOString(), execution: name,
    executionState: execution.state, cleanup,
    ...(succeeded ? { rtoSeconds: result?.rtoSeconds ?? null, timings: result?.timings ?? {}, databases: result?.databases ?? [], dump: result?.dump ?? null } : {}),
  };
  const refs = { execution: name, executionState: execution.state };
  if (succeeded) {
    await ctx.step('drill', `restored ${instance.name} as of ${pointInTime.toISOString()} into ${drill}; RTO ${result?.rtoSeconds ?? '?'} s`);
    return { status: 'succeeded', result: summary, refs, statusEvent: { kind: 'RestoreDrillCompleted', ...summary } };
  }
  const error = executionError(execution);
  const why = `restore drill of ${instance.name} ${execution.state === 'CANCELLED' ? 'was cancelled' : `failed${error.failedStep ? ` at ${String(error.failedStep)}` : ''}`}: ${String(error.message ?? '')}`;
  await ctx.step('drill', why, 'failed');
  return { status: 'failed', reason: why, result: { ...summary, error }, refs, statusEvent: { kind: 'RestoreDrillFailed', ...summary, error } };
}

async function sweep(ctx: TaskBase): Promise<void> {
  const clock = ctx.act.deps.clock;
  const all = await retryTransient(clock, () => ctx.deps.sql.listInstances());
  const stale = staleDrillInstances(ctx.job.instance, all.map((i) => i.name), clock.now(), STALE_DRILL_MS);
  for (const name of stale) {
    try {
      await retryTransient(clock, () => ctx.deps.sql.deleteInstance(name));
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
    }
  }
  if (stale.length) await ctx.step('sweep', `deleted stale drill instances ${stale.join(', ')}`);
}
