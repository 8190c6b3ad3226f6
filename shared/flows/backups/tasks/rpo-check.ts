/**
 * `rpo-check`: the age of the newest SUCCESSFUL backup and of the newest verified export, as the
 * gauge custom.googleapis.com/stack_control_plane/backup_age_seconds {instance, kind}. An age over
 * the objective publishes BackupRpoBreached; the Terraform alert policy on the gauge notifies
 * cp-monitoring-alerts, where the `backup-on-rpo-breach` rule takes an on-demand backup.
 */
import { parseExportObjectName } from '../../../domain/backups/names.ts';
import { metricAgeSeconds, newestSuccessfulBackup, rpoReading, type RpoReading } from '../../../domain/backups/rpo.ts';
import type { ActOutcome } from '../../../runtime/flow.ts';
import type { TaskBase, TaskContext } from '../context.ts';
import { retryTransient } from '../errors.ts';
import { BACKUP_AGE_METRIC, metricResource } from '../metrics.ts';

export async function runRpoCheck(ctx: TaskContext<'rpo-check'>): Promise<ActOutcome> {
  const { sql, objects, metrics, settings } = ctx.deps;
  const clock = ctx.act.deps.clock;
  const objective = ctx.task.options.objectiveHours * 3600;
  const now = clock.now();
  const instance = ctx.job.instance;
  const runs = await retryTransient(clock, () => sql.listBackupRuns(instance));
  const newest = newestSuccessfulBackup(runs);
  const backup = rpoReading('backup', newest?.id ?? null, newest?.endTime ?? null, now, objective);

  const verified = await verifiedExports(ctx);
  const bucket = ctx.task.options.bucket ?? settings.exportsBucket;
  const listed = await retryTransient(clock, () => objects.listObjects(bucket, { prefix: `${instance}/` }));
  // Newest first by slot; an export counts only if an export run verified it and it is still there.
  const candidates = listed
    .map((o) => ({ o, slot: parseExportObjectName(instance, o.name) }))
    .filter((x): x is { o: typeof x.o; slot: Date } => x.slot !== null && x.o.size > 0 && verified.has(x.o.name))
    .sort((a, b) => b.slot.getTime() - a.slot.getTime());
  const newestExport = candidates[0];
  const exportAt = newestExport ? (verified.get(newestExport.o.name) ?? newestExport.slot) : null;
  const exported = rpoReading('export', newestExport?.o.name ?? null, exportAt, now, objective);

  const readings: RpoReading[] = [backup, exported];
  await retryTransient(clock, () => metrics.write(readings.map((r) => ({
    metricType: BACKUP_AGE_METRIC, metricLabels: { instance, kind: r.kind }, ...metricResource(settings.projectId),
    value: metricAgeSeconds(r, objective), valueType: 'INT64' as const, endTime: now, metricKind: 'GAUGE' as const,
  }))));
  const breached = readings.filter((r) => r.breached);
  const shown = readings.map((r) => `${r.kind}: ${r.ageSeconds === null ? 'none' : `${Math.round(r.ageSeconds / 60)} min`}`).join(', ');
  await ctx.step('measure-rpo', `${shown} (objective ${ctx.task.options.objectiveHours} h)`);
  const result = {
    task: 'rpo-check', instance, objectiveSeconds: objective,
    readings: readings.map((r) => ({ kind: r.kind, source: r.source, at: r.at?.toISOString() ?? null, ageSeconds: r.ageSeconds, breached: r.breached })),
  };
  if (breached.length) {
    return {
      status: 'succeeded', result, reason: `RPO objective breached for ${breached.map((r) => r.kind).join(' and ')} (${shown})`,
      statusEvent: { kind: 'BackupRpoBreached', ...result, breached: breached.map((r) => r.kind) },
    };
  }
  return { status: 'succeeded', result, statusEvent: { kind: 'BackupRpoOk', ...result } };
}

/** Exports verified by succeeded export runs of this instance: object name → when it was verified. */
async function verifiedExports(ctx: TaskBase): Promise<Map<string, Date>> {
  const runs = await ctx.act.deps.store.listRuns({ flow: 'backups', status: 'succeeded', target: `instance:${ctx.job.instance}`, limit: 1000 });
  const out = new Map<string, Date>();
  for (const run of runs) {
    const r = run.result as { task?: string; object?: string; verifiedAt?: string; instance?: string } | undefined;
    if (r?.task === 'export' && r.instance === ctx.job.instance && typeof r.object === 'string' && r.verifiedAt) {
      // The data is as of the export's slot at the earliest; the verification time bounds it from above.
      out.set(r.object, parseExportObjectName(ctx.job.instance, r.object) ?? new Date(r.verifiedAt));
    }
  }
  return out;
}
