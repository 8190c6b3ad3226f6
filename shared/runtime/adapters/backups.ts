/** The backups flow's adapters: Cloud SQL, Storage, Monitoring, Workflow Executions. */
import type { Clock } from '../../ports/clock.ts';
import { GcpMetrics } from '../../adapters/gcp/metrics.ts';
import { GcpObjectStore } from '../../adapters/gcp/object-store.ts';
import { GcpSqlAdmin } from '../../adapters/gcp/sql-admin.ts';
import { GcpWorkflows } from '../../adapters/gcp/workflows.ts';
import { deliveryBudgetMs, type BackupsDeps, type BackupsSettings } from '../../flows/backups/deps.ts';
import type { GcpEndpointConfig } from '../../adapters/gcp/common/endpoint.ts';
import type { Config } from '../config.ts';

/** Backup runs are read 25 per page: a month of daily runs spans pages, so paging is always exercised. */
export const BACKUP_RUNS_PAGE_SIZE = 25;

export function backupsDeps(endpoint: GcpEndpointConfig, clock: Clock, config: Config, settings: Partial<BackupsSettings> = {}): BackupsDeps {
  const budget = deliveryBudgetMs(config.ackDeadlineSeconds);
  return {
    // An operation that outlasts the delivery is waited for by the next one: every task resumes
    // (it finds its backup run by description, its export object by name).
    sql: new GcpSqlAdmin(endpoint, clock, { timeoutMs: budget }, { pageSize: BACKUP_RUNS_PAGE_SIZE }),
    objects: new GcpObjectStore(endpoint, clock),
    metrics: new GcpMetrics(endpoint, clock),
    workflows: new GcpWorkflows(endpoint),
    settings: {
      followBudgetMs: budget,
      automatedWindowWaitMs: budget,
      projectId: config.projectId, backupRegion: config.backupRegion, exportsBucket: config.exportsBucket,
      ...settings,
    },
  };
}
