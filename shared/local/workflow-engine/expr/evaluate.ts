// Evaluation. Each AST is compiled once into a closure tree and the closure is cached on a WeakMap. Subtrees that
// cannot reach scope.callExternal compile to synchronous closures, so a typical expression runs with no promise
// allocation; only subtrees containing an external call become async.
import { tagged, toWorkflowError } from '../errors.ts';
import { stdlib } from '../stdlib/index.ts';
import { checkInt, newMap, typeName, type WfMap, type WfValue } from '../values.ts';
import type { Ast } from './ast.ts';
import * as ops from './operators.ts';
import { expressionBody, isExpression, parseExpression } from './parser.ts';

export interface EvalScope {
  lookup(name: string): WfValue | undefined;
  /** Called for any function not in the pure stdlib (subworkflows, http.*, sys.*, events.*, googleapis.*). */
  callExternal(name: string, args: WfValue[]): Promise<WfValue>;
}

type SyncFn = (s: EvalScope) => WfValue;
type AsyncFn = (s: EvalScope) => Promise<WfValue>;
type Compiled = { sync: true; fn: SyncFn } | { sync: false; fn: AsyncFn };

const compiledCache = new WeakMap<Ast, Compiled>();

function compiled(ast: Ast): Compiled {
  let c = compiledCache.get(ast);
  if (!c) {
    c = compile(ast);
    compiledCache.set(ast, c);
  }
  return c;
}

function lift(c: Compiled): AsyncFn {
  if (!c.sync) return c.fn;
  const f = c.fn;
  return (s) => Promise.resolve(f(s));
}

function unknownVariable(name: string): never {
  throw tagged('KeyError', `variable '${name}' is not defined`);
}

function compile(ast: Ast): Compiled {
  switch (ast.kind) {
    case 'literal': {
      const v = ast.value;
      return { sync: true, fn: () => v };
    }
    case 'variable': {
      const name = ast.name;
      return {
        sync: true,
        fn: (s) => {
          const v = s.lookup(name);
          return v === undefined ? unknownVariable(name) : v;
        },
      };
    }
    case 'member': {
      const obj = compiled(ast.object);
      const name = ast.name;
      if (obj.sync) { const f = obj.fn; return { sync: true, fn: (s) => ops.member(f(s), name) }; }
      const f = obj.fn;
      return { sync: false, fn: async (s) => ops.member(await f(s), name) };
    }
    case 'index': {
      const obj = compiled(ast.object);
      const idx = compiled(ast.index);
      if (obj.sync && idx.sync) {
        const fo = obj.fn; const fi = idx.fn;
        return { sync: true, fn: (s) => ops.index(fo(s), fi(s)) };
      }
      const fo = lift(obj); const fi = lift(idx);
      return { sync: false, fn: async (s) => { const o = await fo(s); return ops.index(o, await fi(s)); } };
    }
    case 'unary': {
      const operand = compiled(ast.operand);
      const op = ast.op === '-' ? ops.negate : ops.logicalNot;
      if (operand.sync) { const f = operand.fn; return { sync: true, fn: (s) => op(f(s)) }; }
      const f = operand.fn;
      return { sync: false, fn: async (s) => op(await f(s)) };
    }
    case 'binary': return compileBinary(ast);
    case 'list': {
      const items = ast.items.map(compiled);
      if (items.every((c) => c.sync)) {
        const fs = items.map((c) => c.fn as SyncFn);
        return { sync: true, fn: (s) => fs.map((f) => f(s)) };
      }
      const fs = items.map(lift);
      return {
        sync: false,
        fn: async (s) => { const out: WfValue[] = []; for (const f of fs) out.push(await f(s)); return out; },
      };
    }
    case 'map': {
      const entries = ast.entries.map((e) => ({ k: compiled(e.key), v: compiled(e.value) }));
      if (entries.every((e) => e.k.sync && e.v.sync)) {
        const fs = entries.map((e) => ({ k: e.k.fn as SyncFn, v: e.v.fn as SyncFn }));
        return {
          sync: true,
          fn: (s) => { const m = newMap(); for (const e of fs) m[mapKey(e.k(s))] = e.v(s); return m; },
        };
      }
      const fs = entries.map((e) => ({ k: lift(e.k), v: lift(e.v) }));
      return {
        sync: false,
        fn: async (s) => { const m = newMap(); for (const e of fs) { const k = mapKey(await e.k(s)); m[k] = await e.v(s); } return m; },
      };
    }
    case 'call': return compileCall(ast.name, ast.args);
  }
}

function mapKey(k: WfValue): string {
  if (typeof k !== 'string') throw tagged('TypeError', `map keys must be strings, got ${typeName(k)}`);
  return k;
}

function compileBinary(ast: Extract<Ast, { kind: 'binary' }>): Compiled {
  const l = compiled(ast.left);
  const r = compiled(ast.right);
  const op = ast.op;
  if (op === 'and' || op === 'or') {
    const shortCircuitOn = op === 'or';
    if (l.sync && r.sync) {
      const fl = l.fn; const fr = r.fn;
      return {
        sync: true,
        fn: (s) => (ops.requireBool(op, fl(s)) === shortCircuitOn ? shortCircuitOn : ops.requireBool(op, fr(s))),
      };
    }
    const fl = lift(l); const fr = lift(r);
    return {
      sync: false,
      fn: async (s) => (ops.requireBool(op, await fl(s)) === shortCircuitOn ? shortCircuitOn : ops.requireBool(op, await fr(s))),
    };
  }
  if (l.sync && r.sync) {
    const fl = l.fn; const fr = r.fn;
    switch (op) {
      // The hottest operators get direct closures to skip the dispatch switch.
      case '+': return { sync: true, fn: (s) => ops.add(fl(s), fr(s)) };
      case '-': return { sync: true, fn: (s) => ops.subtract(fl(s), fr(s)) };
      case '*': return { sync: true, fn: (s) => ops.multiply(fl(s), fr(s)) };
      default: return { sync: true, fn: (s) => ops.binary(op, fl(s), fr(s)) };
    }
  }
  const fl = lift(l); const fr = lift(r);
  return { sync: false, fn: async (s) => { const a = await fl(s); return ops.binary(op, a, await fr(s)); } };
}

/** Argument count check shared with the interpreter's `call:` steps. */
export function checkArity(name: string, given: number, params: readonly string[], minArgs: number | undefined): void {
  const min = minArgs ?? params.length;
  if (given < min || given > params.length) {
    const want = min === params.length ? `${min}` : `${min} to ${params.length}`;
    throw tagged('TypeError', `${name}() takes ${want} argument${params.length === 1 ? '' : 's'} (${params.join(', ')}) but ${given} were given`);
  }
}

function compileCall(name: string, argAsts: Ast[]): Compiled {
  const args = argAsts.map(compiled);
  if (name === 'if') return compileIf(args);
  const fn = stdlib.get(name);
  if (fn) {
    if (args.length < (fn.minArgs ?? fn.params.length) || args.length > fn.params.length) {
      // Arity errors surface at evaluation (as TypeError), like every other runtime type error.
      return { sync: true, fn: () => { checkArity(name, args.length, fn.params, fn.minArgs); return null; } };
    }
    if (args.every((c) => c.sync)) {
      const fs = args.map((c) => c.fn as SyncFn);
      return { sync: true, fn: (s) => syncResult(name, fn.call(fs.map((f) => f(s)))) };
    }
    const fs = args.map(lift);
    return { sync: false, fn: async (s) => fn.call(await evalAll(fs, s)) };
  }
  const fs = args.map(lift);
  return { sync: false, fn: async (s) => s.callExternal(name, await evalAll(fs, s)) };
}

function syncResult(name: string, v: WfValue | Promise<WfValue>): WfValue {
  if (v instanceof Promise) throw tagged('SystemError', `standard library function ${name} returned a promise in a synchronous context`);
  return v;
}

async function evalAll(fs: AsyncFn[], s: EvalScope): Promise<WfValue[]> {
  const out: WfValue[] = [];
  for (const f of fs) out.push(await f(s));
  return out;
}

/** `if(condition, if_true, if_false)`: only the chosen branch is evaluated. */
function compileIf(args: Compiled[]): Compiled {
  if (args.length !== 3) {
    return { sync: true, fn: () => { throw tagged('TypeError', `if() takes 3 arguments (condition, if_true, if_false) but ${args.length} were given`); } };
  }
  const pick = (c: WfValue): number => {
    if (typeof c !== 'boolean') throw tagged('TypeError', `if() condition must be a bool, got ${typeName(c)}`);
    return c ? 1 : 2;
  };
  if (args.every((c) => c.sync)) {
    const fs = args.map((c) => c.fn as SyncFn);
    return { sync: true, fn: (s) => fs[pick(fs[0](s))](s) };
  }
  const fs = args.map(lift);
  return { sync: false, fn: async (s) => fs[pick(await fs[0](s))](s) };
}

/** True when the expression never calls out of the pure stdlib, so evaluateSync can be used. */
export function isSyncExpression(ast: Ast): boolean {
  return compiled(ast).sync;
}

/**
 * Synchronous evaluation for expressions where isSyncExpression holds (the interpreter's fast path). Throws a
 * tagged SystemError when the expression needs an external call.
 */
export function evaluateSync(ast: Ast, scope: EvalScope): WfValue {
  const c = compiled(ast);
  if (!c.sync) throw tagged('SystemError', 'expression calls an external function and must be evaluated asynchronously');
  try {
    return c.fn(scope);
  } catch (e) {
    throw toWorkflowError(e);
  }
}

export async function evaluate(ast: Ast, scope: EvalScope): Promise<WfValue> {
  const c = compiled(ast);
  try {
    return c.sync ? c.fn(scope) : await c.fn(scope);
  } catch (e) {
    throw toWorkflowError(e);
  }
}

/**
 * Resolves a YAML node: a string that is exactly one `${...}` expression evaluates to its value; any other string
 * is literal text (only whole-string expressions are evaluated). Maps and lists resolve recursively, and a map key
 * that is a whole `${...}` expression is evaluated and must give a string. Scalars keep the type the YAML source
 * gave them, as the loader parses it (`intAsBigInt`): a bigint (`2`) is an int, a JS number (`2.0`, `1e3`, `1.5`)
 * a double, even when integral, exactly as the interpreter's compiled templates treat them.
 */
export async function evaluateTemplate(node: unknown, scope: EvalScope): Promise<WfValue> {
  try {
    return await resolve(node, scope, 0);
  } catch (e) {
    throw toWorkflowError(e);
  }
}

async function resolve(node: unknown, scope: EvalScope, depth: number): Promise<WfValue> {
  if (depth > 200) throw tagged('RecursionError', 'YAML value nested too deeply (over 200 levels)');
  switch (typeof node) {
    case 'string': {
      if (!isExpression(node)) return node;
      const c = compiled(parseExpression(expressionBody(node)));
      return c.fn(scope);
    }
    case 'number': return node;
    case 'bigint': return checkInt(node);
    case 'boolean': return node;
    case 'undefined': return null;
    case 'object': {
      if (node === null) return null;
      if (node instanceof Uint8Array) return node;
      if (Array.isArray(node)) {
        const out: WfValue[] = [];
        for (const x of node) out.push(await resolve(x, scope, depth + 1));
        return out;
      }
      const out: WfMap = newMap();
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        const key = isExpression(k) ? mapKey(await resolve(k, scope, depth + 1)) : k;
        out[key] = await resolve(v, scope, depth + 1);
      }
      return out;
    }
    default:
      throw tagged('TypeError', `cannot use a JavaScript ${typeof node} as a workflow value`);
  }
}
