/**
 * Recovery point: how old the newest restorable copy of the data is. Two kinds are measured,
 * because they protect against different losses: `backup` (the newest SUCCESSFUL backup run,
 * automated or on-demand) and `export` (the newest verified SQL dump in the backup region).
 */
import type { SqlBackupRun } from '../../ports/sql-admin.ts';

export type RpoKind = 'backup' | 'export';

/** 26 h: a daily schedule plus two hours of slack for a late or retried run. */
export const DEFAULT_RPO_OBJECTIVE_SECONDS = 26 * 3600;

export interface RpoReading {
  kind: RpoKind;
  /** What the age was measured from (backup run id or object name); null when there is none at all. */
  source: string | null;
  at: Date | null;
  /** Seconds since `at`; null when nothing exists (always a breach). */
  ageSeconds: number | null;
  breached: boolean;
}

export function newestSuccessfulBackup(runs: readonly SqlBackupRun[]): SqlBackupRun | undefined {
  return runs
    .filter((r) => r.status === 'SUCCESSFUL' && r.endTime)
    .sort((a, b) => b.endTime!.getTime() - a.endTime!.getTime())[0];
}

export function rpoReading(kind: RpoKind, source: string | null, at: Date | null, now: Date, objectiveSeconds: number): RpoReading {
  if (!(objectiveSeconds > 0)) throw new RangeError(`the RPO objective must be > 0 seconds, got ${objectiveSeconds}`);
  if (!at) return { kind, source: null, at: null, ageSeconds: null, breached: true };
  // A copy stamped a little in the future (clock skew) is as fresh as it gets, not negative.
  const ageSeconds = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000));
  return { kind, source, at, ageSeconds, breached: ageSeconds > objectiveSeconds };
}

/**
 * The value written to the age metric when nothing exists: a large finite age, so the alert
 * policy's threshold fires (Monitoring has no "missing means breached" for a gauge that never existed).
 */
export function metricAgeSeconds(r: RpoReading, objectiveSeconds: number): number {
  return r.ageSeconds ?? Math.max(objectiveSeconds * 10, 30 * 86_400);
}
