/**
 * The simulated cloud the local stack boots: every API the product uses, seeded with the
 * stack that Terraform would have built (the ZenML metadata instance with a week of backups,
 * the Argo CD apps), Workflow Executions running `workflows/*.yaml` on the local engine, and
 * the Pub/Sub REST surface bridged to the emulator (for the workflows' Pub/Sub connector).
 */
import { resolve } from 'node:path';
import type { Clock } from '../../ports/clock.ts';
import type { SimService } from './service.ts';
import { ArgoCdSim } from './services/argocd.ts';
import { ArtifactRegistrySim } from './services/artifactregistry.ts';
import { CloudBillingSim } from './services/cloudbilling.ts';
import { MonitoringSim } from './services/monitoring.ts';
import { PubsubSim } from './services/pubsub.ts';
import { SecretManagerSim } from './services/secretmanager.ts';
import { SqlAdminSim } from './services/sqladmin.ts';
import { StorageSim } from './services/storage.ts';
import { WorkflowExecutionsSim } from './services/workflowexecutions.ts';
import { EngineExecutionBackend } from './services/workflowexecutions/engine-backend.ts';
import { ZenmlServerSim } from './services/zenml.ts';

export const DEFAULT_WORKFLOWS_DIR = resolve(import.meta.dirname, '../../../workflows');

export interface DefaultSimOptions {
  projectId: string;
  clock: Clock;
  /** The stack's Cloud SQL instance. */
  sqlInstance?: string;
  /** Where the instance's backups are stored (Terraform's backup region). */
  backupRegion?: string;
  /** Bridge the Pub/Sub REST API to this emulator (host:port); without it, no `pubsub` service. */
  pubsubEmulatorHost?: string;
  /** Where Workflow Executions finds `<workflow>.yaml`; default the repository's `workflows/`. */
  workflowsDir?: string;
  /**
   * Environment of workflow executions (what Terraform sets as `user_env_vars`). The base URL
   * is known only once the server listens, so values may be functions of it.
   */
  workflowEnv?: (baseUrl: string) => Record<string, string>;
}

export function defaultWorkflowEnv(projectId: string): (baseUrl: string) => Record<string, string> {
  return (baseUrl) => ({
    EVENTS_TOPIC: `projects/${projectId}/topics/cp-events`,
    ARGOCD_URL: baseUrl,
    ZENML_HEALTH_URL: `${baseUrl}/__apps/zenml-server/health`,
    BACKUP_REGION: 'us-east1',
  });
}

export function createDefaultSimServices(options: DefaultSimOptions): SimService[] {
  const instance = options.sqlInstance ?? 'zenml-metadata';
  const envFor = options.workflowEnv ?? defaultWorkflowEnv(options.projectId);
  const backend = new EngineExecutionBackend({
    workflowsDir: options.workflowsDir ?? DEFAULT_WORKFLOWS_DIR, projectId: options.projectId, envFor,
  });
  const services: SimService[] = [
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
        // Terraform: backup_configuration.location = var.backup_region.
        backupLocation: options.backupRegion ?? 'us-east1',
      }],
    }),
    new SecretManagerSim(),
    new StorageSim(),
    new ArtifactRegistrySim(),
    new MonitoringSim({ systemMetrics: { projectId: options.projectId, region: 'us-central1' } }),
    new CloudBillingSim(),
    new ArgoCdSim(),
    new ZenmlServerSim(),
    new WorkflowExecutionsSim(backend),
  ];
  if (options.pubsubEmulatorHost) services.push(new PubsubSim(options.pubsubEmulatorHost));
  return services;
}
