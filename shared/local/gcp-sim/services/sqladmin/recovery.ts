/**
 * The point-in-time recovery window of an instance, the way Cloud SQL bounds it: recovery
 * needs a successful backup plus continuous transaction logs (MySQL binary logs, PostgreSQL
 * WAL) from that backup to the target, and logs are kept `transactionLogRetentionDays`.
 */
import type { BackupRunRecord, InstanceRecord } from './state.ts';
import { backupNotFoundForClone, binlogNotEnabled, invalidRequest } from './sql-errors.ts';
import { iso } from './render.ts';

const DAY_MS = 86_400_000;

export function pitrEnabled(i: InstanceRecord): boolean {
  if (!i.backupEnabled) return false;
  return i.databaseVersion.startsWith('MYSQL') ? i.binaryLogEnabled : i.pointInTimeRecoveryEnabled;
}

export interface RecoveryWindow { earliest: number; latest: number }

/** Throws the Cloud SQL error when the instance has no usable window. */
export function recoveryWindow(i: InstanceRecord, backups: BackupRunRecord[], now: number): RecoveryWindow {
  if (!pitrEnabled(i)) throw binlogNotEnabled(i.name);
  const retentionStart = now - i.transactionLogRetentionDays * DAY_MS;
  const firstBackupEnd = backups
    .filter((b) => b.instance === i.name && b.project === i.project && b.status === 'SUCCESSFUL' && b.endTime >= i.logStart)
    .reduce((min, b) => Math.min(min, b.endTime), Number.POSITIVE_INFINITY);
  if (!Number.isFinite(firstBackupEnd)) throw backupNotFoundForClone(`instance ${i.name} has no successful backup since its logs start at ${iso(i.logStart)}`);
  return { earliest: Math.max(retentionStart, i.logStart, firstBackupEnd), latest: now };
}

/** Validates a clone target time against the window; returns nothing or throws the real error. */
export function checkPointInTime(i: InstanceRecord, backups: BackupRunRecord[], now: number, pointInTime: number): void {
  const w = recoveryWindow(i, backups, now);
  if (pointInTime < w.earliest) {
    throw backupNotFoundForClone(`pointInTime ${iso(pointInTime)} is before the earliest recovery time ${iso(w.earliest)}`);
  }
  if (pointInTime > w.latest) {
    throw invalidRequest(`cloneContext.pointInTime ${iso(pointInTime)} is after the latest recovery time ${iso(w.latest)}.`);
  }
}
