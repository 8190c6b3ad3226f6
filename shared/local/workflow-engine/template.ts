/**
 * Bridges the YAML tree and the expression language: every value position of a step (an arg, a return value, a
 * condition) is compiled once at load time into a Template, so expressions are parsed and length-checked before
 * anything runs, and a run only evaluates.
 */
import { tagged } from './errors.ts';
import {
  evaluate, evaluateSync, isExpression, isSyncExpression, parseAssignTarget, parseExpression, type Ast, type EvalScope,
} from './expr/index.ts';
import { isMap, newMap, typeName, type WfValue } from './values.ts';

export type Template =
  /** No expression anywhere inside: the value is used as is (copied when mutable). */
  | { readonly k: 'const'; readonly v: WfValue }
  /** The whole value is one `${...}` expression; `sync` when it calls nothing outside the pure stdlib. */
  | { readonly k: 'expr'; readonly ast: Ast; readonly sync: boolean; readonly src: string }
  /** A list with expressions somewhere inside. */
  | { readonly k: 'list'; readonly items: readonly Template[] }
  /** A map with expressions somewhere inside (values, or keys written as `${...}`). */
  | { readonly k: 'map'; readonly entries: readonly { readonly key: string | Ast; readonly value: Template }[] };

export class TemplateError extends Error {}

function parseChecked(src: string, maxLength: number): Ast {
  const body = src.slice(2, -1);
  if (body.length > maxLength) {
    throw new TemplateError(`expression is ${body.length} characters long; the limit is ${maxLength}: ${src.slice(0, 60)}...`);
  }
  try {
    return parseExpression(body);
  } catch (err) {
    throw new TemplateError(`invalid expression ${src}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Compiles a YAML value; throws TemplateError naming the bad expression. */
export function compileTemplate(node: WfValue, maxExpressionLength: number): Template {
  if (typeof node === 'string' && isExpression(node)) {
    const ast = parseChecked(node, maxExpressionLength);
    return { k: 'expr', ast, sync: isSyncExpression(ast), src: node };
  }
  if (Array.isArray(node)) {
    const items = node.map((x) => compileTemplate(x, maxExpressionLength));
    return items.every((t) => t.k === 'const') ? { k: 'const', v: node } : { k: 'list', items };
  }
  if (isMap(node)) {
    const entries = Object.keys(node).map((key) => ({
      key: isExpression(key) ? parseChecked(key, maxExpressionLength) : key,
      value: compileTemplate(node[key], maxExpressionLength),
    }));
    return entries.every((e) => typeof e.key === 'string' && e.value.k === 'const') ? { k: 'const', v: node } : { k: 'map', entries };
  }
  return { k: 'const', v: node };
}

/** A condition, `in` or `range` given as a bare expression. */
export function compileExpression(src: string, maxExpressionLength: number): Template {
  const ast = parseChecked(src, maxExpressionLength);
  return { k: 'expr', ast, sync: isSyncExpression(ast), src };
}

export async function evalTemplate(t: Template, scope: EvalScope): Promise<WfValue> {
  switch (t.k) {
    case 'const': return copyValue(t.v);
    case 'expr': return t.sync ? evaluateSync(t.ast, scope) : await evaluate(t.ast, scope);
    case 'list': {
      const out: WfValue[] = [];
      for (const item of t.items) out.push(await evalTemplate(item, scope));
      return out;
    }
    case 'map': {
      const out = newMap();
      for (const e of t.entries) {
        let key: string;
        if (typeof e.key === 'string') key = e.key;
        else {
          const k = await evaluate(e.key, scope);
          if (typeof k !== 'string') throw tagged('TypeError', `a map key expression must give a string, got ${typeName(k)}`);
          key = k;
        }
        out[key] = await evalTemplate(e.value, scope);
      }
      return out;
    }
  }
}

/** Evaluates a template for which isSyncTemplate holds, with no await: read-evaluate-write stays atomic. */
export function evalTemplateSync(t: Template, scope: EvalScope): WfValue {
  switch (t.k) {
    case 'const': return copyValue(t.v);
    case 'expr': return evaluateSync(t.ast, scope);
    case 'list': return t.items.map((item) => evalTemplateSync(item, scope));
    case 'map': {
      const out = newMap();
      for (const e of t.entries) {
        const key = typeof e.key === 'string' ? e.key : evaluateSync(e.key, scope);
        if (typeof key !== 'string') throw tagged('TypeError', `a map key expression must give a string, got ${typeName(key)}`);
        out[key] = evalTemplateSync(e.value, scope);
      }
      return out;
    }
  }
}

/** True when evaluating `t` never leaves the pure stdlib (so evalTemplateSync may be used). */
export function isSyncTemplate(t: Template): boolean {
  switch (t.k) {
    case 'const': return true;
    case 'expr': return t.sync;
    case 'list': return t.items.every(isSyncTemplate);
    case 'map': return t.entries.every((e) => (typeof e.key === 'string' || isSyncExpression(e.key)) && isSyncTemplate(e.value));
  }
}

/** Workflows values have value semantics: a literal list or map must not be shared between assignments. */
export function copyValue(v: WfValue): WfValue {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(copyValue);
  const out = newMap();
  for (const k of Object.keys(v)) out[k] = copyValue(v[k]);
  return out;
}

// ---- assignment targets: `name`, `a.b`, `a["c"][0]`, `a[i + 1].d` ----

/** A field name (from `.name`) or an index expression (from `[...]`). */
export type PathSegment = string | Ast;

export interface AssignTarget {
  readonly src: string;
  readonly root: string;
  readonly path: readonly PathSegment[];
}

export function parseTarget(src: string, maxExpressionLength: number): AssignTarget {
  if (src.length > maxExpressionLength) throw new TemplateError(`assignment target is ${src.length} characters long; the limit is ${maxExpressionLength}`);
  try {
    const { root, path } = parseAssignTarget(src);
    return { src, root, path };
  } catch (err) {
    throw new TemplateError(`invalid assignment target "${src}": ${err instanceof Error ? err.message : String(err)}`);
  }
}
