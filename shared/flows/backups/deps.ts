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
  /** How long one delivery follows a drill or bucket-restore execution before handing over to the next (clock ms). */
  followBudgetMs: number;
  /** Poll interval of those executions (clock ms). */
  followPollMs: number;
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

export const DEFAULT_BACKUPS_SETTINGS: Omit<BackupsSettings, 'projectId' | 'backupRegion' | 'exportsBucket'> = {
  // Below the 300 s push ack deadline in production, so a delivery never outlives it.
  followBudgetMs: 4 * 60_000,
  followPollMs: 5_000,
  automatedWindowWaitMs: 3 * 60_000,
};
