/**
 * The backups flow, whose issue has not landed: it records the validated, deduplicated run with
 * status `accepted` and takes no action (the README's status table says so).
 */
import { decodeBackupJob, type EventOfKind } from '../events/index.ts';
import type { FlowDefinition } from '../runtime/flow.ts';

const accepted = async () => ({ status: 'accepted' as const, reason: 'validated and recorded; this flow takes no action yet' });

export const backupsFlow: FlowDefinition<EventOfKind<'BackupJob'>> = {
  flow: 'backups',
  decode: decodeBackupJob,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, task: e.job.task, instance: e.job.instance, slot: e.slot }),
  act: accepted,
};
