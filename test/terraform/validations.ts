/**
 * The root module's `validation` conditions, written again in TypeScript so the tfvars
 * files can be checked without a terraform binary. A test keeps this table and the HCL in
 * step: every root variable with a validation block must have an entry here, and nothing
 * else may.
 */

/** A validation condition; `all` holds every variable's effective value (conditions may refer to others). */
type Validator = (value: unknown, all: Record<string, unknown>) => boolean;

const RFC1918 = /^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.)/;

/** Terraform's can(cidrhost(x, 0)) for IPv4. */
export function isIpv4Cidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return false;
  return m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number';
const re = (pattern: RegExp): Validator => (v) => str(v) && pattern.test(v);
const oneOf = (...allowed: string[]): Validator => (v) => str(v) && allowed.includes(v);
const between = (lo: number, hi: number): Validator => (v) => num(v) && v >= lo && v <= hi;
const wholeBetween = (lo: number, hi: number): Validator => (v) => num(v) && Number.isInteger(v) && v >= lo && v <= hi;
const privateCidr: Validator = (v) => isIpv4Cidr(v) && RFC1918.test(v as string);
const cron: Validator = (v) => str(v) && v.split(' ').length === 5;
/** A cron whose hour is a single number outside the 4-hour automated backup window. */
const outsideBackupWindow: Validator = (v, all) => {
  if (!cron(v, all)) return false;
  const hour = (v as string).split(' ')[1];
  const start = Number(String(all.mysql_backup_start_time ?? '02:00').split(':')[0]);
  return /^\d+$/.test(hour) && (Number(hour) - start + 24) % 24 >= 4;
};
const regionRe = /^[a-z]+-[a-z]+[0-9]$/;
const hostRe = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/;
const seconds = (v: unknown): number | undefined => (str(v) && /^[0-9]+s$/.test(v) ? Number(v.slice(0, -1)) : undefined);

export const rootValidations: Record<string, Validator> = {
  project_id: re(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/),
  region: re(/^[a-z]+-[a-z]+[0-9]$/),
  environment: oneOf('dev', 'prod'),
  project_name: re(/^[a-z][a-z0-9-]{0,28}[a-z0-9]$/),
  zones: (v, all) => Array.isArray(v) && new Set(v).size === v.length
    && v.every((z) => str(z) && z.startsWith(`${String(all.region)}-`) && /^[a-z]+-[a-z]+[0-9]-[a-z]$/.test(z)),
  backup_region: (v, all) => str(v) && regionRe.test(v) && v !== all.region,
  gke_mode: oneOf('autopilot', 'standard'),
  node_pools: (v) => !!v && typeof v === 'object' && Object.entries(v as Record<string, Record<string, unknown>>).every(([name, p]) => {
    const count = p.node_count as number;
    const min = (p.min_count ?? count) as number;
    const max = (p.max_count ?? count) as number;
    return /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/.test(name) && num(count) && count >= 0 && Number.isInteger(count)
      && str(p.machine_type) && /^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(p.machine_type) && Number(p.disk_size_gb ?? 50) >= 10 && min <= count && count <= max;
  }),
  final_backup_retention_days: wholeBetween(1, 365),
  mysql_backup_start_time: re(/^([01][0-9]|2[0-3]):00$/),
  export_schedule: outsideBackupWindow,
  retention_schedule: outsideBackupWindow,
  rpo_check_schedule: cron,
  rpo_objective_hours: between(1, 168),
  on_demand_backups_kept: wholeBetween(1, 365),
  cost_report_monthly_schedule: cron,
  lock_backup_retention: (v, all) => v !== true || all.deletion_protection !== false,
  alert_emails: (v) => Array.isArray(v) && v.every((e) => str(e) && /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(e)),
  slack_channel: (v) => v === '' || re(/^#[a-z0-9_-]{1,80}$/)(v, {}),
  slack_token_secret_id: (v, all) => str(v) && ((all.slack_channel ?? '') === '') === (v === '') && (v === '' || /^[A-Za-z0-9_-]{1,255}$/.test(v)),
  gitops_repo_url: (v) => v === '' || re(/^https:\/\/\S+$/)(v, {}),
  gitops_revision: re(/^[A-Za-z0-9._/-]{1,100}$/),
  argocd_host: re(hostRe),
  labels: (v) =>
    !!v && typeof v === 'object' && Object.entries(v).every(([k, val]) => /^[a-z][a-z0-9_-]{0,62}$/.test(k) && str(val) && /^[a-z0-9_-]{0,63}$/.test(val)),
  private_subnet_cidr: privateCidr,
  public_subnet_cidr: privateCidr,
  gke_master_authorized_networks: (v) =>
    Array.isArray(v) && v.every((n) => isIpv4Cidr((n as { cidr_block?: unknown }).cidr_block) && (n as { cidr_block: string }).cidr_block !== '0.0.0.0/0'),
  gke_release_channel: oneOf('RAPID', 'REGULAR', 'STABLE'),
  mysql_tier: re(/^db-(n1|custom|g1|f1|e2|n2|perf-optimized)/),
  mysql_disk_size_gb: wholeBetween(10, 65536),
  mysql_availability_type: oneOf('ZONAL', 'REGIONAL'),
  mysql_transaction_log_retention_days: between(1, 7),
  mysql_retained_backups: between(2, 365),
  backup_retention_days: between(1, 3650),
  dns_domain: (v) => v === '' || re(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+$/)(v, {}),
  functions_archive_path: (v) => str(v) && v.endsWith('.zip'),
  function_max_instances: between(1, 100),
  max_delivery_attempts: between(5, 100),
  message_retention: (v) => {
    const s = seconds(v);
    return s !== undefined && s >= 600 && s <= 2678400;
  },
  backup_schedule: outsideBackupWindow,
  restore_drill_schedule: outsideBackupWindow,
  cost_report_schedule: cron,
  firestore_location: re(/^([a-z]+-[a-z]+[0-9]|nam5|eur3|nam7)$/),
  billing_account_id: re(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/),
  budget_amount: (v) => num(v) && v > 0 && Number.isInteger(v),
  budget_currency: re(/^[A-Z]{3}$/),
  budget_thresholds: (v) => Array.isArray(v) && v.length > 0 && v.every((t) => num(t) && t > 0 && t <= 10),
  argocd_url: (v) => v === '' || re(/^https:\/\/[^\s/]+/)(v, {}),
  zenml_health_url: (v) => v === '' || re(/^https?:\/\/[^\s/]+/)(v, {}),
  log_level: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  workflow_env: (v) => !!v && typeof v === 'object' && Object.keys(v).every((k) => /^[A-Z][A-Z0-9_]*$/.test(k)),
};

/**
 * Conditions that span variables (the modules' preconditions), checked on the effective
 * values (tfvars over defaults).
 */
export const crossValidations: Array<{ name: string; holds: (values: Record<string, unknown>) => boolean }> = [
  {
    name: 'mysql_retained_backups must be greater than mysql_transaction_log_retention_days (mysql module precondition)',
    holds: (v) => Number(v.mysql_retained_backups) > Number(v.mysql_transaction_log_retention_days),
  },
  {
    name: 'dns_domain must be set when enable_dns is true (dns module validation)',
    holds: (v) => v.enable_dns !== true || (typeof v.dns_domain === 'string' && v.dns_domain !== ''),
  },
  {
    name: 'backup_retention_days must not exceed the backup bucket deletion age of 90 days (storage module precondition)',
    holds: (v) => Number(v.backup_retention_days ?? 30) <= 90,
  },
];
