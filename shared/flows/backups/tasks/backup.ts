/**
 * `backup`: an ON_DEMAND backup run named after the job and its schedule slot, waited for and
 * confirmed SUCCESSFUL in the backup region. A redelivery finds the run by its description and
 * waits for it instead of taking a second one.
 */
import { backupRunDescription } from '../../../domain/backups/names.ts';
import type { SqlBackupRun } from '../../../ports/sql-admin.ts';
import { PermanentError, TransientError } from '../../../runtime/errors.ts';
import type { ActOutcome } from '../../../runtime/flow.ts';
import type { TaskBase, TaskContext } from '../context.ts';
import { retryTransient } from '../errors.ts';
import { awaitAutomatedWindow, requireInstance } from './instance.ts';

const FINISHED = new Set<SqlBackupRun['status']>(['SUCCESSFUL', 'FAILED', 'SKIPPED']);

export async function runBackup(ctx: TaskContext<'backup'>): Promise<ActOutcome> {
  const { sql, settings } = ctx.deps;
  const clock = ctx.act.deps.clock;
  const instance = await requireInstance(ctx);
  const runs = await retryTransient(clock, () => sql.listBackupRuns(instance.name));
  await awaitAutomatedWindow(ctx, instance, runs);

  const description = backupRunDescription(ctx.job.job, ctx.slot);
  const mine = runs.filter((r) => r.description === description).sort((a, b) => Number(b.id) - Number(a.id));
  let run = mine.find((r) => r.status !== 'FAILED');
  if (run) {
    await ctx.step('find-backup', `backup run ${run.id} of this slot already exists (${run.status})`);
  } else {
    const started = clock.now();
    let attempt = 0;
    // A failed attempt may still have started the run (e.g. a 503 after the insert): look before inserting again.
    run = await retryTransient(clock, async () => {
      if (attempt++ > 0) {
        const again = (await sql.listBackupRuns(instance.name)).find((r) => r.description === description && r.status !== 'FAILED');
        if (again) return again;
      }
      return sql.insertBackupRun(instance.name, description);
    }, undefined,
      (err) => { void ctx.step('insert-backup', `retrying: ${(err as Error).message}`, 'pending'); });
    await ctx.step('insert-backup', `backup run ${run.id} taken in ${Math.round((clock.now().getTime() - started.getTime()) / 1000)} s`);
  }
  run = await waitFinished(ctx, run);
  if (run.status !== 'SUCCESSFUL') {
    throw new PermanentError(`backup run ${run.id} of ${instance.name} ended ${run.status}${run.error ? `: ${run.error}` : ''}`, { where: 'confirm-backup' });
  }
  if (run.location !== undefined && run.location !== settings.backupRegion) {
    throw new PermanentError(
      `backup run ${run.id} of ${instance.name} is stored in "${run.location}", not in the backup region ${settings.backupRegion}: set settings.backupConfiguration.location (Terraform backup_configuration.location = var.backup_region)`,
      { where: 'confirm-backup' },
    );
  }
  await ctx.step('confirm-backup', `backup run ${run.id} SUCCESSFUL in ${run.location ?? 'the default location'}`);
  const result = {
    task: 'backup', instance: instance.name, backupRunId: run.id, status: run.status, location: run.location ?? null, description,
    startTime: run.startTime?.toISOString() ?? null, endTime: run.endTime?.toISOString() ?? null,
  };
  return { status: 'succeeded', result, refs: { backupRun: run.id }, statusEvent: { kind: 'BackupCompleted', ...result } };
}

async function waitFinished(ctx: TaskBase, run: SqlBackupRun): Promise<SqlBackupRun> {
  const clock = ctx.act.deps.clock;
  const deadline = clock.now().getTime() + ctx.deps.settings.followBudgetMs;
  let current = run;
  for (let poll = 0; poll < 500 && !FINISHED.has(current.status); poll++) {
    if (clock.now().getTime() > deadline) break;
    await clock.sleep(Math.min(15_000, 1_000 * 2 ** Math.min(poll, 4)));
    const fresh = await retryTransient(clock, () => ctx.deps.sql.getBackupRun(ctx.job.instance, run.id));
    if (!fresh) throw new PermanentError(`backup run ${run.id} of ${ctx.job.instance} disappeared while being taken`, { where: 'confirm-backup' });
    current = fresh;
  }
  if (!FINISHED.has(current.status)) throw new TransientError(`backup run ${run.id} is still ${current.status}; the redelivery waits for it`, { where: 'confirm-backup' });
  return current;
}
