/**
 * `retention`: every page of backup runs is read, then ON_DEMAND runs beyond the policy are
 * deleted (see domain/backups/retention.ts for what is never deleted); exports beyond their own
 * policy are pruned where the bucket's retention policy allows it.
 */
import { parseExportObjectName } from '../../../domain/backups/names.ts';
import { selectBackupRunsToDelete, selectExportsToPrune, type ExportObject } from '../../../domain/backups/retention.ts';
import type { ActOutcome } from '../../../runtime/flow.ts';
import type { TaskContext } from '../context.ts';
import { isForbiddenError, isNotFoundError, retryTransient } from '../errors.ts';
import { requireInstance } from './instance.ts';

export async function runRetention(ctx: TaskContext<'retention'>): Promise<ActOutcome> {
  const { sql, objects, settings } = ctx.deps;
  const clock = ctx.act.deps.clock;
  const o = ctx.task.options;
  const instance = await requireInstance(ctx);
  const runs = await retryTransient(clock, () => sql.listBackupRuns(instance.name));
  const decision = selectBackupRunsToDelete(runs, { keepCount: o.keepOnDemand, maxAgeDays: o.maxAgeDays }, clock.now());
  await ctx.step('list-backups', `${runs.length} backup runs (${runs.filter((r) => r.type === 'AUTOMATED').length} automated); ${decision.delete.length} to delete`);
  const deleted: string[] = [];
  for (const run of decision.delete) {
    try {
      await retryTransient(clock, () => sql.deleteBackupRun(instance.name, run.id));
    } catch (err) {
      // Deleted by an earlier attempt of this run, or by Cloud SQL itself: the goal holds.
      if (!isNotFoundError(err)) throw err;
    }
    deleted.push(run.id);
  }
  if (deleted.length) await ctx.step('delete-backups', `deleted ON_DEMAND runs ${deleted.join(', ')}`);

  const exportsResult = { listed: 0, deleted: [] as string[], held: [] as Array<{ name: string; why: string }> };
  if (o.exportKeepCount !== undefined || o.exportRetentionDays !== undefined) {
    const bucket = o.bucket ?? settings.exportsBucket;
    const listed = await retryTransient(clock, () => objects.listObjects(bucket, { prefix: `${instance.name}/` }));
    const exports: ExportObject[] = listed.flatMap((obj) => {
      const slot = parseExportObjectName(instance.name, obj.name);
      return slot ? [{ name: obj.name, slot, ...(obj.retentionExpiresAt ? { retentionExpiresAt: obj.retentionExpiresAt } : {}) }] : [];
    });
    exportsResult.listed = exports.length;
    const prune = selectExportsToPrune(exports, { keepCount: o.exportKeepCount, maxAgeDays: o.exportRetentionDays }, clock.now());
    exportsResult.held = prune.keep.filter((k) => k.why.startsWith('held by')).map((k) => ({ name: k.item.name, why: k.why }));
    for (const e of prune.delete) {
      try {
        await retryTransient(clock, () => objects.deleteObject(bucket, e.name));
        exportsResult.deleted.push(e.name);
      } catch (err) {
        // The retention policy was made longer since the object was listed: keep it, say why.
        if (!isForbiddenError(err)) throw err;
        exportsResult.held.push({ name: e.name, why: `the bucket's retention policy refused the delete: ${(err as Error).message}` });
      }
    }
    await ctx.step('prune-exports', `${exports.length} exports; deleted ${exportsResult.deleted.length}; held by retention ${exportsResult.held.length}`);
  }
  const result = {
    task: 'retention', instance: instance.name, backupRunsListed: runs.length, deletedBackupRuns: deleted,
    kept: decision.keep.map((k) => ({ id: k.item.id, type: k.item.type, status: k.item.status, why: k.why })),
    exports: exportsResult,
  };
  return { status: 'succeeded', result, statusEvent: { kind: 'RetentionApplied', instance: instance.name, deletedBackupRuns: deleted, exportsDeleted: exportsResult.deleted } };
}
