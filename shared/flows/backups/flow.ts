/**
 * Backups: Cloud Scheduler's BackupJob (backup, export, retention, rpo-check, restore-drill) on
 * cp-backup-jobs. Until the flow's own issue lands, `act` records the validated, deduplicated run
 * as `accepted` and takes no action (the README's status table says so).
 */
import { backupJobSchema, decodeBackupJob, type EventOfKind } from '../../events/index.ts';
import type { FlowDeclaration, NoDeps } from '../../runtime/flow.ts';

export const backupsFlow: FlowDeclaration<EventOfKind<'BackupJob'>, NoDeps, 'backups'> = {
  flow: 'backups',
  functionName: 'backups',
  // Key: backups:<job>:<schedule slot>; the target is the Cloud SQL instance (one job at a time).
  decode: decodeBackupJob,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, task: e.job.task, instance: e.job.instance, slot: e.slot }),
  loadDeps: async () => ({}),
  act: async () => ({ status: 'accepted', reason: 'validated and recorded; this flow takes no action yet' }),
  messages: [{ kind: 'BackupJob', schema: backupJobSchema }],
  cli: { kind: 'backup-job', examples: [{ file: 'backup-job.json' }] },
};
