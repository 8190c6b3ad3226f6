/**
 * Identity checks: service account ids that fit in 30 characters for the longest name the
 * variables allow, and least privilege (no project-wide admin roles for the control plane; a
 * custom role that can change or read resources is granted with an IAM condition).
 */
import { blocks, evaluate, first, instances, locals, rel, resources, type ResourceBlock, type TfModule, type TfTree } from './hcl.ts';

/** The longest value a variable's validation regex `^[a-z][...]{m,n}$` admits, if that is its form. */
function maxLength(mod: TfModule, variable: string): number | undefined {
  const v = blocks(mod, 'variable').find((b) => b.name === variable);
  const condition = String(first(v?.body.validation)?.condition ?? '');
  // ^[a-z][a-z0-9-]{1,16}$ or ^[a-z]([a-z0-9-]{0,22}[a-z0-9])?$
  const m = /\^\[a-z\]\(?\[[^\]]+\]\{(\d+),(\d+)\}(\[[^\]]+\])?\)?\??\$/.exec(condition);
  if (!m) return undefined;
  return 1 + Number(m[2]) + (m[3] ? 1 : 0);
}

/** instances(), plus for_each = var.x over the keys of that variable's default map. */
function instancesOrDefault(res: ResourceBlock, mod: TfModule): Array<{ key: string; value: unknown }> | null | undefined {
  const found = instances(res, mod);
  if (found !== undefined) return found;
  const m = typeof res.body.for_each === 'string' ? /^\$\{var\.([\w-]+)\}$/.exec(res.body.for_each) : null;
  const dflt = m ? blocks(mod, 'variable').find((v) => v.name === m[1])?.body.default : undefined;
  return dflt && typeof dflt === 'object' && !Array.isArray(dflt) ? Object.entries(dflt as Record<string, unknown>).map(([key, value]) => ({ key, value })) : undefined;
}

/**
 * Every google_service_account's account_id, with var.name_prefix (or var.name) at the
 * longest its validation allows, holds at most 30 characters; the root module's prefix
 * (<short name>-<environment>) never exceeds what the modules accept.
 */
export function checkServiceAccountIds(tree: TfTree, longestRootPrefix: number): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    const scopeLocals = locals(mod);
    for (const name of ['name_prefix', 'name']) {
      const max = maxLength(mod, name);
      if (mod.name !== '.' && max !== undefined && name === 'name_prefix' && max < longestRootPrefix) {
        problems.push(`${mod.name}: var.name_prefix accepts at most ${max} characters, but the root module passes up to ${longestRootPrefix}`);
      }
    }
    for (const sa of resources(mod, 'google_service_account')) {
      const raw = sa.body.account_id;
      if (typeof raw !== 'string') continue;
      for (const e of instancesOrDefault(sa, mod) ?? [undefined]) {
        let template = raw;
        for (const name of ['name_prefix', 'name']) {
          const max = maxLength(mod, name) ?? (mod.name === '.' ? longestRootPrefix : undefined);
          if (max !== undefined) template = template.replaceAll(`\${var.${name}}`, 'x'.repeat(max));
        }
        template = template.replaceAll('${local.prefix}', 'x'.repeat(longestRootPrefix));
        const id = evaluate(template, { each: e, locals: scopeLocals, moduleDir: mod.dir });
        const where = `${rel(tree, sa.file)}: google_service_account.${sa.name}${e ? `["${e.key}"]` : ''}`;
        if (id === undefined) problems.push(`${where}: account_id ${raw} cannot be evaluated statically`);
        else if (id.length > 30) problems.push(`${where}: account_id is ${id.length} characters for the longest allowed name prefix (limit 30): ${raw}`);
      }
    }
  }
  return problems;
}

const ADMIN_ROLE = /^roles\/[\w.]+\.admin$|^roles\/(owner|editor)$/;

/**
 * No project-level admin role for the control plane's identities; every custom role that can
 * do more than create or list is granted with a condition.
 */
export function checkLeastPrivilege(tree: TfTree): string[] {
  const problems: string[] = [];
  for (const mod of tree.modules) {
    const scopeLocals = locals(mod);
    for (const b of resources(mod, 'google_project_iam_member')) {
      const where = `${rel(tree, b.file)}: google_project_iam_member.${b.name}`;
      const each = instances(b, mod);
      if (each === undefined) {
        // for_each over a computed map: read the role names out of the referenced locals.
        const ref = typeof b.body.for_each === 'string' ? /local\.([\w-]+)/.exec(b.body.for_each)?.[1] : undefined;
        const text = JSON.stringify(ref ? scopeLocals : b.body.for_each);
        for (const m of text.matchAll(/roles\/[\w.]+/g)) if (ADMIN_ROLE.test(m[0])) problems.push(`${where}: grants ${m[0]} project-wide`);
        continue;
      }
      for (const e of each ?? [undefined]) {
        const role = evaluate(b.body.role, { each: e, locals: scopeLocals, moduleDir: mod.dir }) ?? String(b.body.role);
        if (ADMIN_ROLE.test(role)) problems.push(`${where}${e ? `["${e.key}"]` : ''}: grants ${role} project-wide`);
      }
    }
    const roles = scopeLocals.custom_roles as Record<string, { permissions?: string[] }> | undefined;
    const grants = scopeLocals.custom_role_grants as Record<string, { role?: string; expression?: unknown }> | undefined;
    for (const [key, g] of Object.entries(grants ?? {})) {
      const perms = roles?.[String(g.role)]?.permissions ?? [];
      const broad = perms.filter((p) => !/\.(create|list)$/.test(p));
      if ((g.expression === null || g.expression === undefined) && broad.length > 0) {
        problems.push(`${mod.name}: custom role grant "${key}" has no IAM condition but its role can ${broad.slice(0, 3).join(', ')}${broad.length > 3 ? ', …' : ''}`);
      }
    }
    for (const [name, r] of Object.entries(roles ?? {})) {
      for (const p of r.permissions ?? []) {
        if (p === 'secretmanager.versions.access' && /workspace|creator|manager/i.test(name)) problems.push(`${mod.name}: custom role "${name}" can read secret values (secretmanager.versions.access)`);
      }
    }
  }
  return problems;
}

