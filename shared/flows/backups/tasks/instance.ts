/**
 * Checks shared by the tasks that run an admin operation on the instance: it exists, it is
 * RUNNABLE, and the automated backup window's run is not being taken right now.
 */
import { automatedBackupWindow } from '../../../domain/backups/window.ts';
import type { SqlBackupRun, SqlInstance } from '../../../ports/sql-admin.ts';
import { PermanentError, TransientError } from '../../../runtime/errors.ts';
import type { TaskBase } from '../context.ts';
import { retryTransient } from '../errors.ts';

export async function requireInstance(ctx: TaskBase): Promise<SqlInstance> {
  const name = ctx.job.instance;
  const instance = await retryTransient(ctx.act.deps.clock, () => ctx.deps.sql.getInstance(name));
  if (!instance) throw new PermanentError(`Cloud SQL instance ${name} does not exist in project ${ctx.deps.settings.projectId}`, { where: 'read-instance', code: 404 });
  if (instance.state !== 'RUNNABLE') {
    throw new TransientError(`instance ${name} is ${instance.state}, not RUNNABLE; the job waits for it`, { where: 'read-instance' });
  }
  return instance;
}

/**
 * Inside the automated backup window, waits (bounded) until that window's automated run has
 * finished, so an on-demand job never competes with it; then the delivery is retried later.
 */
export async function awaitAutomatedWindow(ctx: TaskBase, instance: SqlInstance, runs?: SqlBackupRun[]): Promise<void> {
  if (!instance.backupEnabled || !instance.backupStartTime) return;
  const clock = ctx.act.deps.clock;
  const deadline = clock.now().getTime() + ctx.deps.settings.automatedWindowWaitMs;
  let list = runs;
  for (let poll = 0; poll < 1000; poll++) {
    const window = automatedBackupWindow(instance.backupStartTime, clock.now());
    if (!window) return;
    list ??= await retryTransient(clock, () => ctx.deps.sql.listBackupRuns(instance.name));
    const inWindow = list.filter((r) => r.type === 'AUTOMATED' && (r.windowStartTime ?? r.enqueuedTime ?? new Date(0)).getTime() >= window.start.getTime());
    if (inWindow.some((r) => r.status === 'SUCCESSFUL' || r.status === 'FAILED' || r.status === 'SKIPPED')) return;
    if (clock.now().getTime() >= deadline) {
      throw new TransientError(`instance ${instance.name} is in its automated backup window (${window.start.toISOString()} – ${window.end.toISOString()}) and that window's backup has not finished; retried later`, { where: 'automated-backup-window', code: 409 });
    }
    await ctx.step('automated-backup-window', `waiting: the automated backup of the window starting ${window.start.toISOString()} has not finished`, 'pending');
    await clock.sleep(Math.min(30_000, Math.max(1, deadline - clock.now().getTime())));
    list = undefined;
  }
}
