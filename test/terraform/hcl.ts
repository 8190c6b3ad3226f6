/**
 * Loading and reading a Terraform tree through @cdktf/hcl2json. There is no terraform
 * binary on these machines, so the checks work on the JSON form of the HCL; each file is
 * parsed once per process (hcl2json runs in WebAssembly and is the slow part).
 */
import { parse } from '@cdktf/hcl2json';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

export type HclJson = Record<string, any>;

export interface TfFile {
  path: string;
  text: string;
  json: HclJson;
}

export interface TfModule {
  /** Absolute directory of the module. */
  dir: string;
  /** Path relative to the tree root, '.' for the root module. */
  name: string;
  files: TfFile[];
}

export interface TfTree {
  root: string;
  modules: TfModule[];
  /** environments/*.tfvars of the root module, by file name without extension. */
  tfvars: Map<string, TfFile>;
}

const parsed = new Map<string, Promise<HclJson>>();

export function parseFile(path: string, text: string): Promise<HclJson> {
  const key = `${path}\u0000${text}`;
  let job = parsed.get(key);
  if (!job) {
    job = parse(path, text).catch((err: unknown) => {
      throw new Error(`${path}: HCL does not parse: ${err instanceof Error ? err.message : String(err)}`);
    });
    parsed.set(key, job);
  }
  return job;
}

async function loadModule(dir: string, root: string): Promise<TfModule> {
  const names = readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  const files = await Promise.all(
    names.map(async (f) => {
      const path = join(dir, f);
      const text = readFileSync(path, 'utf8');
      return { path, text, json: await parseFile(path, text) };
    }),
  );
  return { dir, name: relative(root, dir) || '.', files };
}

/** The root module, every directory under modules/, and environments/*.tfvars. */
export async function loadTree(root: string): Promise<TfTree> {
  const abs = resolve(root);
  if (!existsSync(abs)) throw new Error(`${abs}: no such Terraform tree`);
  const dirs = [abs];
  const modulesDir = join(abs, 'modules');
  if (existsSync(modulesDir)) {
    for (const d of readdirSync(modulesDir).sort()) {
      if (statSync(join(modulesDir, d)).isDirectory()) dirs.push(join(modulesDir, d));
    }
  }
  const modules = await Promise.all(dirs.map((d) => loadModule(d, abs)));
  const tfvars = new Map<string, TfFile>();
  const envDir = join(abs, 'environments');
  if (existsSync(envDir)) {
    for (const f of readdirSync(envDir).filter((x) => x.endsWith('.tfvars')).sort()) {
      const path = join(envDir, f);
      const text = readFileSync(path, 'utf8');
      tfvars.set(basename(f, '.tfvars'), { path, text, json: await parseFile(path, text) });
    }
  }
  return { root: abs, modules, tfvars };
}

export function rel(tree: TfTree, path: string): string {
  return relative(tree.root, path) || '.';
}

/** One named block (variable, output, module, …) with the file it came from. */
export interface Block {
  file: string;
  name: string;
  body: HclJson;
}

/** Top-level blocks of one kind, e.g. blocks(module, 'variable'). */
export function blocks(mod: TfModule, kind: string): Block[] {
  const out: Block[] = [];
  for (const file of mod.files) {
    const group = file.json[kind] as Record<string, HclJson[]> | undefined;
    if (!group) continue;
    for (const [name, bodies] of Object.entries(group)) {
      for (const body of bodies) out.push({ file: file.path, name, body });
    }
  }
  return out;
}

export interface ResourceBlock extends Block {
  type: string;
}

/** Resources (or data sources with kind 'data') of one type, or of every type. */
export function resources(mod: TfModule, type?: string, kind: 'resource' | 'data' = 'resource'): ResourceBlock[] {
  const out: ResourceBlock[] = [];
  for (const file of mod.files) {
    const group = file.json[kind] as Record<string, Record<string, HclJson[]>> | undefined;
    if (!group) continue;
    for (const [t, byName] of Object.entries(group)) {
      if (type && t !== type) continue;
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of bodies) out.push({ file: file.path, name, body, type: t });
      }
    }
  }
  return out;
}

/** Merged `locals` of a module. */
export function locals(mod: TfModule): HclJson {
  const out: HclJson = {};
  for (const file of mod.files) {
    for (const group of (file.json.locals as HclJson[] | undefined) ?? []) Object.assign(out, group);
  }
  return out;
}

/** hcl2json renders nested blocks as arrays of bodies; this returns the first body. */
export function first(value: unknown): HclJson | undefined {
  if (Array.isArray(value)) return value[0] as HclJson | undefined;
  if (value && typeof value === 'object') return value as HclJson;
  return undefined;
}

/** Follows a path of nested blocks/attributes: dig(body, 'settings', 'ip_configuration', 'ssl_mode'). */
export function dig(body: unknown, ...path: string[]): unknown {
  let cur: unknown = body;
  for (const key of path) {
    const obj = first(cur);
    if (!obj) return undefined;
    cur = obj[key];
  }
  return cur;
}

/** Every string leaf of a JSON value, with its dotted path. */
export function* stringLeaves(value: unknown, path = ''): Generator<{ path: string; value: string }> {
  if (typeof value === 'string') {
    yield { path, value };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* stringLeaves(value[i], `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* stringLeaves(v, path ? `${path}.${k}` : k);
  }
}

/** Every key/value pair at any depth (attributes and block bodies alike). */
export function* entries(value: unknown, path = ''): Generator<{ path: string; key: string; value: unknown }> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* entries(value[i], `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      yield { path: p, key: k, value: v };
      yield* entries(v, p);
    }
  }
}

/** The `${ … }` expression parts of a string (nested braces balanced). */
export function expressions(value: string): string[] {
  const out: string[] = [];
  let i = value.indexOf('${');
  while (i !== -1) {
    let depth = 0;
    let j = i + 1;
    for (; j < value.length; j++) {
      const c = value[j];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    out.push(value.slice(i + 2, j));
    i = value.indexOf('${', j + 1);
  }
  return out;
}

/** True when a string is a plain literal with no interpolation. */
export function isLiteral(value: unknown): value is string | number | boolean {
  return typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && !value.includes('${'));
}

/**
 * Resolves the small subset of expressions the checks need to know a name statically:
 * literals, `each.key`, `each.value[.attr]`, `local.x[.attr]`, `local.x[each.value.attr]`
 * and `path.module`, inside a template. Anything else yields undefined.
 */
export function evaluate(
  template: unknown,
  scope: { each?: { key: string; value: unknown }; locals: HclJson; moduleDir: string },
  depth = 0,
): string | undefined {
  if (typeof template === 'number' || typeof template === 'boolean') return String(template);
  if (typeof template !== 'string' || depth > 8) return undefined;
  let failed = false;
  const out = template.replace(/\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g, (_m, expr: string) => {
    const v = resolveReference(expr.trim(), scope, depth);
    if (v === undefined) failed = true;
    return v ?? '';
  });
  return failed ? undefined : out;
}

function resolveReference(
  expr: string,
  scope: { each?: { key: string; value: unknown }; locals: HclJson; moduleDir: string },
  depth: number,
): string | undefined {
  if (expr === 'path.module') return scope.moduleDir;
  const indexed = /^local\.([\w-]+)\[(.+)\]$/.exec(expr);
  if (indexed) {
    const key = resolveReference(indexed[2].trim(), scope, depth);
    const map = scope.locals[indexed[1]] as HclJson | undefined;
    return key === undefined || !map ? undefined : evaluate(map[key], scope, depth + 1);
  }
  const parts = expr.split('.');
  let value: unknown;
  if (parts[0] === 'each' && scope.each) {
    if (parts[1] === 'key' && parts.length === 2) return scope.each.key;
    if (parts[1] !== 'value') return undefined;
    value = scope.each.value;
    parts.splice(0, 2);
  } else if (parts[0] === 'local') {
    value = scope.locals[parts[1]];
    parts.splice(0, 2);
  } else {
    return undefined;
  }
  for (const p of parts) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as HclJson)[p];
  }
  return evaluate(value, scope, depth + 1);
}

/**
 * The instances a resource expands to: one with no `each` for a plain resource, one per
 * key for `for_each = local.x` (or a literal map). undefined when for_each is not static.
 */
export function instances(res: Block, mod: TfModule): Array<{ key: string; value: unknown }> | undefined | null {
  const forEach = res.body.for_each as unknown;
  if (forEach === undefined) return null;
  if (forEach && typeof forEach === 'object' && !Array.isArray(forEach)) {
    return Object.entries(forEach as HclJson).map(([key, value]) => ({ key, value }));
  }
  if (typeof forEach !== 'string') return undefined;
  const m = /^\$\{local\.([\w-]+)\}$/.exec(forEach);
  if (!m) return undefined;
  const value = locals(mod)[m[1]] as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.entries(value as HclJson).map(([key, v]) => ({ key, value: v }));
}
