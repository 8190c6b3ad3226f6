/**
 * Bridges the YAML tree and the expression language: every value position of a step (an arg, a return value, a
 * condition) is compiled once at load time into a Template, so expressions are parsed and length-checked before
 * anything runs, and a run only evaluates.
 */
import { evaluate, evaluateTemplate, isExpression, parseAssignTarget, parseExpression, type EvalScope } from './expr/index.ts';
import { isMap, type WfValue } from './values.ts';

type Ast = ReturnType<typeof parseExpression>;

export type Template =
  /** No expression anywhere inside: the value is used as is (copied when mutable). */
  | { readonly k: 'const'; readonly v: WfValue }
  /** The whole value is one `${...}` expression. */
  | { readonly k: 'expr'; readonly ast: Ast; readonly src: string }
  /** A map or list with expressions somewhere inside (values or map keys). */
  | { readonly k: 'node'; readonly node: WfValue };

export class TemplateError extends Error {}

/** The text between `${` and the final `}`. */
function expressionBody(s: string): string {
  return s.slice(2, -1);
}

function parseChecked(src: string, maxLength: number): Ast {
  if (src.length > maxLength) {
    throw new TemplateError(`expression is ${src.length} characters long; the limit is ${maxLength}: ${src.slice(0, 60)}…`);
  }
  try {
    return parseExpression(expressionBody(src));
  } catch (err) {
    throw new TemplateError(`invalid expression ${src}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Compiles a YAML value; throws TemplateError naming the bad expression. */
export function compileTemplate(node: WfValue, maxExpressionLength: number): Template {
  if (typeof node === 'string' && isExpression(node)) {
    return { k: 'expr', ast: parseChecked(node, maxExpressionLength), src: node };
  }
  return containsExpression(node, maxExpressionLength) ? { k: 'node', node } : { k: 'const', v: node };
}

function containsExpression(node: WfValue, maxLength: number): boolean {
  if (typeof node === 'string') {
    if (!isExpression(node)) return false;
    parseChecked(node, maxLength);
    return true;
  }
  let found = false;
  if (Array.isArray(node)) {
    for (const x of node) if (containsExpression(x, maxLength)) found = true;
  } else if (isMap(node)) {
    for (const k of Object.keys(node)) {
      if (containsExpression(k, maxLength)) found = true;
      if (containsExpression(node[k], maxLength)) found = true;
    }
  }
  return found;
}

/** A condition, `in` or `range` given as a bare expression. */
export function compileExpression(src: string, maxExpressionLength: number): Template {
  return { k: 'expr', ast: parseChecked(src, maxExpressionLength), src };
}

export async function evalTemplate(t: Template, scope: EvalScope): Promise<WfValue> {
  switch (t.k) {
    case 'const': return copyValue(t.v);
    case 'expr': return await evaluate(t.ast, scope);
    case 'node': return await evaluateTemplate(t.node, scope);
  }
}

/** Workflows values have value semantics: a literal list or map must not be shared between assignments. */
export function copyValue(v: WfValue): WfValue {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(copyValue);
  const out = Object.create(null) as Record<string, WfValue>;
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
