import { describe, expect, it } from 'vitest';
import { parseBackupTask } from '../../../shared/events/schemas/backup-task-options.ts';
import { ValidationError } from '../../../shared/runtime/errors.ts';

describe('BackupJob task options', () => {
  it('fills defaults per task', () => {
    expect(parseBackupTask({ task: 'rpo-check', options: {} })).toEqual({ name: 'rpo-check', options: { objectiveHours: 26 } });
    expect(parseBackupTask({ task: 'restore-drill', options: {} })).toEqual({ name: 'restore-drill', options: { minutesAgo: 15, timeoutMinutes: 120 } });
    expect(parseBackupTask({ task: 'bucket-restore', options: { bucket: 'b-1', pointInTime: '2026-03-10T12:00:00Z' } }))
      .toEqual({ name: 'bucket-restore', options: { bucket: 'b-1', prefix: '', pointInTime: '2026-03-10T12:00:00Z', dryRun: false } });
  });

  it('decodes the Terraform Scheduler payloads', () => {
    expect(parseBackupTask({ task: 'retention', options: { keepOnDemand: 7, exportRetentionDays: 30, bucket: 'p-backups' } }).options).toMatchObject({ keepOnDemand: 7, exportRetentionDays: 30 });
    expect(parseBackupTask({ task: 'export', options: { bucket: 'p-backups' } }).options).toMatchObject({ bucket: 'p-backups', verifyMaxBytes: 256 * 1024 * 1024 });
  });

  it('refuses unknown keys, bad values and missing ones with the JSON path', () => {
    const issues = (f: () => unknown) => { try { f(); } catch (e) { return (e as ValidationError).issues; } throw new Error('no error'); };
    expect(issues(() => parseBackupTask({ task: 'backup', options: { bucket: 'x' } }))).toEqual([{ path: '$.options', message: 'unknown field(s): bucket' }]);
    expect(issues(() => parseBackupTask({ task: 'retention', options: {} }))[0]!.message).toMatch(/keepOnDemand, maxAgeDays/);
    expect(issues(() => parseBackupTask({ task: 'retention', options: { keepOnDemand: 0 } }))[0]!.path).toBe('$.options.keepOnDemand');
    expect(issues(() => parseBackupTask({ task: 'bucket-restore', options: { bucket: 'Bad_Bucket', pointInTime: 'yesterday' } })).map((i) => i.path).sort())
      .toEqual(['$.options.bucket', '$.options.pointInTime']);
  });
});
