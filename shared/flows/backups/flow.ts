/**
 * The backups flow: Cloud Scheduler jobs on cp-backup-jobs, one `task` each. Every task that
 * runs an admin operation holds the instance lock `instance:<name>`, the same lock provisioning
 * takes, so one admin operation runs per instance; bucket restores lock the bucket. restore-drill
 * and bucket-restore hand their workflow execution to the backups follower (follow.ts): their run
 * takes that lock itself and keeps it until the follower ends the run. The BackupFollowJob tick
 * on the same topic is that follower's scheduled pass.
 */
import {
  backupFollowJobSchema, backupJobSchema, decodeBackupsMessage, parseBackupTask,
  type BackupTask, type DecodeOptions, type EventOfKind, type PubsubMessage,
} from '../../events/index.ts';
import type { ActContext, ActOutcome, FlowDeclaration } from '../../runtime/flow.ts';
import type { TaskContext } from './context.ts';
import type { BackupsDeps } from './deps.ts';
import { followBackupsOnce } from './follower.ts';
import { runBackup } from './tasks/backup.ts';
import { runBucketRestore } from './tasks/bucket-restore.ts';
import { runExport } from './tasks/export.ts';
import { runRestoreDrill } from './tasks/restore-drill.ts';
import { runRetention } from './tasks/retention.ts';
import { runRpoCheck } from './tasks/rpo-check.ts';

export type BackupJobEvent = EventOfKind<'BackupJob'> & { task: BackupTask };
export type BackupsEvent = BackupJobEvent | EventOfKind<'BackupFollowJob'>;

/** Decodes the message and checks a job's task options at the edge (a bad option is dead-lettered with its path). */
export function decodeBackupJobTask(message: PubsubMessage, options?: DecodeOptions): BackupsEvent {
  const event = decodeBackupsMessage(message, options);
  return event.kind === 'BackupFollowJob' ? event : { ...event, task: parseBackupTask(event.job) };
}

/**
 * The delivery's lock. restore-drill and bucket-restore take theirs inside `act`, owned by the
 * run rather than the delivery, because it must outlive the delivery (follow.ts); the follow
 * tick takes none (it must not wait behind the runs it ends).
 */
export function backupsLockTarget(event: BackupsEvent): string | null {
  if (event.kind === 'BackupFollowJob') return null;
  if (event.task.name === 'restore-drill' || event.task.name === 'bucket-restore') return null;
  return `instance:${event.job.instance}`;
}

export async function actBackups(event: BackupsEvent, act: ActContext<BackupsDeps>): Promise<ActOutcome> {
  if (event.kind === 'BackupJob') return actBackupJob(event, act);
  const followed = await followBackupsOnce({ runtime: act.deps, backups: act.flowDeps });
  const summary = `followed ${followed.checked} backups run(s); ${followed.finished.length} finished, ${followed.raced.length} ended by another follower, ${followed.errors.length} error(s)${followed.deferred ? `, ${followed.deferred} left for the next pass` : ''}`;
  return { status: 'succeeded', reason: summary, result: followed, statusEvent: { kind: 'BackupsFollowed', checked: followed.checked, finished: followed.finished } };
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

export const backupsFlow: FlowDeclaration<BackupsEvent, BackupsDeps, 'backups'> = {
  flow: 'backups',
  functionName: 'backups',
  // Keys: backups:<job>:<schedule slot>, backups:follow:<job>:<minute slot>.
  decode: decodeBackupJobTask,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => (e.kind === 'BackupJob'
    ? { job: e.job.job, task: e.job.task, instance: e.job.instance, slot: e.slot, options: e.job.options }
    : { job: e.job.job, follow: true, slot: e.slot }),
  lockTarget: backupsLockTarget,
  loadDeps: async (env) => (await import('../../runtime/adapters/backups.ts')).backupsDeps(env.endpoint, env.clock, env.config),
  act: actBackups,
  messages: [{ kind: 'BackupJob', schema: backupJobSchema }, { kind: 'BackupFollowJob', schema: backupFollowJobSchema }],
  cli: { kind: 'backup-job', examples: [{ file: 'backup-job.json' }, { file: 'bucket-restore-job.json' }] },
};
