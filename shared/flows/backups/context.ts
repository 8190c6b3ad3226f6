/** What every backups task gets: the job, its checked task options, the flow's deps and the run's context. */
import type { BackupJob, BackupTask } from '../../events/index.ts';
import type { ActContext } from '../../runtime/flow.ts';
import type { BackupsDeps } from './deps.ts';

/** What the shared helpers need: everything but the task's own options. */
export interface TaskBase {
  job: BackupJob;
  /** Start of the job's schedule slot. */
  slot: Date;
  deps: BackupsDeps;
  act: ActContext<BackupsDeps>;
  now(): Date;
  step(name: string, detail: string, status?: 'succeeded' | 'failed' | 'skipped' | 'pending'): Promise<void>;
}

export type TaskContext<T extends BackupTask['name'] = BackupTask['name']> = TaskBase & { task: Extract<BackupTask, { name: T }> };
