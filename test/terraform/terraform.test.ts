/**
 * The Terraform tree, checked by parsing it (there is no terraform binary here). Every check
 * passes on terraform/ and fails on its deliberately broken fixture under fixtures/.
 */
import { tmpdir } from 'node:os';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { backupFollowJobSchema, backupJobSchema, costReportJobSchema, remediationFollowJobSchema } from '../../shared/events/schemas/scheduled-jobs.ts';
import { formatIssues } from '../../shared/events/issues.ts';
import { parseBackupTask } from '../../shared/events/schemas/backup-task-options.ts';
import type { ValidationError } from '../../shared/runtime/errors.ts';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, allTopics } from '../../shared/events/topics.ts';
import { FLOW_LIST, FUNCTIONS } from '../../shared/flows/definitions.ts';
import { publishedEventKinds } from './code-facts.ts';
import * as checks from './checks.ts';
import { checkLeastPrivilege, checkServiceAccountIds } from './checks-iam.ts';
import { checkBackupAlerts, checkBudget, checkEventsRouting, checkPrivateArgoCd, checkSelfMonitoring } from './checks-operations.ts';
import { checkCloudSqlRecovery, checkDestroyable, checkNatSubnetworks, checkScheduledTasks } from './checks-recovery.ts';
import { findRulesFile, registeredTargets, remediationExpectations, workflowFiles, type RemediationExpectation } from './code-facts.ts';
import { loadTree, locals, parseFile, resources, type TfTree } from './hcl.ts';
import { FIRESTORE_INDEXES } from '../../shared/adapters/gcp/firestore-state-store.ts';
import { crossValidations, rootValidations } from './validations.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const fixtures = join(here, 'fixtures');
const fixture = (name: string) => loadTree(join(fixtures, name));

const codeFlows = FUNCTIONS.map((f) => f.target as string);
const scheduledTopics = [TOPICS.backups, TOPICS.costReports];

let real: TfTree;

beforeAll(async () => {
  real = await loadTree(join(repo, 'terraform'));
});

/** The real root module with its environments replaced by one fixture tfvars file. */
async function withTfvars(tree: TfTree, file: string): Promise<TfTree> {
  const path = join(fixtures, 'tfvars', file);
  const text = readFileSync(path, 'utf8');
  return { ...tree, tfvars: new Map([[file.replace(/\.tfvars$/, ''), { path, text, json: await parseFile(path, text) }]]) };
}

describe('terraform tree: structure', () => {
  it('every module has main/variables/outputs/versions.tf and a README with input/output tables', async () => {
    expect(checks.checkModuleLayout(real)).toEqual([]);
    const broken = checks.checkModuleLayout(await fixture('layout'));
    expect(broken).toEqual(expect.arrayContaining([
      'modules/incomplete: missing outputs.tf',
      'modules/incomplete: missing versions.tf',
      'modules/incomplete: missing README.md',
      'modules/undocumented/README.md: no "Inputs" section',
      'modules/undocumented/README.md: input "name" is not in the inputs table',
    ]));
  });

  it('every variable has a type, a description, and a validation where a bad value is possible', async () => {
    expect(checks.checkVariableDeclarations(real)).toEqual([]);
    const broken = checks.checkVariableDeclarations(await fixture('variable-declarations'));
    expect(broken.join('\n')).toMatch(/variable "untyped" has no type/);
    expect(broken.join('\n')).toMatch(/variable "undescribed" has no description/);
    expect(broken.join('\n')).toMatch(/variable "bad_type".*unknown type "lisst"/);
    expect(broken).toContain('variables.tf: variable "retries" can take a bad value but has no validation block');
    expect(broken.join('\n')).not.toMatch(/variable "enabled"/);
  });

  it('every referenced var.x is declared', async () => {
    expect(checks.checkVariableReferences(real)).toEqual([]);
    expect(checks.checkVariableReferences(await fixture('undeclared-variable'))).toEqual([
      'main.tf: var.topic_prefix is referenced but not declared in .',
    ]);
  });

  it('every module source resolves', async () => {
    expect(checks.checkModuleSources(real)).toEqual([]);
    const broken = checks.checkModuleSources(await fixture('module-sources'));
    expect(broken).toEqual([
      'main.tf: module "ghost": source "./modules/ghost" does not exist',
      'main.tf: module "unpinned": remote source "terraform-google-modules/network/google" is not pinned to a version',
    ]);
  });

  it('every referenced module output exists and module arguments match the variables', async () => {
    expect(checks.checkModuleInterfaces(real)).toEqual([]);
    const broken = checks.checkModuleInterfaces(await fixture('module-interfaces'));
    expect(broken).toEqual(expect.arrayContaining([
      'main.tf: module.net.subnet_id: modules/net has no output "subnet_id"',
      'main.tf: module "net" passes "regoin", which modules/net does not declare',
      'main.tf: module "net" does not pass required variable "region"',
    ]));
  });

  it('required_version covers the features each module uses; providers pinned to one major version', async () => {
    expect(checks.checkVersionPins(real)).toEqual([]);
    const broken = checks.checkVersionPins(await fixture('version-pins'));
    expect(broken).toEqual([
      '.: required_version >= 1.0 is too low: variable "backup_region" validates against var.region, which needs Terraform >= 1.9',
      '.: provider "google" version "~> 6.0" is not ">= X, < X+1"',
      '.: provider "google-beta" is used but not in required_providers',
    ]);
  });
});

describe('terraform tree: security invariants', () => {
  it('grants no primitive role', async () => {
    expect(checks.checkNoPrimitiveRoles(real)).toEqual([]);
    expect(checks.checkNoPrimitiveRoles(await fixture('primitive-role'))).toHaveLength(2);
  });

  it('names no allUsers / allAuthenticatedUsers', async () => {
    expect(checks.checkNoPublicPrincipals(real)).toEqual([]);
    expect(checks.checkNoPublicPrincipals(await fixture('public-principal'))).toHaveLength(2);
  });

  it('Cloud SQL has no public IP and requires ENCRYPTED_ONLY', async () => {
    expect(checks.checkCloudSqlPrivate(real)).toEqual([]);
    const broken = checks.checkCloudSqlPrivate(await fixture('sql-public')).join('\n');
    expect(broken).toMatch(/ipv4_enabled must be false/);
    expect(broken).toMatch(/private_network is not set/);
    expect(broken).toMatch(/authorized_networks opens the instance/);
    expect(broken).toMatch(/ssl_mode must be "ENCRYPTED_ONLY"/);
    expect(broken).toMatch(/binary logging/);
  });

  it('GKE nodes are private', async () => {
    expect(checks.checkGkePrivateNodes(real)).toEqual([]);
    const broken = checks.checkGkePrivateNodes(await fixture('gke-public')).join('\n');
    expect(broken).toMatch(/enable_private_nodes must be true/);
    expect(broken).toMatch(/workload_pool is not set/);
  });

  it('CMEK on Cloud SQL, every bucket, the registry, secrets, topics and GKE secrets; every KMS key rotates', async () => {
    expect(checks.checkEncryptionAtRest(real)).toEqual([]);
    expect(checks.checkEncryptionAtRest(await fixture('encryption'))).toEqual([
      'main.tf: google_kms_crypto_key.never_rotated has no rotation_period',
      'main.tf: google_sql_database_instance.google_managed_key is not encrypted with a customer-managed key',
      'main.tf: google_storage_bucket.reports has no CMEK default key',
      'main.tf: google_pubsub_topic.plain has no kms_key_name',
      'main.tf: google_secret_manager_secret.google_key: every replica needs customer_managed_encryption',
      'main.tf: google_container_cluster.no_secrets_encryption: database_encryption must be ENCRYPTED with a key_name (CMEK for Kubernetes Secrets)',
      'modules/storage/main.tf: google_storage_bucket.artifacts has no CMEK default key',
      'modules/storage/main.tf: google_artifact_registry_repository.docker has no kms_key_name',
    ]);
  });

  it('no secret value in any .tf or .tfvars file', async () => {
    expect(checks.checkNoSecretValues(real)).toEqual([]);
    // The PEM block is written at test time, so no committed file looks like it holds a key.
    const dir = mkdtempSync(join(tmpdir(), 'tf-secrets-'));
    cpSync(join(fixtures, 'secrets'), dir, { recursive: true });
    const pem = ['-----BEGIN', 'PRIVATE KEY-----', '\nMIIE\n', '-----END', 'PRIVATE KEY-----'].join(' ').replace(/ \n| (?=-----END)/g, '\n');
    writeFileSync(join(dir, 'environments', 'prod.tfvars'), `sa_key = <<EOT\n${pem}\nEOT\n`);
    const broken = checks.checkNoSecretValues(await loadTree(dir));
    rmSync(dir, { recursive: true, force: true });
    expect(broken).toEqual(expect.arrayContaining([
      'main.tf: resource.google_secret_manager_secret_version.db[0].secret_data is set to a literal value',
      'main.tf: variable "api_token" has a literal default',
      'environments/dev.tfvars: db_password is set to a literal value',
      'environments/prod.tfvars: contains a PEM private key',
    ]));
  });
});

describe('terraform tree: consistency with the code', () => {
  it('every topic the TypeScript declares exists in Terraform, and the reverse', async () => {
    expect(checks.checkTopics(real, allTopics())).toEqual([]);
    const broken = checks.checkTopics(await fixture('topics'), allTopics());
    expect(broken).toContain('topic "cp-events" is declared in shared/events/topics.ts but not created by Terraform');
    expect(broken).toContain('topic "cp-legacy-requests" is created by Terraform but not declared in shared/events/topics.ts');
    expect(broken).toContain('topic "cp-legacy-requests-dlq" is created by Terraform but not declared in shared/events/topics.ts');
  });

  it('every function entry point is a target functions/ registers', async () => {
    // Registration is derived from the flow declarations (registerFlow), so it is read by loading
    // functions/ the way the runtime does and asking functions-framework, not from the source text.
    await import('../../functions/index.ts');
    const { getFunction } = await import('@google-cloud/functions-framework/testing');
    const deployed = checks.deployedEntryPoints(real);
    const registered = [...new Set([...deployed, ...codeFlows])].filter((t) => typeof getFunction(t) === 'function');
    expect(registered.length, 'functions/*.ts registers no target').toBeGreaterThan(0);
    expect(checks.checkFunctionEntryPoints(real, registered, codeFlows)).toEqual([]);
  });

  it('every flow declaration is deployed: topic, function, trigger subscription, service account', async () => {
    const declared = FLOW_LIST.map((f) => ({ flow: f.flow, topic: TOPICS[f.flow], entryPoint: f.functionName }));
    expect(checks.checkFlowsDeployed(real, declared)).toEqual([]);
    const missing = checks.checkFlowsDeployed(real, [...declared, { flow: 'reports', topic: 'cp-report-jobs', entryPoint: 'reports' }]);
    expect(missing).toEqual([
      'flow "reports": no google_pubsub_topic named "cp-report-jobs"',
      'flow "reports": no google_cloudfunctions2_function with entry_point "reports"',
    ]);
    const broken = checks.checkFlowsDeployed(await fixture('flow-deployment'), [
      { flow: 'alerts', topic: 'cp-monitoring-alerts', entryPoint: 'alerts' },
      { flow: 'budgets', topic: 'cp-billing-budgets', entryPoint: 'budgets' },
    ]);
    expect(broken).toEqual([
      'flow "alerts": no push subscription delivers to its function',
      'flow "budgets": its function has no service account of its own (service_config.service_account_email)',
    ]);
  });

  it('the entry-point check reads registrations from source and fails on an unknown target', async () => {
    const fixtureTargets = registeredTargets(join(fixtures, 'functions')).map((r) => r.target);
    expect(fixtureTargets).toEqual(['alerts']);
    const broken = checks.checkFunctionEntryPoints(await fixture('entry-points'), fixtureTargets, ['alerts', 'budgets']);
    expect(broken).toEqual([
      'main.tf: google_cloudfunctions2_function.this["typo"]: entry point "provisoning" is not registered by functions/ (registered: alerts)',
      'function target "budgets" (shared/flows/definitions.ts) is not deployed',
    ]);
    // The real tree deploys every flow the code declares.
    expect(checks.checkFunctionEntryPoints(real, codeFlows, codeFlows)).toEqual([]);
  });

  it('functions: Node 20 runtime, min instances 0, internal ingress, own service account, hashed source', async () => {
    expect(checks.checkFunctionRuntime(real)).toEqual([]);
    const broken = checks.checkFunctionRuntime(await fixture('function-runtime')).join('\n');
    expect(broken).toMatch(/"nodejs18" is not nodejs20/);
    expect(broken).toMatch(/min_instance_count must be 0/);
    expect(broken).toMatch(/ingress_settings must be ALLOW_INTERNAL_ONLY/);
    expect(broken).toMatch(/function\.b: shares its service account with a/);
    expect(broken).toMatch(/archive\.name must include the archive hash|google_storage_bucket_object\.archive: name must include the archive hash/);
    expect(broken).toMatch(/function\.b: source must be a google_storage_bucket_object/);
  });

  it('triggers retry and dead-letter after a configurable number of attempts; topics keep messages', async () => {
    expect(checks.checkDeliveryPolicies(real)).toEqual([]);
    const broken = checks.checkDeliveryPolicies(await fixture('delivery')).join('\n');
    expect(broken).toMatch(/google_pubsub_topic\.jobs has no message_retention_duration/);
    expect(broken).toMatch(/jobs_dlq: dead-letter topic has no subscription/);
    expect(broken).toMatch(/eventarc: event_trigger\.retry_policy must be RETRY_POLICY_RETRY/);
    expect(broken).toMatch(/push: trigger subscription has no retry_policy/);
    expect(broken).toMatch(/max_delivery_attempts must come from a variable/);
    expect(broken).toMatch(/needs an oidc_token/);
    expect(broken).toMatch(/untriggered: has neither an event_trigger nor a push subscription/);
  });

  it('Cloud Scheduler jobs publish backups and cost-report jobs', async () => {
    expect(checks.checkSchedulerJobs(real, scheduledTopics)).toEqual([]);
    expect(checks.checkSchedulerJobs(await fixture('scheduler'), scheduledTopics)).toEqual([
      'no Cloud Scheduler job publishes to topic "cp-cost-report-jobs"',
    ]);
  });

  it('the follow ticks (remediation, backups) are published every minute to their flow\'s topic', async () => {
    const ticks = [{ kind: 'RemediationFollowJob', topic: 'alerts' }, { kind: 'BackupFollowJob', topic: 'backups' }];
    expect(checks.checkFollowTicks(real, ticks)).toEqual([]);
    expect(checks.checkFollowTicks(await loadTree(join(fixtures, 'follow-ticks')), ticks)).toEqual([
      'scheduler job "remediation-follow": RemediationFollowJob must run every minute ("* * * * *"), not "*/30 * * * *"',
      'no Cloud Scheduler job publishes the BackupFollowJob follow tick',
    ]);
  });

  it('Cloud Scheduler payloads decode with the functions\' message schemas', async () => {
    const decode = (payload: Record<string, unknown>): string[] => {
      const schema = payload.kind === 'CostReportJob' ? costReportJobSchema : payload.kind === 'BackupJob' ? backupJobSchema
        : payload.kind === 'RemediationFollowJob' ? remediationFollowJobSchema : payload.kind === 'BackupFollowJob' ? backupFollowJobSchema : undefined;
      if (!schema) return [`kind ${JSON.stringify(payload.kind)} is not a scheduled job kind`];
      const result = schema.safeParse(payload);
      if (!result.success) return formatIssues(result.error.issues).map((i) => `${i.path}: ${i.message}`);
      if (payload.kind !== 'BackupJob') return [];
      // The backups function also checks each task's options strictly. Values that are Terraform
      // references ("${var.x}") are only known at plan time: they stand in as a valid sample of
      // their key's type, so this checks the option names (an unknown or missing key fails).
      const job = result.data as Parameters<typeof parseBackupTask>[0];
      const samples: Record<string, string | number> = { bucket: 'sample-bucket', prefix: '', pointInTime: '2026-01-01T00:00:00Z', databases: 'zenml' };
      const options = Object.fromEntries(Object.entries(job.options).map(([k, v]) =>
        [k, typeof v === 'string' && /^\$\{.+\}$/.test(v) ? (samples[k] ?? 1) : v]));
      try {
        parseBackupTask({ ...job, options });
        return [];
      } catch (err) {
        return (err as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(checks.checkSchedulerPayloads(real, decode)).toEqual([]);
    const broken = checks.checkSchedulerPayloads(await loadTree(join(fixtures, 'scheduler-payload')), decode);
    expect(broken).toEqual([
      expect.stringMatching(/job "backup": \$\.task: /),
      expect.stringMatching(/job "cost-report": kind undefined is not a scheduled job kind/),
    ]);
  });

  const workflowsDir = join(repo, 'workflows');
  it('every file in workflows/ is deployed with file(), and the reverse', async () => {
    expect(checks.checkWorkflowsDeployed(real, workflowsDir, workflowFiles(workflowsDir))).toEqual([]);
    const dir = join(fixtures, 'workflows', 'workflows');
    const tree = await loadTree(join(fixtures, 'workflows', 'terraform'));
    const broken = checks.checkWorkflowsDeployed(tree, dir, workflowFiles(dir));
    expect(broken).toEqual([
      'main.tf: google_workflows_workflow.templated: source_contents must be file("…/workflows/<name>.yaml") (no templatefile, no inline YAML)',
      'main.tf: google_workflows_workflow.this: deploys workflows/pitr-restore.yaml, which does not exist',
      'workflows/orphan.yaml is not deployed by any google_workflows_workflow',
    ]);
    // The real tree deploys with fileset(): a glob that misses the files deploys nothing.
    const globbed = await loadTree(join(fixtures, 'workflows', 'terraform-fileset'));
    expect(checks.checkWorkflowsDeployed(globbed, dir, workflowFiles(dir))).toEqual([
      'workflows/orphan.yaml is not deployed by any google_workflows_workflow',
      'workflows/redeploy.yaml is not deployed by any google_workflows_workflow',
    ]);
  });

  const rulesFile = findRulesFile(repo);
  // The RPO alert asks for an on-demand backup (issue 11); until the backups flow's rule is in
  // the rules file, the label contract it must match is stated here.
  const withBackupRule = (found: RemediationExpectation[]): RemediationExpectation[] =>
    found.some((e) => e.remediation === 'backup') ? found
      : [...found, { remediation: 'backup', labelKeys: ['instance'], fixedLabels: {}, allowedLabels: {}, labelPatterns: {}, source: 'issue 11 (backups rule pending)' }];
  it(`the default remediation rules' labels match the example alert policies (rules: ${rulesFile ?? 'built-in default labels'})`, async () => {
    expect(checks.checkRemediationLabels(real, withBackupRule(remediationExpectations(rulesFile)))).toEqual([]);
    expect(checks.checkRemediationLabels(real, remediationExpectations(rulesFile)).join('\n')).not.toMatch(/redeploy|pitr-restore/);
    const fixtureRules = remediationExpectations(join(fixtures, 'remediation-rules.yaml'));
    expect(fixtureRules.map((r) => [r.remediation, r.labelKeys])).toEqual([
      ['redeploy', ['app', 'tier']],
      ['pitr-restore', ['instance', 'env']],
    ]);
    const broken = checks.checkRemediationLabels(await fixture('remediation'), fixtureRules);
    expect(broken.sort()).toEqual([
      'main.tf: google_monitoring_alert_policy.corruption: label "instance" required by the pitr-restore rule is missing',
      'main.tf: google_monitoring_alert_policy.corruption: label env = "staging" does not match the pitr-restore rule\'s /^(dev|prod)$/',
      'main.tf: google_monitoring_alert_policy.unknown: has no notification_channels, so no incident reaches the control plane',
      'main.tf: google_monitoring_alert_policy.unknown: remediation "reboot-everything" matches no default remediation rule',
      'main.tf: google_monitoring_alert_policy.uptime: label app = "mlflow-server", the redeploy rule expects "zenml-server"',
      'main.tf: google_monitoring_alert_policy.uptime: label tier = "bronze", the redeploy rule accepts only gold, silver',
    ].sort());
  });

  it('extracts the label keys of the real rules file (or of the built-in defaults when there is none)', () => {
    const expectations = remediationExpectations(rulesFile);
    expect(expectations.map((e) => e.remediation).sort()).toEqual(['backup', 'pitr-restore', 'redeploy']);
    expect(Object.fromEntries(expectations.map((e) => [e.remediation, e.labelKeys]))).toMatchObject({ redeploy: ['app'], 'pitr-restore': ['instance'], backup: ['instance'] });
  });

  it('every scheduled backup task and both cost-report periods have a Scheduler job; bucket-restore is on demand', async () => {
    const tasks = backupJobSchema.shape.task.options as readonly string[];
    expect(checkScheduledTasks(real, [...tasks, 'bucket-restore'], ['bucket-restore'], ['week', 'month'])).toEqual([]);
    expect(checkScheduledTasks(await fixture('scheduler-payload'), [...tasks, 'bucket-restore'], ['bucket-restore'], ['week', 'month'])).toEqual([
      'backup task "backup" has no Cloud Scheduler job',
      'backup task "export" has no Cloud Scheduler job',
      'backup task "retention" has no Cloud Scheduler job',
      'backup task "rpo-check" has no Cloud Scheduler job',
      'backup task "restore-drill" has no Cloud Scheduler job',
      'no Cloud Scheduler job publishes a weekly cost report',
      'no Cloud Scheduler job publishes a monthly cost report',
    ]);
  });
});

describe('terraform tree: the reviewer\'s fixes (issue 14)', () => {
  it('Cloud SQL: grown disk ignored, backups retained on delete with a final backup, write-only root password, backups and exports in the backup region', async () => {
    expect(checkCloudSqlRecovery(real)).toEqual([]);
    const broken = checkCloudSqlRecovery(await fixture('sql-recovery'));
    expect(broken).toEqual([
      expect.stringMatching(/db: disk_size with disk_autoresize = true needs lifecycle.ignore_changes/),
      expect.stringMatching(/db: root_password is stored in the state/),
      expect.stringMatching(/db: settings.retain_backups_on_delete must be true/),
      expect.stringMatching(/db: settings.final_backup_config.enabled must be true/),
      expect.stringMatching(/db: backup_configuration.location must be var.backup_region/),
      expect.stringMatching(/version.root: secret_data is stored in the state/),
      expect.stringMatching(/backups: the exports bucket must be in var.backup_region/),
      expect.stringMatching(/backups: versioning must be enabled/),
      expect.stringMatching(/backups: noncurrent exports need a retention/),
    ]);
  });

  it('the functions get the CMEK keys for the workspace buckets, secrets and repositories they create', () => {
    const cp = real.modules.find((m) => m.name === 'modules/control-plane')!;
    const env = String(locals(cp).function_env);
    for (const [name, v] of [['STACKCTL_KMS_KEY_STORAGE', 'storage_kms_key_id'], ['STACKCTL_KMS_KEY_SECRETS', 'secrets_kms_key_id'], ['STACKCTL_KMS_KEY_REGISTRY', 'registry_kms_key_id']]) {
      expect(env).toMatch(new RegExp(`${name}\\s*=\\s*var\\.${v}\\b`));
    }
  });

  it('the router NAT names its subnetwork by self link', async () => {
    expect(checkNatSubnetworks(real)).toEqual([]);
    expect(checkNatSubnetworks(await fixture('nat'))).toEqual([
      'main.tf: google_compute_router_nat.nat: subnetwork.name must be the subnetwork\'s self_link, not its id',
    ]);
  });

  it('the backup jobs stay out of the automated backup window (TypeScript twins of the validations)', async () => {
    const broken = checks.checkTfvarsValidations(await withTfvars(real, 'broken-schedules.tfvars'), rootValidations, []);
    const failed = new Set(broken.map((p) => /: (\w+) = /.exec(p)?.[1]).filter(Boolean));
    expect([...failed].sort()).toEqual(['backup_region', 'backup_schedule', 'lock_backup_retention', 'node_pools', 'zones']);
  });

  it('every environment can be destroyed once its tfvars lift the protections', async () => {
    expect(checkDestroyable(real)).toEqual([]);
    expect(checkDestroyable(await fixture('destroyable'))).toEqual([
      expect.stringMatching(/google_kms_crypto_key.keys: prevent_destroy = true on every instance/),
      expect.stringMatching(/google_workflows_workflow.wf: deletion_protection must come from a variable/),
      expect.stringMatching(/google_storage_bucket.reports: force_destroy is hard-coded to false/),
      expect.stringMatching(/google_storage_bucket.reports: a hard-coded locked retention policy/),
    ]);
  });

  // The root prefix is <short name>-<environment>: project_name is shortened to 12 characters
  // (inputs.tf) and the longest environment is "prod".
  const longestRootPrefix = 12 + 1 + 'prod'.length;
  it('service account ids fit in 30 characters for the longest allowed name prefix', async () => {
    expect(checkServiceAccountIds(real, longestRootPrefix)).toEqual([]);
    expect(checkServiceAccountIds(await fixture('service-accounts'), 15)).toEqual([
      'main.tf: google_service_account.workflows: account_id is 33 characters for the longest allowed name prefix (limit 30): ${var.name_prefix}-cp-workflows',
    ]);
  });

  it('least privilege: no project-wide admin role; custom roles that change or read resources carry an IAM condition', async () => {
    expect(checkLeastPrivilege(real)).toEqual([]);
    expect(checkLeastPrivilege(await fixture('privilege')).sort()).toEqual([
      '.: custom role "workspaceManager" can read secret values (secretmanager.versions.access)',
      '.: custom role grant "fn/workspaceManager" has no IAM condition but its role can secretmanager.secrets.delete, secretmanager.versions.access',
      'main.tf: google_project_iam_member.fn: grants roles/cloudsql.admin project-wide',
      'main.tf: google_project_iam_member.fn: grants roles/secretmanager.admin project-wide',
      'main.tf: google_project_iam_member.single: grants roles/storage.admin project-wide',
    ]);
  });
});

describe('terraform tree: operating it (issues 11, 12, 13)', () => {
  const required = {
    approvals: ['ApprovalRequested'],
    'remediation-failures': ['RedeployFailed', 'PitrRestoreFailed'],
    'rpo-breaches': ['BackupRpoBreached'],
    'budget-thresholds': ['BudgetThresholdReached'],
  };

  it('cp-events has a retained subscription, and the events people must see are routed to their channels', async () => {
    expect(checkEventsRouting(real, TOPICS.events, required)).toEqual([]);
    expect(checkEventsRouting(await fixture('operations'), TOPICS.events, required)).toEqual([
      'main.tf: google_pubsub_subscription.events: a subscription on cp-events for people and the CLI must be pull, not push',
      'main.tf: google_pubsub_subscription.events: retain_acked_messages must be true (events stay readable for audit)',
      'no retained, unfiltered pull subscription on cp-events: Pub/Sub drops every status event',
      'category "remediation-failures" does not select event kind PitrRestoreFailed',
      'events of category "rpo-breaches" (BackupRpoBreached) are not routed to people',
      'events of category "budget-thresholds" (BudgetThresholdReached) are not routed to people',
    ]);
  });

  it('the kinds routed to people that the code publishes today are the names it publishes', () => {
    const published = publishedEventKinds(repo);
    for (const kind of ['ApprovalRequested', 'RedeployFailed', 'PitrRestoreFailed', 'RemediationFinished']) expect(published).toContain(kind);
  });

  it('alert policies watch every dead-letter subscription, failed workflow executions and each function\'s error rate', async () => {
    expect(checkSelfMonitoring(real)).toEqual([]);
    expect(checkSelfMonitoring(await fixture('operations'))).toEqual([
      'main.tf: google_pubsub_subscription.dead_letter: no alert policy watches the undelivered messages of every dead-letter subscription',
      'no alert policy on failed workflow executions (workflows.googleapis.com/finished_execution_count, status FAILED)',
      'no alert policy on each function\'s error rate (run.googleapis.com/request_count 5xx)',
    ]);
  });

  it('Workflows reach Argo CD inside the VPC through Service Directory, and every Argo CD call names the service', async () => {
    const dir = join(repo, 'workflows');
    const sources = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => [`workflows/${f}`, readFileSync(join(dir, f), 'utf8')]));
    expect(Object.keys(sources).length).toBeGreaterThan(3);
    expect(checkPrivateArgoCd(real, sources)).toEqual([]);
    const direct = 'call: http.get\n  args:\n    url: ${sys.get_env("ARGOCD_URL") + "/api/v1/applications/zenml-server"}\n';
    expect(checkPrivateArgoCd(await fixture('private-network'), { 'workflows/direct.yaml': direct })).toEqual([
      'main.tf: google_service_directory_endpoint.argocd: address must be the Argo CD internal address (var.argocd_internal_ip), is "203.0.113.10"',
      'main.tf: google_service_directory_endpoint.argocd: port must be 443 (Argo CD\'s API over TLS), is 80',
      'main.tf: google_service_directory_endpoint.argocd: network must name the VPC (projects/NUMBER/locations/global/networks/NAME), or Workflows cannot connect privately',
      'the Workflows service agent lacks roles/servicedirectory.pscAuthorizedService (it resolves the service and opens the private connection)',
      'main.tf: google_workflows_workflow.redeploy: user_env_vars must set ARGOCD_PRIVATE_SERVICE to the Service Directory service of Argo CD',
      'workflows/direct.yaml: calls Argo CD at ARGOCD_URL without passing ARGOCD_PRIVATE_SERVICE as private_service_name',
    ]);
  });

  it('every composite index the Firestore state store\'s queries need is created, on the state database', () => {
    const key = (i: { collection: string; fields: ReadonlyArray<readonly [string, string]> }) => `${i.collection}(${i.fields.map(([f, o]) => `${f} ${o}`).join(', ')})`;
    const mod = real.modules.find((m) => locals(m).firestore_indexes !== undefined);
    expect(mod, 'a module with local.firestore_indexes').toBeDefined();
    const declared = Object.values(locals(mod!).firestore_indexes as Record<string, { collection: string; fields: Array<[string, string]> }>).map(key).sort();
    expect(declared).toEqual(FIRESTORE_INDEXES.map(key).sort());
    const index = resources(mod!, 'google_firestore_index');
    expect(index.map((r) => r.body.for_each)).toEqual(['${local.firestore_indexes}']);
    expect(String(index[0]!.body.database)).toContain('google_firestore_database.state.name');
  });

  it('the budget publishes every update to cp-billing-budgets, with actual and forecast thresholds', async () => {
    expect(checkBudget(real, TOPICS.budgets)).toEqual([]);
    expect(checkBudget(await fixture('budget'), TOPICS.budgets)).toEqual([
      'main.tf: google_billing_budget.this: all_updates_rule.pubsub_topic must be cp-billing-budgets',
      'main.tf: google_billing_budget.this: all_updates_rule.schema_version must be "1.0" (the schema the budgets flow decodes)',
      'main.tf: google_billing_budget.this: actual-spend threshold_rules must come from var.budget_thresholds',
      'main.tf: google_billing_budget.this: no FORECASTED_SPEND threshold',
      'main.tf: google_billing_budget.this: the Billing service agent cannot publish to cp-billing-budgets',
    ]);
  });

  const metrics = { age: 'custom.googleapis.com/stack_control_plane/backup_age_seconds', drill: 'custom.googleapis.com/stack_control_plane/restore_drill_success' };
  it('RPO breach and drill failure alerts watch the backups flow\'s metrics and reach cp-monitoring-alerts', async () => {
    expect(checkBackupAlerts(real, metrics)).toEqual([]);
    expect(checkBackupAlerts(await fixture('operations'), metrics)).toEqual([
      'no alert policy on custom.googleapis.com/stack_control_plane/restore_drill_success',
      'main.tf: google_monitoring_alert_policy.rpo: needs user_labels remediation = "backup" and instance for the on-demand backup rule',
      'main.tf: google_monitoring_alert_policy.rpo: the threshold must be the RPO objective (is 3600)',
      'main.tf: google_monitoring_alert_policy.rpo: the filter must select the instance label',
      'main.tf: google_monitoring_alert_policy.rpo: must notify the cp-monitoring-alerts Pub/Sub channel',
    ]);
  });
});

describe('terraform tree: environments', () => {
  it('dev and prod exist', () => {
    expect([...real.tfvars.keys()].sort()).toEqual(['dev', 'prod']);
    expect(existsSync(join(repo, 'terraform', 'environments', 'dev.tfvars'))).toBe(true);
  });

  it('tfvars set only declared variables, with values of the declared types', async () => {
    expect(checks.checkTfvarsTypes(real)).toEqual([]);
    const broken = checks.checkTfvarsTypes(await withTfvars(real, 'bad-types.tfvars'));
    expect(broken).toContain('../test/terraform/fixtures/tfvars/bad-types.tfvars: mysql_disk_size_gb: expected a number, got the string "20"');
    const text = broken.join('\n');
    expect(text).toMatch(/enable_dns: expected a bool, got the string "yes"/);
    expect(text).toMatch(/budget_thresholds: expected a list, got number 0.5/);
    expect(text).toMatch(/"unknown_setting" is not a declared variable/);
    expect(text).toMatch(/gke_master_authorized_networks\[0\]\.display_name: required attribute is missing/);
    expect(text).toMatch(/gke_master_authorized_networks\[0\]\.name: attribute is not part of the declared object type/);
    expect(text).toMatch(/required variable "billing_account_id" is not set/);
  });

  it('tfvars values satisfy the validation conditions (re-implemented in TypeScript)', async () => {
    expect(checks.checkTfvarsValidations(real, rootValidations, crossValidations)).toEqual([]);
    const broken = checks.checkTfvarsValidations(await withTfvars(real, 'bad-validations.tfvars'), rootValidations, crossValidations);
    const failed = new Set(broken.map((p) => /: (\w+) = /.exec(p)?.[1]).filter(Boolean));
    expect([...failed].sort()).toEqual([
      'billing_account_id', 'budget_amount', 'environment', 'firestore_location', 'gke_master_authorized_networks',
      'max_delivery_attempts', 'message_retention', 'mysql_availability_type', 'mysql_transaction_log_retention_days',
      'private_subnet_cidr', 'project_id', 'region',
    ]);
    expect(broken.join('\n')).toMatch(/mysql_retained_backups must be greater than mysql_transaction_log_retention_days/);
    expect(broken.join('\n')).toMatch(/dns_domain must be set when enable_dns is true/);
    // A validation block without a TypeScript twin is itself a failure.
    const { region: _dropped, ...partial } = rootValidations;
    expect(checks.checkTfvarsValidations(real, partial, [])).toEqual([
      'variable "region" has a validation block but no TypeScript twin in test/terraform/validations.ts',
    ]);
  });

  it('dev and prod differ only through tfvars', async () => {
    expect(checks.checkEnvironmentParity(real)).toEqual([]);
    const broken = checks.checkEnvironmentParity(await fixture('env-parity')).join('\n');
    expect(broken).toMatch(/dev\.tfvars and prod\.tfvars set different variables \(only dev: tier; only prod: -\)/);
    expect(broken).toMatch(/holds the environment-specific literal "prod"/);
    expect(broken).toMatch(/depends on terraform\.workspace/);
    expect(broken).toMatch(/branches on the environment name/);
  });
});
