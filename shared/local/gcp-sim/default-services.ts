/**
 * The simulated cloud the local stack boots: every API the product uses, seeded with the
 * stack that Terraform would have built (the ZenML metadata instance with a week of backups,
 * the backup bucket, the Argo CD apps).
 */
import type { Clock } from '../../ports/clock.ts';
import type { SimService } from './service.ts';
import { ArgoCdSim } from './services/argocd.ts';
import { ArtifactRegistrySim } from './services/artifactregistry.ts';
import { CloudBillingSim } from './services/cloudbilling.ts';
import { MonitoringSim } from './services/monitoring.ts';
import { SecretManagerSim } from './services/secretmanager.ts';
import { SqlAdminSim } from './services/sqladmin.ts';
import { StorageSim } from './services/storage.ts';
import { WorkflowExecutionsSim } from './services/workflowexecutions.ts';

export interface DefaultSimOptions {
  projectId: string;
  clock: Clock;
  /** The stack's Cloud SQL instance. */
  sqlInstance?: string;
  pubsubEmulatorHost?: string;
}

export function createDefaultSimServices(options: DefaultSimOptions): SimService[] {
  const instance = options.sqlInstance ?? 'zenml-metadata';
  return [
    new SqlAdminSim({
      seedInstances: [{
        project: options.projectId,
        name: instance,
        region: 'us-central1',
        tier: 'db-n1-standard-2',
        databaseVersion: 'MYSQL_8_0',
        transactionLogRetentionDays: 7,
        userLabels: { stack: 'zenml', 'managed-by': 'terraform' },
        databases: [{ name: 'zenml', charset: 'utf8mb4' }, { name: 'mlflow', charset: 'utf8mb4' }],
        users: [{ name: 'zenml' }, { name: 'mlflow' }],
      }],
    }),
    new SecretManagerSim(),
    new StorageSim(),
    new ArtifactRegistrySim(),
    new MonitoringSim(),
    new CloudBillingSim(),
    new ArgoCdSim(),
    new WorkflowExecutionsSim(),
  ];
}
