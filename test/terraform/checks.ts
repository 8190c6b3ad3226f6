/**
 * Static checks of the Terraform tree. Each check is a pure function of a parsed tree (and
 * of facts read from the code) that returns a list of problems, each naming the file and
 * what is wrong; an empty list means the check passes. terraform.test.ts runs every check
 * on the real tree and on a deliberately broken fixture.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RemediationExpectation } from './code-facts.ts';
import {
  blocks,
  dig,
  entries,
  evaluate,
  expressions,
  first,
  instances,
  isLiteral,
  locals,
  rel,
  resources,
  stringLeaves,
  type Block,
  type HclJson,
  type TfModule,
  type TfTree,
} from './hcl.ts';
import { parseType, typeErrors } from './types.ts';

const REQUIRED_FILES = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'];

function rootModule(tree: TfTree): TfModule {
  const root = tree.modules.find((m) => m.name === '.');
  if (!root) throw new Error(`${tree.root}: no root module`);
  return root;
}

function references(mod: TfModule, pattern: RegExp): Array<{ file: string; match: RegExpMatchArray }> {
  const out: Array<{ file: string; match: RegExpMatchArray }> = [];
  for (const file of mod.files) {
    for (const leaf of stringLeaves(file.json)) {
      for (const expr of expressions(leaf.value)) {
        for (const match of expr.matchAll(pattern)) out.push({ file: file.path, match });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- structure

/** Every module has main/variables/outputs/versions.tf; child modules a README with input and output tables. */
export function checkModuleLayout(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    const present = new Set(readdirSync(mod.dir));
    for (const f of REQUIRED_FILES) if (!present.has(f)) problems.push(`${mod.name}: missing ${f}`);
    if (mod.name === '.') continue;
    const readmePath = join(mod.dir, 'README.md');
    if (!existsSync(readmePath)) {
      problems.push(`${mod.name}: missing README.md`);
      continue;
    }
    const readme = readFileSync(readmePath, 'utf8');
    for (const section of ['Inputs', 'Outputs']) {
      if (!new RegExp(`^#+\\s*${section}\\b`, 'm').test(readme)) problems.push(`${mod.name}/README.md: no "${section}" section`);
    }
    const rows = new Set([...readme.matchAll(/^\|\s*`?([\w-]+)`?\s*\|/gm)].map((m) => m[1]));
    for (const v of blocks(mod, 'variable')) {
      if (!rows.has(v.name)) problems.push(`${mod.name}/README.md: input "${v.name}" is not in the inputs table`);
    }
    for (const o of blocks(mod, 'output')) {
      if (!rows.has(o.name)) problems.push(`${mod.name}/README.md: output "${o.name}" is not in the outputs table`);
    }
  }
  return problems;
}

/**
 * Every variable has a type and a non-empty description, and a validation block unless it
 * is a bool (the only type with no bad value).
 */
export function checkVariableDeclarations(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    for (const v of blocks(mod, 'variable')) {
      const where = `${rel(tree, v.file)}: variable "${v.name}"`;
      if (typeof v.body.type !== 'string' || v.body.type.trim() === '') problems.push(`${where} has no type`);
      else {
        try {
          parseType(v.body.type);
        } catch (err) {
          problems.push(`${where}: ${(err as Error).message}`);
        }
      }
      if (typeof v.body.description !== 'string' || v.body.description.trim() === '') problems.push(`${where} has no description`);
      if (v.body.type !== '${bool}' && !v.body.validation) problems.push(`${where} can take a bad value but has no validation block`);
    }
  }
  return problems;
}

/** Every var.x referenced in a module is declared in that module. */
export function checkVariableReferences(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    const declared = new Set(blocks(mod, 'variable').map((v) => v.name));
    for (const ref of references(mod, /(?<![\w.])var\.([A-Za-z_][\w-]*)/g)) {
      if (!declared.has(ref.match[1])) problems.push(`${rel(tree, ref.file)}: var.${ref.match[1]} is referenced but not declared in ${mod.name}`);
    }
  }
  return dedupe(problems);
}

/** Every module source is a local directory holding .tf files (or a pinned registry/git source). */
export function checkModuleSources(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    for (const call of blocks(mod, 'module')) {
      const source = call.body.source as unknown;
      const where = `${rel(tree, call.file)}: module "${call.name}"`;
      if (typeof source !== 'string' || source === '') {
        problems.push(`${where} has no source`);
        continue;
      }
      if (!source.startsWith('./') && !source.startsWith('../')) {
        if (!call.body.version && !/\?ref=/.test(source)) problems.push(`${where}: remote source "${source}" is not pinned to a version`);
        continue;
      }
      const dir = resolve(mod.dir, source);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) problems.push(`${where}: source "${source}" does not exist`);
      else if (!readdirSync(dir).some((f) => f.endsWith('.tf'))) problems.push(`${where}: source "${source}" holds no .tf file`);
    }
  }
  return problems;
}

function childModule(tree: TfTree, parent: TfModule, call: Block): TfModule | undefined {
  const source = call.body.source as unknown;
  if (typeof source !== 'string') return undefined;
  const dir = resolve(parent.dir, source);
  return tree.modules.find((m) => m.dir === dir);
}

/**
 * Every module.x.y referenced exists as an output of module x; every argument passed to a
 * module is one of its variables, and every variable without a default is passed.
 */
export function checkModuleInterfaces(tree: TfTree): string[] {
  const problems: string[] = [];
  const meta = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
  for (const mod of tree.modules) {
    const calls = new Map(blocks(mod, 'module').map((c) => [c.name, c]));
    for (const ref of references(mod, /(?<![\w.])module\.([\w-]+)(?:\[[^\]]*\])?\.([\w-]+)/g)) {
      const [, name, output] = ref.match;
      const call = calls.get(name);
      const where = `${rel(tree, ref.file)}: module.${name}.${output}`;
      if (!call) {
        problems.push(`${where}: no module "${name}" in ${mod.name}`);
        continue;
      }
      const child = childModule(tree, mod, call);
      if (!child) continue;
      if (!blocks(child, 'output').some((o) => o.name === output)) problems.push(`${where}: ${child.name} has no output "${output}"`);
    }
    for (const call of calls.values()) {
      const child = childModule(tree, mod, call);
      if (!child) continue;
      const vars = new Map(blocks(child, 'variable').map((v) => [v.name, v]));
      for (const arg of Object.keys(call.body)) {
        if (!meta.has(arg) && !vars.has(arg)) problems.push(`${rel(tree, call.file)}: module "${call.name}" passes "${arg}", which ${child.name} does not declare`);
      }
      for (const v of vars.values()) {
        if (!('default' in v.body) && !(v.name in call.body)) problems.push(`${rel(tree, call.file)}: module "${call.name}" does not pass required variable "${v.name}"`);
      }
    }
  }
  return dedupe(problems);
}

/**
 * The Terraform features a module uses, with the first Terraform version that has each:
 * a validation that refers to another variable (1.9), ephemeral resources (1.10) and
 * write-only arguments (1.11).
 */
function requiredFeatures(mod: TfModule): Array<{ feature: string; version: [number, number] }> {
  const out: Array<{ feature: string; version: [number, number] }> = [];
  for (const v of blocks(mod, 'variable')) {
    for (const validation of (v.body.validation as HclJson[] | undefined) ?? []) {
      const text = JSON.stringify(validation.condition ?? '');
      const others = [...text.matchAll(/var\.([A-Za-z_][\w-]*)/g)].map((m) => m[1]).filter((n) => n !== v.name);
      if (others.length > 0) out.push({ feature: `variable "${v.name}" validates against var.${others[0]}`, version: [1, 9] });
    }
  }
  for (const file of mod.files) {
    if (file.json.ephemeral) out.push({ feature: `${basename(file.path)} declares an ephemeral resource`, version: [1, 10] });
    if (/\b\w+_wo\s*=/.test(file.text)) out.push({ feature: `${basename(file.path)} sets a write-only argument`, version: [1, 11] });
  }
  return out;
}

/**
 * required_version is ">= X.Y" and at least what the module's features need; google and
 * google-beta (and every other hashicorp provider in use) pinned as ">= X, < X+1".
 */
export function checkVersionPins(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    const tf = mod.files.flatMap((f) => ((f.json.terraform as HclJson[] | undefined) ?? []).map((t) => ({ file: f.path, t })));
    if (tf.length === 0) {
      problems.push(`${mod.name}: no terraform block`);
      continue;
    }
    const required = tf.map((x) => x.t.required_version).find((v) => v !== undefined);
    const rv = typeof required === 'string' ? /^>=\s*(\d+)\.(\d+)(?:\.\d+)?$/.exec(required) : null;
    if (!rv) problems.push(`${mod.name}: required_version is ${JSON.stringify(required)}, expected ">= X.Y"`);
    else {
      const have: [number, number] = [Number(rv[1]), Number(rv[2])];
      for (const f of requiredFeatures(mod)) {
        if (have[0] < f.version[0] || (have[0] === f.version[0] && have[1] < f.version[1])) {
          problems.push(`${mod.name}: required_version ${required} is too low: ${f.feature}, which needs Terraform >= ${f.version.join('.')}`);
        }
      }
    }
    const providers: HclJson = Object.assign({}, ...tf.flatMap((x) => (x.t.required_providers as HclJson[] | undefined) ?? []));
    const used = new Set(mod.files.flatMap((f) => [
      ...Object.keys((f.json.resource as HclJson | undefined) ?? {}),
      ...Object.keys((f.json.data as HclJson | undefined) ?? {}),
      ...Object.keys((f.json.ephemeral as HclJson | undefined) ?? {}),
    ]).map((t) => t.split('_')[0]));
    const usesBeta = mod.files.some((f) => /provider\s*=\s*google-beta/.test(f.text));
    const needed = [...used].filter((p) => ['google', 'helm', 'random'].includes(p)).concat(usesBeta ? ['google-beta'] : []);
    for (const name of needed) {
      const spec = providers[name] as HclJson | undefined;
      if (!spec) {
        problems.push(`${mod.name}: provider "${name}" is used but not in required_providers`);
        continue;
      }
      if (spec.source !== `hashicorp/${name}`) problems.push(`${mod.name}: provider "${name}" source is ${JSON.stringify(spec.source)}`);
      const m = /^>=\s*(\d+)(?:\.\d+)*,\s*<\s*(\d+)(?:\.0)*$/.exec(String(spec.version ?? ''));
      if (!m || Number(m[2]) !== Number(m[1]) + 1) problems.push(`${mod.name}: provider "${name}" version ${JSON.stringify(spec.version)} is not ">= X, < X+1"`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- security invariants

function allFiles(tree: TfTree): Array<{ path: string; json: HclJson; text: string }> {
  return [...tree.modules.flatMap((m) => m.files), ...tree.tfvars.values()];
}

/** No roles/owner, roles/editor or roles/viewer anywhere (bindings, role lists, defaults, tfvars). */
export function checkNoPrimitiveRoles(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const file of allFiles(tree)) {
    for (const leaf of stringLeaves(file.json)) {
      if (/(^|[^\w/])roles\/(owner|editor|viewer)(?![\w.])/.test(leaf.value) && !leaf.path.includes('validation')) {
        problems.push(`${rel(tree, file.path)}: ${leaf.path} grants a primitive role (${leaf.value})`);
      }
    }
  }
  return problems;
}

/** No allUsers / allAuthenticatedUsers member anywhere. */
export function checkNoPublicPrincipals(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const file of allFiles(tree)) {
    for (const leaf of stringLeaves(file.json)) {
      if (/\ball(Authenticated)?Users\b/.test(leaf.value)) problems.push(`${rel(tree, file.path)}: ${leaf.path} names a public principal (${leaf.value})`);
    }
  }
  return problems;
}

/** Cloud SQL: private IP only (ipv4_enabled = false, a private network, no authorized networks) and ENCRYPTED_ONLY. */
export function checkCloudSqlPrivate(tree: TfTree): string[] {
  const problems: string[] = [];
  let count = 0;
  for (const mod of tree.modules) {
    for (const sql of resources(mod, 'google_sql_database_instance')) {
      count++;
      const where = `${rel(tree, sql.file)}: google_sql_database_instance.${sql.name}`;
      const ip = first(dig(sql.body, 'settings', 'ip_configuration'));
      if (!ip) {
        problems.push(`${where} has no settings.ip_configuration (public IP is the default)`);
        continue;
      }
      if (ip.ipv4_enabled !== false) problems.push(`${where}: ip_configuration.ipv4_enabled must be false (is ${JSON.stringify(ip.ipv4_enabled)})`);
      if (!ip.private_network) problems.push(`${where}: ip_configuration.private_network is not set`);
      if (ip.authorized_networks) problems.push(`${where}: ip_configuration.authorized_networks opens the instance`);
      if (ip.ssl_mode !== 'ENCRYPTED_ONLY') problems.push(`${where}: ip_configuration.ssl_mode must be "ENCRYPTED_ONLY" (is ${JSON.stringify(ip.ssl_mode)})`);
      const backup = first(dig(sql.body, 'settings', 'backup_configuration'));
      // A read replica has no backups of its own; its primary's are checked.
      if (sql.body.master_instance_name === undefined && (!backup || backup.enabled !== true || backup.binary_log_enabled !== true)) {
        problems.push(`${where}: backups with binary logging (point-in-time recovery) must be enabled`);
      }
      if (sql.body.deletion_protection === false) problems.push(`${where}: deletion_protection is disabled`);
    }
  }
  if (count === 0) problems.push('no google_sql_database_instance found');
  return problems;
}

/**
 * GKE: private nodes, Workload Identity, Autopilot unless a variable chooses Standard, and in
 * Standard mode node pools that hide the node metadata and run as a dedicated account.
 */
export function checkGkePrivateNodes(tree: TfTree): string[] {
  const problems: string[] = [];
  let count = 0;
  for (const mod of tree.modules) {
    for (const c of resources(mod, 'google_container_cluster')) {
      count++;
      const where = `${rel(tree, c.file)}: google_container_cluster.${c.name}`;
      if (dig(c.body, 'private_cluster_config', 'enable_private_nodes') !== true) problems.push(`${where}: private_cluster_config.enable_private_nodes must be true`);
      if (!dig(c.body, 'workload_identity_config', 'workload_pool')) problems.push(`${where}: workload_identity_config.workload_pool is not set`);
      const autopilot = c.body.enable_autopilot as unknown;
      if (autopilot !== true && !(typeof autopilot === 'string' && /var\.|local\./.test(autopilot))) {
        problems.push(`${where}: enable_autopilot must be true or chosen by a variable (Autopilot is the default)`);
      }
    }
    for (const p of resources(mod, 'google_container_node_pool')) {
      const where = `${rel(tree, p.file)}: google_container_node_pool.${p.name}`;
      if (dig(p.body, 'network_config', 'enable_private_nodes') === false) problems.push(`${where} has public nodes`);
      if (dig(p.body, 'node_config', 'workload_metadata_config', 'mode') !== 'GKE_METADATA') problems.push(`${where}: node_config.workload_metadata_config.mode must be GKE_METADATA (Workload Identity)`);
      const sa = dig(p.body, 'node_config', 'service_account');
      if (typeof sa !== 'string' || !/google_service_account\./.test(sa)) problems.push(`${where}: node_config.service_account must be a dedicated service account, not the default compute account`);
    }
  }
  if (count === 0) problems.push('no google_container_cluster found');
  return problems;
}

/**
 * CMEK where the seed asks and the reviewer found it missing: Cloud SQL (and replicas), every
 * bucket, the registry, every secret, every Pub/Sub topic, GKE application-layer secrets;
 * every KMS key rotates.
 */
export function checkEncryptionAtRest(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    const w = (r: Block & { type: string }) => `${rel(tree, r.file)}: ${r.type}.${r.name}`;
    for (const key of resources(mod, 'google_kms_crypto_key')) {
      if (!key.body.rotation_period) problems.push(`${w(key)} has no rotation_period`);
    }
    for (const sql of resources(mod, 'google_sql_database_instance')) {
      if (!sql.body.encryption_key_name) problems.push(`${w(sql)} is not encrypted with a customer-managed key`);
    }
    for (const b of resources(mod, 'google_storage_bucket')) {
      if (!dig(b.body, 'encryption', 'default_kms_key_name')) problems.push(`${w(b)} has no CMEK default key`);
    }
    for (const r of resources(mod, 'google_artifact_registry_repository')) {
      if (!r.body.kms_key_name) problems.push(`${w(r)} has no kms_key_name`);
    }
    for (const t of resources(mod, 'google_pubsub_topic')) {
      if (!t.body.kms_key_name) problems.push(`${w(t)} has no kms_key_name`);
    }
    for (const sec of resources(mod, 'google_secret_manager_secret')) {
      const replicas = dig(sec.body, 'replication', 'user_managed', 'replicas');
      const list = Array.isArray(replicas) ? replicas : replicas ? [replicas] : [];
      const encrypted = list.length > 0 && list.every((r: HclJson) => first(r.customer_managed_encryption)?.kms_key_name || (r.dynamic && JSON.stringify(r.dynamic).includes('customer_managed_encryption')));
      if (!encrypted) problems.push(`${w(sec)}: every replica needs customer_managed_encryption`);
    }
    for (const c of resources(mod, 'google_container_cluster')) {
      const de = first(c.body.database_encryption);
      if (!de || de.state !== 'ENCRYPTED' || !de.key_name) problems.push(`${w(c)}: database_encryption must be ENCRYPTED with a key_name (CMEK for Kubernetes Secrets)`);
    }
  }
  return problems;
}

const SECRET_KEY = /(^|_)(password|passwd|secret|token|api_?key|private_key|credentials?|secret_data|client_secret)$/i;
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
  [/AIza[0-9A-Za-z_-]{35}/, 'a Google API key'],
  [/"type"\s*:\s*"service_account"/, 'a service account key file'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, 'a GitHub token'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key'],
];

/** No literal secret value in any .tf or .tfvars file (secrets are generated or live in Secret Manager). */
export function checkNoSecretValues(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const file of allFiles(tree)) {
    const where = rel(tree, file.path);
    for (const [pattern, what] of SECRET_TEXT) if (pattern.test(file.text)) problems.push(`${where}: contains ${what}`);
    for (const e of entries(file.json)) {
      if (SECRET_KEY.test(e.key) && typeof e.value === 'string' && e.value !== '' && isLiteral(e.value)) {
        problems.push(`${where}: ${e.path} is set to a literal value`);
      }
    }
    for (const [name, bodies] of Object.entries((file.json.variable as Record<string, HclJson[]> | undefined) ?? {})) {
      const dflt = bodies[0]?.default as unknown;
      if (SECRET_KEY.test(name) && typeof dflt === 'string' && dflt !== '') problems.push(`${where}: variable "${name}" has a literal default`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- consistency with the code

interface NamedInstance {
  resource: Block;
  module: TfModule;
  key?: string;
  name: string | undefined;
}

function resolvedNames(tree: TfTree, type: string, attribute: string[]): NamedInstance[] {
  const out: NamedInstance[] = [];
  for (const mod of tree.modules) {
    const scopeLocals = locals(mod);
    for (const res of resources(mod, type)) {
      const each = instances(res, mod);
      const expr = attribute.length === 1 ? res.body[attribute[0]] : dig(res.body, ...attribute);
      if (each === undefined) {
        out.push({ resource: res, module: mod, name: undefined });
      } else if (each === null) {
        out.push({ resource: res, module: mod, name: evaluate(expr, { locals: scopeLocals, moduleDir: mod.dir }) });
      } else {
        for (const e of each) out.push({ resource: res, module: mod, key: e.key, name: evaluate(expr, { each: e, locals: scopeLocals, moduleDir: mod.dir }) });
      }
    }
  }
  return out;
}

/** The topics Terraform creates are exactly the topics the TypeScript declares (dead-letter topics included). */
export function checkTopics(tree: TfTree, codeTopics: string[]): string[] {
  const problems: string[] = [];
  const deployed = new Set<string>();
  for (const t of resolvedNames(tree, 'google_pubsub_topic', ['name'])) {
    if (t.name === undefined) problems.push(`${rel(tree, t.resource.file)}: google_pubsub_topic.${t.resource.name}: name cannot be resolved statically`);
    else deployed.add(t.name);
  }
  for (const name of codeTopics) if (!deployed.has(name)) problems.push(`topic "${name}" is declared in shared/events/topics.ts but not created by Terraform`);
  for (const name of deployed) if (!codeTopics.includes(name)) problems.push(`topic "${name}" is created by Terraform but not declared in shared/events/topics.ts`);
  return problems;
}

/** The entry points of every google_cloudfunctions2_function that resolve statically. */
export function deployedEntryPoints(tree: TfTree): string[] {
  return resolvedNames(tree, 'google_cloudfunctions2_function', ['build_config', 'entry_point']).flatMap((f) => (f.name === undefined ? [] : [f.name]));
}

/** Every function's entry point is a target the code registers; every flow of the code is deployed. */
export function checkFunctionEntryPoints(tree: TfTree, registered: string[], codeFlows: string[]): string[] {
  const problems: string[] = [];
  const deployed = resolvedNames(tree, 'google_cloudfunctions2_function', ['build_config', 'entry_point']);
  if (deployed.length === 0) problems.push('no google_cloudfunctions2_function found');
  for (const fn of deployed) {
    const where = `${rel(tree, fn.resource.file)}: google_cloudfunctions2_function.${fn.resource.name}${fn.key ? `["${fn.key}"]` : ''}`;
    if (fn.name === undefined) problems.push(`${where}: entry_point cannot be resolved statically`);
    else if (!registered.includes(fn.name)) problems.push(`${where}: entry point "${fn.name}" is not registered by functions/ (registered: ${registered.join(', ') || 'none'})`);
  }
  const entryPoints = new Set(deployed.map((d) => d.name));
  for (const flow of codeFlows) if (!entryPoints.has(flow)) problems.push(`function target "${flow}" (shared/flows/definitions.ts) is not deployed`);
  return problems;
}

/** Node 20/22 runtime, min instances 0, internal-only ingress, a dedicated service account, and a source object named by its hash. */
export function checkFunctionRuntime(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    const objects = new Map(resources(mod, 'google_storage_bucket_object').map((o) => [o.name, o]));
    const accountsSeen = new Map<string, string>();
    for (const fn of resources(mod, 'google_cloudfunctions2_function')) {
      const where = `${rel(tree, fn.file)}: google_cloudfunctions2_function.${fn.name}`;
      const runtime = dig(fn.body, 'build_config', 'runtime');
      if (runtime !== 'nodejs20' && runtime !== 'nodejs22') problems.push(`${where}: runtime ${JSON.stringify(runtime)} is not nodejs20/nodejs22`);
      if (dig(fn.body, 'service_config', 'min_instance_count') !== 0) problems.push(`${where}: service_config.min_instance_count must be 0`);
      if (dig(fn.body, 'service_config', 'ingress_settings') !== 'ALLOW_INTERNAL_ONLY') problems.push(`${where}: service_config.ingress_settings must be ALLOW_INTERNAL_ONLY`);
      const sa = dig(fn.body, 'service_config', 'service_account_email');
      if (typeof sa !== 'string' || !/google_service_account\.[\w-]+/.test(sa)) {
        problems.push(`${where}: service_config.service_account_email must name a service account created for it`);
      } else if (fn.body.for_each !== undefined && !/google_service_account\.[\w-]+\[each\.key\]/.test(sa)) {
        problems.push(`${where}: every instance must get its own service account (google_service_account.x[each.key])`);
      } else if (fn.body.for_each === undefined) {
        const other = accountsSeen.get(sa);
        if (other) problems.push(`${where}: shares its service account with ${other}`);
        accountsSeen.set(sa, fn.name);
      }
      const object = dig(fn.body, 'build_config', 'source', 'storage_source', 'object');
      const objRef = typeof object === 'string' ? /google_storage_bucket_object\.([\w-]+)\.name/.exec(object) : null;
      const obj = objRef ? objects.get(objRef[1]) : undefined;
      if (!obj) problems.push(`${where}: source must be a google_storage_bucket_object of this module`);
      else if (typeof obj.body.name !== 'string' || !/(filesha256|filemd5|filebase64sha256)\(/.test(obj.body.name)) {
        problems.push(`${rel(tree, obj.file)}: google_storage_bucket_object.${obj.name}: name must include the archive hash so a new build redeploys`);
      }
    }
  }
  return problems;
}

/**
 * Delivery: every topic keeps messages for a retention, every dead-letter topic has a
 * subscription, and every function trigger retries and dead-letters after a configurable
 * number of attempts.
 */
export function checkDeliveryPolicies(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    const subs = resources(mod, 'google_pubsub_subscription');
    for (const topic of resources(mod, 'google_pubsub_topic')) {
      const where = `${rel(tree, topic.file)}: google_pubsub_topic.${topic.name}`;
      if (!topic.body.message_retention_duration) problems.push(`${where} has no message_retention_duration`);
      const isDlq = typeof topic.body.name === 'string' && /-dlq\}?$|dead_letter_suffix\}$/.test(topic.body.name);
      const subscribed = subs.some((s) => {
        const ref = s.body.topic as unknown;
        return typeof ref === 'string' && (ref.includes(`google_pubsub_topic.${topic.name}[`) || ref.includes(`google_pubsub_topic.${topic.name}.`));
      });
      if (isDlq && !subscribed) {
        problems.push(`${where}: dead-letter topic has no subscription, so dead letters would be lost`);
      }
    }
    for (const fn of resources(mod, 'google_cloudfunctions2_function')) {
      const where = `${rel(tree, fn.file)}: google_cloudfunctions2_function.${fn.name}`;
      const trigger = first(fn.body.event_trigger);
      const push = subs.filter((s) => JSON.stringify(dig(s.body, 'push_config', 'push_endpoint') ?? '').includes(`google_cloudfunctions2_function.${fn.name}`));
      if (!trigger && push.length === 0) problems.push(`${where}: has neither an event_trigger nor a push subscription`);
      if (trigger && trigger.retry_policy !== 'RETRY_POLICY_RETRY') problems.push(`${where}: event_trigger.retry_policy must be RETRY_POLICY_RETRY`);
      for (const s of push) {
        const sw = `${rel(tree, s.file)}: google_pubsub_subscription.${s.name}`;
        if (!first(s.body.retry_policy)) problems.push(`${sw}: trigger subscription has no retry_policy`);
        const dlp = first(s.body.dead_letter_policy);
        if (!dlp) problems.push(`${sw}: trigger subscription has no dead_letter_policy`);
        else if (typeof dlp.max_delivery_attempts !== 'string' || !/^\$\{var\.[\w-]+\}$/.test(dlp.max_delivery_attempts)) {
          problems.push(`${sw}: dead_letter_policy.max_delivery_attempts must come from a variable`);
        }
        if (!first(dig(s.body, 'push_config', 'oidc_token'))) problems.push(`${sw}: push to an internal function needs an oidc_token`);
      }
    }
  }
  return problems;
}

/** Scheduler jobs publish to the topics of the scheduled flows (backups, cost reports). */
export function checkSchedulerJobs(tree: TfTree, scheduledTopics: string[]): string[] {
  const topicsByRef = new Map<string, string>();
  for (const t of resolvedNames(tree, 'google_pubsub_topic', ['name'])) {
    if (t.name) topicsByRef.set(`${t.module.dir}|${t.resource.name}|${t.key ?? ''}`, t.name);
  }
  const targeted = new Set<string>();
  for (const mod of tree.modules) {
    const scopeLocals = locals(mod);
    for (const job of resources(mod, 'google_cloud_scheduler_job')) {
      for (const e of instances(job, mod) ?? [undefined]) {
        const ref = dig(job.body, 'pubsub_target', 'topic_name');
        const m = typeof ref === 'string' ? /google_pubsub_topic\.([\w-]+)(?:\[(.+?)\])?\.(?:id|name)/.exec(ref) : null;
        if (!m) continue;
        const index = m[2]?.trim();
        const quoted = index ? /^"(.*)"$/.exec(index) : null;
        const key = !index ? '' : quoted ? quoted[1] : evaluate(`\${${index}}`, { each: e, locals: scopeLocals, moduleDir: mod.dir });
        const name = topicsByRef.get(`${mod.dir}|${m[1]}|${key}`);
        if (name) targeted.add(name);
      }
    }
  }
  return scheduledTopics.filter((t) => !targeted.has(t)).map((t) => `no Cloud Scheduler job publishes to topic "${t}"`);
}

/** Every workflows/*.yaml is deployed with file() (never templated), and every deployed file exists. */
export function checkWorkflowsDeployed(tree: TfTree, workflowsDir: string, files: string[]): string[] {
  const problems: string[] = [];
  const deployed = new Set<string>();
  for (const mod of tree.modules) {
    const scopeLocals = locals(mod);
    for (const wf of resources(mod, 'google_workflows_workflow')) {
      const where = `${rel(tree, wf.file)}: google_workflows_workflow.${wf.name}`;
      const src = wf.body.source_contents as unknown;
      const m = typeof src === 'string' ? /^\$\{file\("(.*)"\)\}$/s.exec(src) : null;
      if (!m) {
        problems.push(`${where}: source_contents must be file("…/workflows/<name>.yaml") (no templatefile, no inline YAML)`);
        continue;
      }
      const glob = filesetGlob(scopeLocals, wf);
      if (glob) {
        // for_each over fileset(): every file of the directory matching the glob is deployed.
        const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
        for (const f of files.filter((x) => re.test(x))) deployed.add(f);
        continue;
      }
      const each = instances(wf, mod);
      if (each === undefined) {
        problems.push(`${where}: for_each cannot be resolved statically`);
        continue;
      }
      for (const e of each ?? [undefined]) {
        const path = evaluate(m[1], { each: e, locals: scopeLocals, moduleDir: mod.dir });
        if (path === undefined) {
          problems.push(`${where}: file path cannot be resolved statically`);
          continue;
        }
        const abs = resolve(mod.dir, path);
        if (resolve(abs, '..') !== resolve(workflowsDir)) problems.push(`${where}: deploys ${abs}, which is not in ${workflowsDir}`);
        else if (!files.includes(basename(abs))) problems.push(`${where}: deploys workflows/${basename(abs)}, which does not exist`);
        deployed.add(basename(abs));
      }
    }
  }
  for (const f of files) if (!deployed.has(f)) problems.push(`workflows/${f} is not deployed by any google_workflows_workflow`);
  return problems;
}

/** The glob of `for_each = local.x` when local.x is built from fileset(local.workflows_dir, "<glob>"). */
function filesetGlob(scopeLocals: HclJson, wf: Block): string | undefined {
  const m = typeof wf.body.for_each === 'string' ? /^\$\{local\.([\w-]+)\}$/.exec(wf.body.for_each) : null;
  const value = m ? scopeLocals[m[1]] : undefined;
  if (typeof value !== 'string') return undefined;
  const g = /fileset\(local\.workflows_dir,\s*"([^"]+)"\)/.exec(value);
  return g ? g[1] : undefined;
}

/** The example alert policies carry the labels the default remediation rules match on, and no other remediation. */
export function checkRemediationLabels(tree: TfTree, expectations: RemediationExpectation[]): string[] {
  const problems: string[] = [];
  const policies = tree.modules.flatMap((m) => resources(m, 'google_monitoring_alert_policy').map((p) => ({ p, mod: m })));
  const byRemediation = new Map<string, Array<{ where: string; labels: HclJson }>>();
  for (const { p } of policies) {
    const labels = (p.body.user_labels as HclJson | undefined) ?? {};
    const where = `${rel(tree, p.file)}: google_monitoring_alert_policy.${p.name}`;
    const notify = p.body.notification_channels as unknown;
    if (!notify) problems.push(`${where}: has no notification_channels, so no incident reaches the control plane`);
    if (typeof labels.remediation !== 'string') continue;
    const list = byRemediation.get(labels.remediation) ?? [];
    list.push({ where, labels });
    byRemediation.set(labels.remediation, list);
    if (!expectations.some((e) => e.remediation === labels.remediation)) {
      problems.push(`${where}: remediation "${labels.remediation}" matches no default remediation rule`);
    }
  }
  for (const exp of expectations) {
    const candidates = byRemediation.get(exp.remediation) ?? [];
    if (candidates.length === 0) {
      problems.push(`no alert policy is labelled remediation = "${exp.remediation}" (rule from ${exp.source})`);
      continue;
    }
    for (const { where, labels } of candidates) {
      for (const key of exp.labelKeys) {
        if (!(key in labels)) problems.push(`${where}: label "${key}" required by the ${exp.remediation} rule is missing`);
      }
      for (const [key, value] of Object.entries(exp.fixedLabels)) {
        if (isLiteral(labels[key]) && String(labels[key]) !== value) {
          problems.push(`${where}: label ${key} = ${JSON.stringify(labels[key])}, the ${exp.remediation} rule expects ${JSON.stringify(value)}`);
        }
      }
      for (const [key, values] of Object.entries(exp.allowedLabels)) {
        if (isLiteral(labels[key]) && !values.includes(String(labels[key]))) {
          problems.push(`${where}: label ${key} = ${JSON.stringify(labels[key])}, the ${exp.remediation} rule accepts only ${values.join(', ')}`);
        }
      }
      for (const [key, pattern] of Object.entries(exp.labelPatterns)) {
        if (isLiteral(labels[key]) && !new RegExp(pattern).test(String(labels[key]))) {
          problems.push(`${where}: label ${key} = ${JSON.stringify(labels[key])} does not match the ${exp.remediation} rule's /${pattern}/`);
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- environments

function rootVariables(tree: TfTree): Map<string, Block> {
  return new Map(blocks(rootModule(tree), 'variable').map((v) => [v.name, v]));
}

/** Both tfvars set only declared variables, with values of the declared types, and every variable without a default. */
export function checkTfvarsTypes(tree: TfTree): string[] {
  const problems: string[] = [];
  const vars = rootVariables(tree);
  if (tree.tfvars.size === 0) problems.push('no environments/*.tfvars found');
  for (const [env, file] of tree.tfvars) {
    const where = rel(tree, file.path);
    for (const [key, value] of Object.entries(file.json)) {
      const v = vars.get(key);
      if (!v) {
        problems.push(`${where}: "${key}" is not a declared variable`);
        continue;
      }
      try {
        problems.push(...typeErrors(value, parseType(String(v.body.type)), `${where}: ${key}`));
      } catch (err) {
        problems.push(`${where}: ${key}: ${(err as Error).message}`);
      }
    }
    for (const v of vars.values()) {
      if (!('default' in v.body) && !(v.name in file.json)) problems.push(`${where}: required variable "${v.name}" is not set for ${env}`);
    }
  }
  return problems;
}

/**
 * The tfvars values satisfy the variables' validation conditions (as written again in
 * TypeScript in validations.ts), and the table covers exactly the variables with validation.
 */
export function checkTfvarsValidations(
  tree: TfTree,
  validators: Record<string, (v: unknown, all: Record<string, unknown>) => boolean>,
  cross: Array<{ name: string; holds: (values: Record<string, unknown>) => boolean }>,
): string[] {
  const problems: string[] = [];
  const vars = rootVariables(tree);
  const validated = [...vars.values()].filter((v) => v.body.validation);
  for (const v of validated) {
    if (!validators[v.name]) problems.push(`variable "${v.name}" has a validation block but no TypeScript twin in test/terraform/validations.ts`);
  }
  for (const name of Object.keys(validators)) {
    if (!validated.some((v) => v.name === name)) problems.push(`validations.ts checks "${name}", which has no validation block in the root module`);
  }
  for (const [, file] of tree.tfvars) {
    const where = rel(tree, file.path);
    const effective: Record<string, unknown> = {};
    for (const v of vars.values()) if ('default' in v.body && isLiteralValue(v.body.default)) effective[v.name] = v.body.default;
    Object.assign(effective, file.json);
    for (const [name, check] of Object.entries(validators)) {
      if (!(name in effective)) continue;
      if (!check(effective[name], effective)) {
        const source = name in file.json ? where : `default of ${name}`;
        problems.push(`${source}: ${name} = ${JSON.stringify(effective[name])} fails its validation: ${errorMessage(vars.get(name))}`);
      }
    }
    for (const c of cross) if (!c.holds(effective)) problems.push(`${where}: ${c.name}`);
  }
  return problems;
}

function isLiteralValue(v: unknown): boolean {
  return [...stringLeaves(v)].every((l) => !l.value.includes('${'));
}

function errorMessage(v: Block | undefined): string {
  const validation = first(v?.body.validation);
  return typeof validation?.error_message === 'string' ? validation.error_message : 'no error_message';
}

/**
 * dev and prod differ only through tfvars: both set the same variables, the root module has
 * no environment-specific literal or terraform.workspace, and no module branches on the
 * environment name.
 */
export function checkEnvironmentParity(tree: TfTree): string[] {
  const problems: string[] = [];
  const envs = [...tree.tfvars.keys()];
  if (envs.length < 2) problems.push(`expected at least two environments, found ${envs.join(', ') || 'none'}`);
  const keySets = envs.map((e) => new Set(Object.keys(tree.tfvars.get(e)!.json)));
  for (let i = 1; i < envs.length; i++) {
    const onlyA = [...keySets[0]].filter((k) => !keySets[i].has(k));
    const onlyB = [...keySets[i]].filter((k) => !keySets[0].has(k));
    if (onlyA.length > 0 || onlyB.length > 0) {
      problems.push(`${envs[0]}.tfvars and ${envs[i]}.tfvars set different variables (only ${envs[0]}: ${onlyA.join(', ') || '-'}; only ${envs[i]}: ${onlyB.join(', ') || '-'})`);
    }
  }
  const envValues = new Set(envs.flatMap((e) => [e, String(tree.tfvars.get(e)!.json.environment ?? e)]));
  const root = rootModule(tree);
  for (const file of root.files) {
    for (const leaf of stringLeaves(file.json)) {
      if (leaf.path.startsWith('variable.')) continue;
      for (const env of envValues) {
        if (leaf.value === env || leaf.value.includes(`"${env}"`)) problems.push(`${rel(tree, file.path)}: ${leaf.path} holds the environment-specific literal "${env}"`);
      }
    }
  }
  for (const mod of tree.modules) {
    for (const file of mod.files) {
      for (const leaf of stringLeaves(file.json)) {
        if (leaf.value.includes('terraform.workspace')) problems.push(`${rel(tree, file.path)}: ${leaf.path} depends on terraform.workspace`);
        if (!leaf.path.startsWith('variable.') && /var\.environment\s*[!=]=/.test(leaf.value)) {
          problems.push(`${rel(tree, file.path)}: ${leaf.path} branches on the environment name instead of a variable`);
        }
      }
    }
  }
  return dedupe(problems);
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * Every Cloud Scheduler payload (locals.scheduler_jobs[*].payload, plus the `job` and
 * `instance` the resource merges in) decodes with the message schema its function uses.
 */
export function checkSchedulerPayloads(
  tree: TfTree,
  decode: (payload: Record<string, unknown>) => string[],
): string[] {
  const problems: string[] = [];
  let seen = 0;
  for (const mod of tree.modules) {
    const jobs = locals(mod).scheduler_jobs as Record<string, { payload?: Record<string, unknown> }> | undefined;
    if (!jobs || typeof jobs !== 'object') continue;
    for (const [name, job] of Object.entries(jobs)) {
      seen++;
      if (!job.payload || typeof job.payload !== 'object') {
        problems.push(`${mod.name}: scheduler job "${name}" has no literal payload`);
        continue;
      }
      const message = { ...job.payload, job: name, ...(job.payload.kind === 'BackupJob' ? { instance: 'zenml-metadata' } : {}) };
      for (const issue of decode(message)) problems.push(`${mod.name}: scheduler job "${name}": ${issue}`);
    }
  }
  if (seen === 0) problems.push('no module declares locals.scheduler_jobs');
  return problems;
}

/**
 * Each follow tick (a flow whose runs hand work to a workflow execution and are ended by a
 * scheduled pass) is published every minute to its flow's topic: without it those runs stay
 * `executing` in production, however long ago their execution ended.
 */
export function checkFollowTicks(tree: TfTree, ticks: ReadonlyArray<{ kind: string; topic: string }>): string[] {
  const found: Array<{ kind: unknown; topic: unknown; schedule: unknown; name: string }> = [];
  for (const mod of tree.modules) {
    const jobs = locals(mod).scheduler_jobs as Record<string, { topic?: unknown; schedule?: unknown; payload?: { kind?: unknown } }> | undefined;
    if (!jobs || typeof jobs !== 'object') continue;
    for (const [name, job] of Object.entries(jobs)) found.push({ name, kind: job.payload?.kind, topic: job.topic, schedule: job.schedule });
  }
  const problems: string[] = [];
  for (const tick of ticks) {
    const jobs = found.filter((j) => j.kind === tick.kind);
    if (jobs.length === 0) {
      problems.push(`no Cloud Scheduler job publishes the ${tick.kind} follow tick`);
      continue;
    }
    for (const j of jobs) {
      if (j.topic !== tick.topic) problems.push(`scheduler job "${j.name}": ${tick.kind} must go to topic key "${tick.topic}", not ${JSON.stringify(j.topic)}`);
      if (j.schedule !== '* * * * *') problems.push(`scheduler job "${j.name}": ${tick.kind} must run every minute ("* * * * *"), not ${JSON.stringify(j.schedule)}`);
    }
  }
  return problems;
}

export interface DeclaredFlow {
  flow: string;
  topic: string;
  entryPoint: string;
}

/**
 * Each flow of shared/flows/definitions.ts is deployed whole: its topic, a function with its entry
 * point, a push subscription on that topic into that function, and the function's own service account.
 */
export function checkFlowsDeployed(tree: TfTree, flows: DeclaredFlow[]): string[] {
  const problems: string[] = [];
  const topics = new Set(resolvedNames(tree, 'google_pubsub_topic', ['name']).map((t) => t.name));
  const functions = resolvedNames(tree, 'google_cloudfunctions2_function', ['build_config', 'entry_point']);
  const subscriptions = resolvedNames(tree, 'google_pubsub_subscription', ['name']);
  const accounts = resolvedNames(tree, 'google_service_account', ['account_id']);
  for (const flow of flows) {
    const what = `flow "${flow.flow}"`;
    if (!topics.has(flow.topic)) problems.push(`${what}: no google_pubsub_topic named "${flow.topic}"`);
    const fn = functions.find((f) => f.name === flow.entryPoint);
    if (!fn) {
      problems.push(`${what}: no google_cloudfunctions2_function with entry_point "${flow.entryPoint}"`);
      continue;
    }
    const fnRef = `google_cloudfunctions2_function.${fn.resource.name}[each.key]`;
    const trigger = subscriptions.find((s) => s.module === fn.module && s.key === fn.key
      && JSON.stringify(dig(s.resource.body, 'push_config', 'push_endpoint') ?? '').includes(fnRef));
    if (!trigger) problems.push(`${what}: no push subscription delivers to its function`);
    else if (!trigger.name?.startsWith(`${flow.topic}-`)) problems.push(`${what}: its trigger subscription "${trigger.name ?? '?'}" is not on topic "${flow.topic}"`);
    const email = JSON.stringify(dig(fn.resource.body, 'service_config', 'service_account_email') ?? '');
    const sa = /google_service_account\.([\w-]+)\[each\.key\]/.exec(email);
    if (!sa) problems.push(`${what}: its function has no service account of its own (service_config.service_account_email)`);
    else if (!accounts.some((a) => a.module === fn.module && a.resource.name === sa[1] && a.key === fn.key && a.name)) {
      problems.push(`${what}: google_service_account.${sa[1]}["${fn.key}"] is not declared`);
    }
  }
  return problems;
}
