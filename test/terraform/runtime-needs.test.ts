/**
 * What the budgets, cost-reports and backups flows need at run time, checked against the
 * Terraform tree. Each need is also proved checkable: a copy of the real control-plane module
 * with one piece taken out (a grant, an environment variable, the VPC interface, the alert
 * policy) must fail on exactly the problems that piece prevents. A breakage whose text is no
 * longer in the module fails the test, so the breakages follow the module as it changes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
      // The follower cancels a drill past its timeout (shared/flows/backups/follower.ts).
      ...on('', 'cloudsql.instances.list', 'monitoring.timeSeries.create', 'workflows.executions.create', 'workflows.executions.get', 'workflows.executions.cancel'),
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

/** One piece taken out of the control-plane module, and what the check must then say. */
interface Breakage { what: string; file: string; find: string | RegExp; replace: string; problems: string[] }

const PROJECT_RESOURCE = 'projects/<project_id>/instances/<sql_instance_name>';
const breakages: Breakage[] = [
  {
    what: 'the env variables the budgets, cost-reports and backups flows read', file: 'functions.tf',
    find: /^\s*STACKCTL_(EXPORTS_BUCKET|BUDGET_AMOUNT|BILLING_CURRENCY|ACK_DEADLINE_SECONDS)\s*=.*\n/gm, replace: '',
    problems: [
      '.: local.function_env must set STACKCTL_ACK_DEADLINE_SECONDS from tostring(local.trigger_ack_deadline_seconds)',
      '.: local.function_env must set STACKCTL_BILLING_CURRENCY from var.budget_currency',
      '.: local.function_env must set STACKCTL_BUDGET_AMOUNT from tostring(var.budget_amount)',
      '.: local.function_env must set STACKCTL_EXPORTS_BUCKET from var.backup_bucket_name',
    ],
  },
  {
    what: 'the budgets function\'s VPC interface', file: 'functions.tf',
    find: /\n\s*dynamic "direct_vpc_network_interface" \{[\s\S]*?\n    \}\n/, replace: '\n',
    problems: ['functions.tf: google_cloudfunctions2_function.this["budgets"]: no direct VPC network interface (Argo CD is only on an internal address)'],
  },
  {
    what: 'the instance lister of the drill sweep', file: 'iam.tf',
    find: /\n\s*"backups\/sqlInstanceLister" = \{[\s\S]*?\n    \}/, replace: '',
    problems: ['backups: nothing grants cloudsql.instances.list on the project'],
  },
  {
    what: 'the exports bucket\'s metadata reader', file: 'iam.tf',
    find: /\nresource "google_storage_bucket_iam_member" "backups_bucket_metadata" \{[\s\S]*?\n\}\n/, replace: '\n',
    problems: ['backups: nothing grants storage.buckets.get on projects/_/buckets/<backup_bucket_name>'],
  },
  {
    what: 'the bucket lister of the cost reports', file: 'iam.tf',
    find: /\n\s*"costReports\/bucketLister" = \{[\s\S]*?\n    \}/, replace: '',
    problems: ['costReports: nothing grants storage.buckets.list on the project'],
  },
  {
    what: 'the workflows\' on-demand backup and drill export permissions', file: 'iam.tf',
    find: '"cloudsql.instances.export", "cloudsql.backupRuns.create", ', replace: '',
    problems: [
      `workflows: nothing grants cloudsql.backupRuns.create on ${PROJECT_RESOURCE}`,
      `workflows: nothing grants cloudsql.instances.export on ${PROJECT_RESOURCE}-drill-202601010000`,
    ],
  },
  {
    what: 'the regional restore\'s cleanup of its -dr- instance', file: 'iam.tf',
    find: ' || resource.name.startsWith(\\"${local.dr_prefix}\\")', replace: '',
    problems: [`workflows: nothing grants cloudsql.instances.delete on ${PROJECT_RESOURCE}-dr-202601010000`],
  },
  {
    what: 'the drill dump\'s reader', file: 'iam.tf',
    find: /\nresource "google_storage_bucket_iam_member" "workflows_export_reader" \{[\s\S]*?\n\}\n?/, replace: '\n',
    problems: ['workflows: nothing grants storage.objects.get on projects/_/buckets/<backup_bucket_name>/drills/x.sql.gz'],
  },
  {
    what: 'the budgets function\'s metric writer role', file: 'main.tf',
    find: /(budgets = \{[\s\S]*?project_roles = )\["roles\/monitoring\.metricWriter"\]/, replace: '$1[]',
    problems: ['budgets: nothing grants monitoring.timeSeries.create on the project'],
  },
  {
    what: 'the budgets function\'s access to the Argo CD token', file: 'main.tf',
    find: /\nresource "google_secret_manager_secret_iam_member" "budgets_argocd_token" \{[\s\S]*?\n\}\n/, replace: '\n',
    problems: ['budgets: nothing grants secretmanager.versions.access on secret:argocd_token'],
  },
  {
    what: 'the alert policy on crossed budget thresholds', file: 'alerting.tf',
    find: 'custom.googleapis.com/stackctl/budget/threshold_crossed', replace: 'custom.googleapis.com/stackctl/budget/something_else',
    problems: [`no alert policy on ${THRESHOLD_METRIC}`],
  },
];

const moduleDir = join(repo, 'terraform', 'modules', 'control-plane');

/** The control-plane module with the given pieces taken out, checked; each piece's text must be there. */
async function checkBroken(applied: Breakage[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runtime-needs-'));
  try {
    cpSync(moduleDir, dir, { recursive: true });
    for (const b of applied) {
      const path = join(dir, b.file);
      const text = readFileSync(path, 'utf8');
      const next = text.replace(b.find, b.replace);
      if (next === text) throw new Error(`breakage "${b.what}": ${String(b.find)} is no longer in ${b.file}; update it to the module as it is now`);
      writeFileSync(path, next);
    }
    return checkRuntimeNeeds(await loadTree(dir), needs).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('terraform tree: what the flows need at run time', () => {
  it('grants, environment, VPC path and alert policy are all there', async () => {
    expect(checkRuntimeNeeds(await loadTree(join(repo, 'terraform')), needs)).toEqual([]);
    expect(await checkBroken([])).toEqual([]);
  });

  it.each(breakages.map((b) => [b.what, b] as const))('without %s, the check names exactly what breaks', async (_what, b) => {
    expect(await checkBroken([b])).toEqual([...b.problems].sort());
  });

  it('with every piece taken out at once, it names all of them', async () => {
    expect(await checkBroken(breakages)).toEqual(breakages.flatMap((b) => b.problems).sort());
  });
});
