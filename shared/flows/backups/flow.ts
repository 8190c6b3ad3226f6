/**
 * The backups flow: Cloud Scheduler jobs on cp-backup-jobs, one `task` each. Every task that
 * runs an admin operation holds the instance lock `instance:<name>`, the same lock provisioning
 * and remediation take, so one admin operation runs per instance; bucket restores lock the bucket.
 */
import { backupJobSchema, decodeBackupJob, parseBackupTask, type BackupTask, type DecodeOptions, type EventOfKind, type PubsubMessage } from '../../events/index.ts';
import type { ActContext, ActOutcome, FlowDeclaration } from '../../runtime/flow.ts';
import type { TaskContext } from './context.ts';
import type { BackupsDeps } from './deps.ts';
import { runBackup } from './tasks/backup.ts';
import { runBucketRestore } from './tasks/bucket-restore.ts';
import { runExport } from './tasks/export.ts';
import { runRestoreDrill } from './tasks/restore-drill.ts';
import { runRetention } from './tasks/retention.ts';
import { runRpoCheck } from './tasks/rpo-check.ts';

export type BackupJobEvent = EventOfKind<'BackupJob'> & { task: BackupTask };

/** Decodes the job and checks its task's options at the edge (a bad option is dead-lettered with its path). */
export function decodeBackupJobTask(message: PubsubMessage, options?: DecodeOptions): BackupJobEvent {
  const event = decodeBackupJob(message, options);
  return { ...event, task: parseBackupTask(event.job) };
}

export function backupsLockTarget(event: BackupJobEvent): string {
  return event.task.name === 'bucket-restore' ? `bucket:${event.task.options.bucket}` : `instance:${event.job.instance}`;
}

export async function actBackupJob(event: BackupJobEvent, act: ActContext<BackupsDeps>): Promise<ActOutcome> {
  const base = {
    job: event.job, slot: new Date(event.slot), deps: act.flowDeps, act,
    now: () => act.deps.clock.now(),
    step: (name: string, detail: string, status: 'succeeded' | 'failed' | 'skipped' | 'pending' = 'succeeded') => act.recordStep({ name, status, detail }),
  };
  const task = event.task;
  switch (task.name) {
    case 'backup': return runBackup({ ...base, task } as TaskContext<'backup'>);
    case 'export': return runExport({ ...base, task } as TaskContext<'export'>);
    case 'retention': return runRetention({ ...base, task } as TaskContext<'retention'>);
    case 'rpo-check': return runRpoCheck({ ...base, task } as TaskContext<'rpo-check'>);
    case 'restore-drill': return runRestoreDrill({ ...base, task } as TaskContext<'restore-drill'>);
    case 'bucket-restore': return runBucketRestore({ ...base, task } as TaskContext<'bucket-restore'>);
  }
}

export const backupsFlow: FlowDeclaration<BackupJobEvent, BackupsDeps, 'backups'> = {
  flow: 'backups',
  functionName: 'backups',
  // Key: backups:<job>:<schedule slot>.
  decode: decodeBackupJobTask,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, task: e.job.task, instance: e.job.instance, slot: e.slot, options: e.job.options }),
  lockTarget: backupsLockTarget,
  loadDeps: async (env) => (await import('../../runtime/adapters/backups.ts')).backupsDeps(env.endpoint, env.clock, env.config),
  act: actBackupJob,
  messages: [{ kind: 'BackupJob', schema: backupJobSchema }],
  cli: { kind: 'backup-job', examples: [{ file: 'backup-job.json' }, { file: 'bucket-restore-job.json' }] },
};
