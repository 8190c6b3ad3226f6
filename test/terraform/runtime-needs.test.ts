/**
 * What the budgets, cost-reports and backups flows need at run time, checked against the
 * Terraform tree; the broken form is the control-plane module as it was before these needs
 * were met (fixtures/runtime-needs).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { THRESHOLD_METRIC } from '../../shared/flows/budgets/act.ts';
import { checkRuntimeNeeds, type Need, type RuntimeNeeds } from './checks-runtime.ts';
import { loadTree } from './hcl.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

const instance = 'projects/<project_id>/instances/<sql_instance_name>';
const drill = `${instance}-drill-202601010000`;
const dr = `${instance}-dr-202601010000`;
const exportsBucket = 'projects/_/buckets/<backup_bucket_name>';
const on = (resource: string, ...permissions: string[]): Need[] => permissions.map((permission) => ({ permission, resource }));

const needs: RuntimeNeeds = {
  identities: {
    // shared/runtime/adapters/budgets.ts: threshold metric, Argo CD token, activation policy.
    budgets: [
      ...on('', 'monitoring.timeSeries.create'),
      ...on('secret:argocd_token', 'secretmanager.versions.access'),
      ...on(instance, 'cloudsql.instances.get', 'cloudsql.instances.update'),
    ],
    // shared/flows/cost-reports/build.ts: usage from Monitoring, workspace labels of every bucket.
    costReports: [...on('', 'monitoring.timeSeries.list', 'storage.buckets.list')],
    // shared/flows/backups/tasks/*.ts on the backups branch.
    backups: [
      ...on(instance, 'cloudsql.instances.get', 'cloudsql.backupRuns.create', 'cloudsql.backupRuns.get', 'cloudsql.backupRuns.list',
        'cloudsql.backupRuns.delete', 'cloudsql.databases.list', 'cloudsql.instances.export'),
      ...on('', 'cloudsql.instances.list', 'monitoring.timeSeries.create', 'workflows.executions.create', 'workflows.executions.get'),
      ...on(drill, 'cloudsql.instances.get', 'cloudsql.instances.delete'),
      ...on(exportsBucket, 'storage.buckets.get', 'storage.objects.get', 'storage.objects.list', 'storage.objects.delete'),
    ],
    // workflows/{backup-now,restore-drill,regional-restore}.yaml on the backups branch.
    workflows: [
      ...on(instance, 'cloudsql.backupRuns.create', 'cloudsql.backupRuns.get', 'cloudsql.backupRuns.list', 'cloudsql.instances.clone', 'cloudsql.instances.get'),
      ...on(drill, 'cloudsql.instances.get', 'cloudsql.instances.export', 'cloudsql.databases.list', 'cloudsql.instances.delete'),
      ...on(dr, 'cloudsql.instances.get', 'cloudsql.instances.restoreBackup', 'cloudsql.instances.delete'),
      ...on('', 'cloudsql.instances.create'),
      ...on(`${exportsBucket}/drills/x.sql.gz`, 'storage.objects.get'),
    ],
  },
  // shared/runtime/config.ts and shared/flows/cost-reports/settings.ts.
  env: {
    STACKCTL_BUDGET_AMOUNT: 'tostring\\(var\\.budget_amount\\)',
    STACKCTL_BILLING_CURRENCY: 'var\\.budget_currency\\b',
    STACKCTL_BACKUP_REGION: 'var\\.backup_region\\b',
    STACKCTL_BACKUP_BUCKET: 'var\\.backup_bucket_name\\b',
    STACKCTL_EXPORTS_BUCKET: 'var\\.backup_bucket_name\\b',
    // The same number as the trigger subscriptions' ack_deadline_seconds (pubsub.tf).
    STACKCTL_ACK_DEADLINE_SECONDS: 'tostring\\(local\\.trigger_ack_deadline_seconds\\)',
  },
  vpcFunctions: ['budgets'],
  alertedMetrics: [THRESHOLD_METRIC],
};

describe('terraform tree: what the flows need at run time', () => {
  it('grants, environment, VPC path and alert policy are all there', async () => {
    expect(checkRuntimeNeeds(await loadTree(join(repo, 'terraform')), needs)).toEqual([]);
  });

  it('the control-plane module before these needs were met fails on each of them', async () => {
    const broken = checkRuntimeNeeds(await loadTree(join(here, 'fixtures', 'runtime-needs')), needs);
    expect(broken.sort()).toEqual([
      '.: local.function_env must set STACKCTL_ACK_DEADLINE_SECONDS from tostring(local.trigger_ack_deadline_seconds)',
      '.: local.function_env must set STACKCTL_BILLING_CURRENCY from var.budget_currency',
      '.: local.function_env must set STACKCTL_BUDGET_AMOUNT from tostring(var.budget_amount)',
      '.: local.function_env must set STACKCTL_EXPORTS_BUCKET from var.backup_bucket_name',
      'backups: nothing grants cloudsql.instances.list on the project',
      'backups: nothing grants storage.buckets.get on projects/_/buckets/<backup_bucket_name>',
      'budgets: nothing grants monitoring.timeSeries.create on the project',
      'budgets: nothing grants secretmanager.versions.access on secret:argocd_token',
      'costReports: nothing grants storage.buckets.list on the project',
      'functions.tf: google_cloudfunctions2_function.this["budgets"]: no direct VPC network interface (Argo CD is only on an internal address)',
      'no alert policy on custom.googleapis.com/stackctl/budget/threshold_crossed',
      'workflows: nothing grants cloudsql.backupRuns.create on projects/<project_id>/instances/<sql_instance_name>',
      'workflows: nothing grants cloudsql.instances.delete on projects/<project_id>/instances/<sql_instance_name>-dr-202601010000',
      'workflows: nothing grants cloudsql.instances.export on projects/<project_id>/instances/<sql_instance_name>-drill-202601010000',
      'workflows: nothing grants storage.objects.get on projects/_/buckets/<backup_bucket_name>/drills/x.sql.gz',
    ]);
  });
});
