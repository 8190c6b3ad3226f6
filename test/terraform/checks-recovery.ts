/**
 * Checks of the reviewer's Cloud SQL and tear-down findings, and of disaster recovery in the
 * backup region. Pure functions of a parsed tree, like checks.ts.
 */
import { dig, first, locals, rel, resources, type HclJson, type TfTree } from './hcl.ts';

const refersToVar = (v: unknown, name?: string): boolean =>
  typeof v === 'string' && (name ? new RegExp(`var\\.${name}\\b`).test(v) : /var\.[\w-]+/.test(v));

/**
 * Cloud SQL: a disk that auto-grows is ignored after creation; backups survive the instance
 * (retain_backups_on_delete, final backup); the root password is write-only (never in state);
 * backups are stored in the backup region.
 */
export function checkCloudSqlRecovery(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    for (const sql of resources(mod, 'google_sql_database_instance')) {
      const where = `${rel(tree, sql.file)}: google_sql_database_instance.${sql.name}`;
      const settings = first(sql.body.settings) ?? {};
      const replica = sql.body.master_instance_name !== undefined;
      const ignored = JSON.stringify(dig(sql.body, 'lifecycle', 'ignore_changes') ?? []);
      if (settings.disk_autoresize === true && settings.disk_size !== undefined && !/settings\[0\]\.disk_size/.test(ignored)) {
        problems.push(`${where}: disk_size with disk_autoresize = true needs lifecycle.ignore_changes = [settings[0].disk_size], or every plan after the disk grows tries to shrink it`);
      }
      if ('root_password' in sql.body) problems.push(`${where}: root_password is stored in the state; use root_password_wo with an ephemeral value`);
      if (replica) continue;
      if (settings.retain_backups_on_delete !== true) problems.push(`${where}: settings.retain_backups_on_delete must be true, or deleting the instance deletes every automated backup`);
      const fb = first(settings.final_backup_config);
      if (!fb || fb.enabled !== true) problems.push(`${where}: settings.final_backup_config.enabled must be true (a final backup when the instance is deleted)`);
      const location = first(settings.backup_configuration)?.location;
      if (!refersToVar(location, 'backup_region')) problems.push(`${where}: backup_configuration.location must be var.backup_region (is ${JSON.stringify(location)}): backups in the primary region die with it`);
    }
    for (const v of resources(mod, 'google_secret_manager_secret_version')) {
      if ('secret_data' in v.body) problems.push(`${rel(tree, v.file)}: google_secret_manager_secret_version.${v.name}: secret_data is stored in the state; use secret_data_wo`);
    }
    for (const b of resources(mod, 'google_storage_bucket')) {
      if (!/backup|export/.test(b.name)) continue;
      const where = `${rel(tree, b.file)}: google_storage_bucket.${b.name}`;
      if (!refersToVar(b.body.location, 'backup_region')) problems.push(`${where}: the exports bucket must be in var.backup_region (is ${JSON.stringify(b.body.location)})`);
      if (dig(b.body, 'versioning', 'enabled') !== true) problems.push(`${where}: versioning must be enabled`);
      if (first(b.body.retention_policy) && dig(b.body, 'versioning', 'enabled') === true) problems.push(`${where}: Cloud Storage refuses a retention policy together with versioning`);
      const rules = (b.body.lifecycle_rule as HclJson[] | undefined) ?? [];
      if (!rules.some((r) => dig(r, 'condition', 'days_since_noncurrent_time') !== undefined)) problems.push(`${where}: noncurrent exports need a retention (lifecycle rule on days_since_noncurrent_time)`);
    }
  }
  return problems;
}

/**
 * Every environment can be thrown away once its tfvars say so: no unconditional
 * prevent_destroy, workflows' deletion_protection set from a variable, no bucket whose
 * force_destroy or retention lock is hard-coded.
 */
export function checkDestroyable(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    for (const r of resources(mod)) {
      const where = `${rel(tree, r.file)}: ${r.type}.${r.name}`;
      if (dig(r.body, 'lifecycle', 'prevent_destroy') === true && !refersToVar(r.body.for_each) && !refersToVar(r.body.count)) {
        problems.push(`${where}: prevent_destroy = true on every instance makes dev impossible to destroy; gate the protected copy on a variable (for_each/count)`);
      }
    }
    for (const wf of resources(mod, 'google_workflows_workflow')) {
      if (!refersToVar(wf.body.deletion_protection)) problems.push(`${rel(tree, wf.file)}: google_workflows_workflow.${wf.name}: deletion_protection must come from a variable (the provider defaults to true)`);
    }
    for (const b of resources(mod, 'google_storage_bucket')) {
      const where = `${rel(tree, b.file)}: google_storage_bucket.${b.name}`;
      if (b.body.force_destroy === false) problems.push(`${where}: force_destroy is hard-coded to false; take it from a variable`);
      if (dig(b.body, 'retention_policy', 'is_locked') === true) problems.push(`${where}: a hard-coded locked retention policy can never be removed`);
      if (b.body.enable_object_retention === true) problems.push(`${where}: enable_object_retention is hard-coded; take it from a variable`);
    }
  }
  return problems;
}

/** Every scheduled BackupJob task has a Scheduler job, and the cost report runs weekly and monthly. */
export function checkScheduledTasks(tree: TfTree, tasks: string[], onDemand: string[], periods: string[]): string[] {
  const problems: string[] = [];
  const scheduledTasks = new Set<string>();
  const scheduledPeriods = new Set<string>();
  for (const mod of tree.modules) {
    const jobs = locals(mod).scheduler_jobs as Record<string, { payload?: HclJson }> | undefined;
    for (const job of Object.values(jobs ?? {})) {
      if (job.payload?.kind === 'BackupJob') scheduledTasks.add(String(job.payload.task));
      if (job.payload?.kind === 'CostReportJob') scheduledPeriods.add(String(job.payload.period));
    }
  }
  for (const t of tasks) {
    if (onDemand.includes(t)) {
      if (scheduledTasks.has(t)) problems.push(`backup task "${t}" is on demand but has a Scheduler job`);
    } else if (!scheduledTasks.has(t)) problems.push(`backup task "${t}" has no Cloud Scheduler job`);
  }
  for (const p of periods) if (!scheduledPeriods.has(p)) problems.push(`no Cloud Scheduler job publishes a ${p}ly cost report`);
  return problems;
}

/** google_compute_router_nat.subnetwork.name takes the subnetwork's self link (provider docs), not its id. */
export function checkNatSubnetworks(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    for (const nat of resources(mod, 'google_compute_router_nat')) {
      for (const sub of (nat.body.subnetwork as HclJson[] | undefined) ?? []) {
        if (typeof sub.name === 'string' && /google_compute_subnetwork\.[\w-]+\.id\b/.test(sub.name)) {
          problems.push(`${rel(tree, nat.file)}: google_compute_router_nat.${nat.name}: subnetwork.name must be the subnetwork's self_link, not its id`);
        }
      }
    }
  }
  return problems;
}
