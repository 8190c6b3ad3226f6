// Test helpers: evaluate an expression against a map of variables and capture the Workflows error it raises.
import { expect } from 'vitest';
import { WorkflowError } from '../../../../../shared/local/workflow-engine/errors.ts';
import { evaluate, parseExpression, type EvalScope } from '../../../../../shared/local/workflow-engine/expr/index.ts';
import { fromJs, isMap, type WfValue } from '../../../../../shared/local/workflow-engine/values.ts';

export function scopeOf(vars: Record<string, unknown> = {}, external?: EvalScope['callExternal']): EvalScope {
  const values = new Map<string, WfValue>(Object.entries(vars).map(([k, v]) => [k, fromJs(v)]));
  return {
    lookup: (name) => values.get(name),
    callExternal: external ?? (async (name) => { throw new WorkflowError(fromJs({ message: `no external ${name}`, tags: ['TestError'] })); }),
  };
}

export function ev(src: string, vars: Record<string, unknown> = {}): Promise<WfValue> {
  return evaluate(parseExpression(src), scopeOf(vars));
}

export interface CaughtError { tags: string[]; message: string; value: WfValue }

/** Evaluates and expects a WorkflowError; returns its tags and message. */
export async function evErr(src: string, vars: Record<string, unknown> = {}): Promise<CaughtError> {
  try {
    const v = await ev(src, vars);
    throw new Error(`expected ${src} to raise, got ${String(v)}`);
  } catch (e) {
    return caught(e);
  }
}

export function caught(e: unknown): CaughtError {
  expect(e).toBeInstanceOf(WorkflowError);
  const value = (e as WorkflowError).value;
  if (!isMap(value)) throw new Error('error value is not a map');
  return { tags: (value.tags as string[]) ?? [], message: String(value.message), value };
}

export function syncErr(f: () => unknown): CaughtError {
  try {
    f();
  } catch (e) {
    return caught(e);
  }
  throw new Error('expected a WorkflowError');
}
