import type { Metrics } from '../../ports/metrics.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import type { SqlAdmin } from '../../ports/sql-admin.ts';
import type { Workflows } from '../../ports/workflows.ts';

export interface BackupsSettings {
  projectId: string;
  /** The disaster-recovery region: backups and exports must be stored there. */
  backupRegion: string;
  /** Default bucket of scheduled exports (in the backup region). */
  exportsBucket: string;
  /** How long one delivery waits for a backup operation, and one backups follower pass runs (clock ms). */
  followBudgetMs: number;
  /** Bound on waiting while the automated backup window's run is still being taken (clock ms). */
  automatedWindowWaitMs: number;
}

export interface BackupsDeps {
  sql: SqlAdmin;
  objects: ObjectStore;
  metrics: Metrics;
  workflows: Workflows;
  settings: BackupsSettings;
}

/**
 * How long one delivery may wait: the subscription's ack deadline less a margin for the rest of the
 * run, so a delivery never outlives it (Pub/Sub would redeliver a message still being worked on).
 */
export function deliveryBudgetMs(ackDeadlineSeconds: number): number {
  return Math.max(5_000, (ackDeadlineSeconds - 20) * 1000);
}
