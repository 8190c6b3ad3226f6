// Expression syntax tree. Nodes are plain objects so they can be cached and shared across evaluations.
import type { WfValue } from '../values.ts';

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '//' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in' | 'not in'
  | 'and' | 'or';

export type Ast =
  | { kind: 'literal'; value: WfValue }
  | { kind: 'variable'; name: string }
  | { kind: 'member'; object: Ast; name: string }
  | { kind: 'index'; object: Ast; index: Ast }
  | { kind: 'call'; name: string; args: Ast[] }
  | { kind: 'unary'; op: '-' | 'not'; operand: Ast }
  | { kind: 'binary'; op: BinaryOp; left: Ast; right: Ast }
  | { kind: 'list'; items: Ast[] }
  | { kind: 'map'; entries: Array<{ key: Ast; value: Ast }> };

/**
 * The dotted name an expression spells when it is only names joined by dots (`http.default_retry`,
 * `my_predicate`), else undefined. The interpreter uses it to recognise retry policies and predicates
 * given as `${...}` references.
 */
export function asDottedName(ast: Ast): string | undefined {
  if (ast.kind === 'variable') return ast.name;
  if (ast.kind === 'member') {
    const base = asDottedName(ast.object);
    return base === undefined ? undefined : `${base}.${ast.name}`;
  }
  return undefined;
}
