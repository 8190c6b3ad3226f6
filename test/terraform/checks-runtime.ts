/**
 * Run-time needs of the flows: what each identity (a function's service account, the workflows'
 * account) may do on which resource, the function environment, the budgets function's network
 * path to Argo CD. Grants are read from the control-plane module: predefined project roles
 * (local.functions[*].project_roles, for_each toset([...])), custom roles with their IAM
 * conditions (local.custom_roles / local.custom_role_grants), bucket and secret IAM members.
 */
import { dig, first, locals, rel, resources, type HclJson, type TfModule, type TfTree } from './hcl.ts';

/** The permissions of the predefined roles the module grants (only those the needs ask about). */
const PREDEFINED: Record<string, string[]> = {
  'roles/monitoring.metricWriter': ['monitoring.timeSeries.create', 'monitoring.metricDescriptors.create', 'monitoring.metricDescriptors.get', 'monitoring.metricDescriptors.list'],
  'roles/monitoring.viewer': ['monitoring.timeSeries.list', 'monitoring.metricDescriptors.get', 'monitoring.metricDescriptors.list'],
  // https://cloud.google.com/iam/docs/roles-permissions/workflows (Workflows Invoker).
  'roles/workflows.invoker': ['workflows.callbacks.list', 'workflows.callbacks.send', 'workflows.executions.cancel', 'workflows.executions.create', 'workflows.executions.get', 'workflows.executions.list', 'workflows.stepEntries.get', 'workflows.stepEntries.list'],
  'roles/storage.objectAdmin': ['storage.objects.create', 'storage.objects.delete', 'storage.objects.get', 'storage.objects.list', 'storage.objects.update'],
  'roles/storage.objectUser': ['storage.objects.create', 'storage.objects.delete', 'storage.objects.get', 'storage.objects.list', 'storage.objects.update'],
  'roles/storage.objectViewer': ['storage.objects.get', 'storage.objects.list'],
  'roles/storage.objectCreator': ['storage.objects.create'],
  'roles/secretmanager.secretAccessor': ['secretmanager.versions.access'],
  'roles/secretmanager.secretVersionManager': ['secretmanager.versions.add', 'secretmanager.versions.disable', 'secretmanager.versions.enable', 'secretmanager.versions.destroy', 'secretmanager.versions.get', 'secretmanager.versions.list'],
  'roles/logging.logWriter': ['logging.logEntries.create'],
  'roles/datastore.user': ['datastore.entities.get', 'datastore.entities.create', 'datastore.entities.update', 'datastore.entities.delete', 'datastore.entities.list'],
};

/** One permission on one resource: '' is the project; names use <var> for var.<var>. */
export interface Need { permission: string; resource: string }

export interface RuntimeNeeds {
  /** Keyed by identity: a key of local.functions, or "workflows". */
  identities: Record<string, Need[]>;
  /** Function env: name → the Terraform expression it must be set from (regex source). */
  env: Record<string, string>;
  /** Functions that must reach Argo CD's internal address through the VPC. */
  vpcFunctions: string[];
  /** Metric types that must have an alert policy notifying people. */
  alertedMetrics: string[];
}

interface Grant { permissions: string[]; resource: (name: string) => boolean; source: string }

const placeholders = (text: string): string => text
  .replace(/\$\{var\.([\w-]+)\}/g, '<$1>')
  .replace(/\$\{data\.google_project\.this\.number\}/g, '<project_number>');

/** Resolves ${local.x} (string locals) and var/data placeholders in a condition expression. */
function resolve(text: string, scope: HclJson, depth = 0): string {
  const out = text.replace(/\$\{local\.([\w-]+)\}/g, (m, name: string) => {
    const v = scope[name];
    return typeof v === 'string' && depth < 6 ? resolve(v, scope, depth + 1) : m;
  });
  return placeholders(out);
}

/** A matcher for `resource.name == "x"` / `resource.name.startsWith("x")` terms joined by ||; null when unreadable. */
function conditionMatcher(expression: string, scope: HclJson): ((name: string) => boolean) | null {
  const terms = resolve(expression, scope).split('||').map((t) => t.trim());
  const tests: Array<(n: string) => boolean> = [];
  for (const t of terms) {
    const eq = /^resource\.name\s*==\s*"([^"]+)"$/.exec(t);
    const sw = /^resource\.name\.startsWith\("([^"]+)"\)$/.exec(t);
    if (eq) tests.push((n) => n === eq[1]);
    else if (sw) tests.push((n) => n.startsWith(sw[1]));
    else return null;
  }
  return (n) => tests.some((f) => f(n));
}

/** Which identity a member expression names. */
function identityOf(member: unknown): string | undefined {
  const text = String(member ?? '');
  const fn = /google_service_account\.functions\["(\w+)"\]/.exec(text);
  if (fn) return fn[1];
  if (/google_service_account\.workflows\./.test(text)) return 'workflows';
  return undefined;
}

function rolePermissions(role: string, customRoles: Record<string, { permissions?: string[] }>): string[] {
  const custom = /google_project_iam_custom_role\.control_plane\["(\w+)"\]/.exec(role);
  if (custom) return customRoles[custom[1]]?.permissions ?? [];
  return PREDEFINED[role] ?? [];
}

function grantsOf(mod: TfModule): Map<string, Grant[]> {
  const scope = locals(mod);
  const customRoles = (scope.custom_roles ?? {}) as Record<string, { permissions?: string[] }>;
  const out = new Map<string, Grant[]>();
  const add = (id: string | undefined, g: Grant) => { if (id) out.set(id, [...(out.get(id) ?? []), g]); };
  // An unconditioned project-level grant holds on every resource of the project.
  const project = () => true;

  for (const [key, fn] of Object.entries((scope.functions ?? {}) as Record<string, { project_roles?: string[] }>)) {
    for (const role of fn.project_roles ?? []) add(key, { permissions: PREDEFINED[role] ?? [], resource: project, source: `local.functions.${key}.project_roles ${role}` });
  }
  for (const [key, g] of Object.entries((scope.custom_role_grants ?? {}) as Record<string, { member?: string; role?: string; expression?: string | null }>)) {
    const permissions = customRoles[String(g.role)]?.permissions ?? [];
    const matcher = g.expression ? conditionMatcher(g.expression, scope) : project;
    add(identityOf(g.member), { permissions, resource: matcher ?? (() => false), source: `custom_role_grants["${key}"]` });
  }
  for (const b of resources(mod, 'google_project_iam_member')) {
    const set = /^\$\{toset\(\[(.*)\]\)\}$/.exec(String(b.body.for_each ?? ''));
    if (!set) continue;
    for (const m of set[1].matchAll(/"(roles\/[\w.]+)"/g)) add(identityOf(b.body.member), { permissions: PREDEFINED[m[1]!] ?? [], resource: project, source: `google_project_iam_member.${b.name}` });
  }
  for (const b of resources(mod, 'google_storage_bucket_iam_member')) {
    const bucket = `projects/_/buckets/${placeholders(String(b.body.bucket))}`;
    add(identityOf(b.body.member), { permissions: rolePermissions(String(b.body.role), customRoles), resource: (n) => n === bucket || n.startsWith(`${bucket}/`), source: `google_storage_bucket_iam_member.${b.name}` });
  }
  for (const b of resources(mod, 'google_secret_manager_secret_iam_member')) {
    const secret = /google_secret_manager_secret\.(\w+)\./.exec(String(b.body.secret_id))?.[1];
    if (!secret) continue;
    add(identityOf(b.body.member), { permissions: rolePermissions(String(b.body.role), customRoles), resource: (n) => n === `secret:${secret}`, source: `google_secret_manager_secret_iam_member.${b.name}` });
  }
  return out;
}

export function checkRuntimeNeeds(tree: TfTree, needs: RuntimeNeeds): string[] {
  const mod = tree.modules.find((m) => locals(m).functions && locals(m).custom_roles);
  if (!mod) return ['no module declares local.functions and local.custom_roles'];
  const problems: string[] = [];
  const grants = grantsOf(mod);
  for (const [id, list] of Object.entries(needs.identities)) {
    for (const need of list) {
      const ok = (grants.get(id) ?? []).some((g) => g.permissions.includes(need.permission) && g.resource(need.resource));
      if (!ok) problems.push(`${id}: nothing grants ${need.permission} on ${need.resource || 'the project'}`);
    }
  }

  const env = String(locals(mod).function_env ?? '');
  for (const [name, expr] of Object.entries(needs.env)) {
    if (!new RegExp(`\\b${name}\\s*=\\s*${expr}`).test(env)) problems.push(`${mod.name}: local.function_env must set ${name} from ${expr.replace(/\\b/g, '').replace(/\\/g, '')}`);
  }

  const fn = resources(mod, 'google_cloudfunctions2_function').find((r) => r.name === 'this');
  const service = first(fn?.body.service_config);
  const iface = first(first(service?.dynamic)?.direct_vpc_network_interface);
  const vpcList = String(locals(mod).vpc_functions ?? '');
  for (const f of needs.vpcFunctions) {
    const where = fn ? `${rel(tree, fn.file)}: google_cloudfunctions2_function.this["${f}"]` : `${mod.name}: ${f}`;
    const listed = new RegExp(`"${f}"`).test(vpcList);
    if (!iface || !/local\.vpc_functions/.test(String(iface.for_each)) || !listed) {
      problems.push(`${where}: no direct VPC network interface (Argo CD is only on an internal address)`);
    } else if (!/VPC_EGRESS_PRIVATE_RANGES_ONLY|VPC_EGRESS_ALL_TRAFFIC/.test(String(service?.direct_vpc_egress ?? ''))) {
      problems.push(`${where}: direct_vpc_egress is not set`);
    }
  }

  const policies = tree.modules.flatMap((m) => resources(m, 'google_monitoring_alert_policy'));
  for (const metric of needs.alertedMetrics) {
    const watching = policies.filter((p) => ((p.body.conditions as HclJson[] | undefined) ?? [])
      .some((c) => String(dig(c, 'condition_threshold', 'filter') ?? '').includes(`metric.type = \\"${metric}\\"`) || String(dig(c, 'condition_threshold', 'filter') ?? '').includes(`metric.type = "${metric}"`)));
    if (watching.length === 0) problems.push(`no alert policy on ${metric}`);
    else if (!watching.some((p) => /people_channels/.test(JSON.stringify(p.body.notification_channels ?? '')))) problems.push(`the alert policy on ${metric} does not notify people`);
  }
  return problems;
}
