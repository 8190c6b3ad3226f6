/**
 * `restore-drill`: proves a backup can be restored. Stale drill clones (older than 24 h: a drill
 * cancelled or killed before its cleanup) are swept first; then `workflows/restore-drill.yaml`
 * clones the instance at now − minutesAgo into `<instance>-drill-<yyyymmddhhmm>`, verifies it and
 * deletes it. The delivery only starts the execution and hands the run over (`executing`, see
 * follow.ts); when the execution ends (including CANCELLED, or cancelled by the follower after
 * `timeoutMinutes`) `finishRestoreDrill` makes sure the clone is gone, then records the RTO and
 * the drill's success as metrics.
 */
import { drillInstanceName, staleDrillInstances } from '../../../domain/backups/names.ts';
import type { MetricPoint } from '../../../ports/metrics.ts';
import type { Execution } from '../../../ports/workflows.ts';
import type { ActOutcome } from '../../../runtime/flow.ts';
import type { TaskBase, TaskContext } from '../context.ts';
import { isNotFoundError, retryTransient } from '../errors.ts';
import type { FinishContext } from '../finish.ts';
import { executionError, handOver, holdForExecution, recordedExecution, startOnce, type Handoff } from '../follow.ts';
import { DRILL_RTO_METRIC, DRILL_SUCCESS_METRIC, metricResource } from '../metrics.ts';
import { requireInstance } from './instance.ts';

export const DRILL_WORKFLOW = 'restore-drill';
const STALE_DRILL_MS = 24 * 3_600_000;

export async function runRestoreDrill(ctx: TaskContext<'restore-drill'>): Promise<ActOutcome> {
  const { settings } = ctx.deps;
  const instance = await requireInstance(ctx);
  const lock = `instance:${instance.name}`;
  // The plan is fixed by the run (its start time), so a redelivery computes the same names.
  const runStart = new Date(ctx.act.run.createdAt);
  const drill = drillInstanceName(instance.name, runStart);
  const pointInTime = new Date(runStart.getTime() - ctx.task.options.minutesAgo * 60_000);
  const name = await holdForExecution(ctx, lock, async () => {
    if (recordedExecution(ctx) === undefined) await sweep(ctx);
    return startOnce(ctx, DRILL_WORKFLOW, {
      instance: instance.name, drillInstance: drill, pointInTime: pointInTime.toISOString(),
      exportsBucket: ctx.task.options.bucket ?? settings.exportsBucket, timeoutSeconds: ctx.task.options.timeoutMinutes * 60,
      reason: `scheduled restore drill (job ${ctx.job.job}, slot ${ctx.slot.toISOString()})`,
    });
  });
  const plan = { instance: instance.name, drillInstance: drill, pointInTime: pointInTime.toISOString(), timeoutMinutes: ctx.task.options.timeoutMinutes };
  return handOver(ctx, {
    task: 'restore-drill', execution: name, lock, timeoutMs: ctx.task.options.timeoutMinutes * 60_000, plan,
    reason: `started restore drill of ${instance.name} into ${drill} (execution ${name}); the backups follower ends the run when it ends`,
    statusEvent: { kind: 'RestoreDrillStarted', task: 'restore-drill', ...plan },
  });
}

/** Ends a drill whose execution has ended: the clone removed, the metrics written, the outcome. */
export async function finishRestoreDrill(fc: FinishContext, handoff: Handoff, execution: Execution, why?: string): Promise<ActOutcome> {
  const { sql, metrics, settings } = fc.deps;
  const clock = fc.clock;
  const instance = String(handoff.plan.instance);
  const drill = String(handoff.plan.drillInstance);
  const pointInTime = String(handoff.plan.pointInTime);
  const name = handoff.execution;

  let cleanup = 'the workflow deleted the clone';
  try {
    const leftover = await retryTransient(clock, () => sql.getInstance(drill));
    if (leftover) {
      try {
        await retryTransient(clock, () => sql.deleteInstance(drill));
        cleanup = `the clone was left behind (execution ${execution.state}); deleted it`;
      } catch (err) {
        if (!isNotFoundError(err)) throw err;
      }
    }
  } catch (err) {
    if (!fc.bestEffort) throw err;
    cleanup = `could not delete the clone ${drill}: ${(err as Error).message}; the next drill's sweep deletes it once it is 24 h old`;
  }
  fc.step('cleanup', cleanup, cleanup.startsWith('could not') ? 'failed' : 'succeeded');

  const succeeded = execution.state === 'SUCCEEDED' && !why;
  const result = execution.result as { rtoSeconds?: number; timings?: Record<string, number>; databases?: string[]; dump?: unknown } | undefined;
  const points: MetricPoint[] = [{
    metricType: DRILL_SUCCESS_METRIC, metricLabels: { instance }, ...metricResource(settings.projectId),
    value: succeeded ? 1 : 0, valueType: 'INT64', endTime: clock.now(), metricKind: 'GAUGE',
  }];
  if (succeeded && typeof result?.rtoSeconds === 'number') {
    points.push({ ...points[0]!, metricType: DRILL_RTO_METRIC, value: result.rtoSeconds, valueType: 'DOUBLE' });
  }
  try {
    await retryTransient(clock, () => metrics.write(points));
  } catch (err) {
    if (!fc.bestEffort) throw err;
    fc.step('metrics', `could not write ${DRILL_SUCCESS_METRIC}: ${(err as Error).message}`, 'failed');
  }

  const summary = {
    task: 'restore-drill', instance, drillInstance: drill, pointInTime, execution: name,
    executionState: execution.state, cleanup,
    ...(succeeded ? { rtoSeconds: result?.rtoSeconds ?? null, timings: result?.timings ?? {}, databases: result?.databases ?? [], dump: result?.dump ?? null } : {}),
  };
  const refs = { execution: name, executionState: execution.state };
  if (succeeded) {
    fc.step('drill', `restored ${instance} as of ${pointInTime} into ${drill}; RTO ${result?.rtoSeconds ?? '?'} s`);
    return { status: 'succeeded', result: summary, refs, statusEvent: { kind: 'RestoreDrillCompleted', ...summary } };
  }
  const error = why ? { message: why } : executionError(execution);
  const reason = why ?? (execution.state === 'CANCELLED' ? 'was cancelled' : `failed${error.failedStep ? ` at ${String(error.failedStep)}` : ''}: ${String(error.message ?? '')}`);
  const message = `restore drill of ${instance} ${reason}`;
  fc.step('drill', message, 'failed');
  return { status: 'failed', reason: message, result: { ...summary, error }, refs, statusEvent: { kind: 'RestoreDrillFailed', ...summary, error } };
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
