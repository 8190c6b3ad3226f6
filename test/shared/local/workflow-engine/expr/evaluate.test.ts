import { describe, expect, it } from 'vitest';
import { hasTag, tagged, toWorkflowError, WorkflowError } from '../../../../../shared/local/workflow-engine/errors.ts';
import {
  evaluate, evaluateSync, evaluateTemplate, isSyncExpression, parseExpression,
} from '../../../../../shared/local/workflow-engine/expr/index.ts';
import { fromJs, type WfMap, type WfValue } from '../../../../../shared/local/workflow-engine/values.ts';
import { caught, ev, evErr, scopeOf, syncErr } from './helpers.ts';

describe('function calls', () => {
  it('runs stdlib functions synchronously and everything else through callExternal', async () => {
    const calls: Array<[string, WfValue[]]> = [];
    const scope = scopeOf({ x: 2 }, async (name, args) => { calls.push([name, args]); return 40n; });
    const ast = parseExpression('len([1, 2]) + my_sub(x, "a") + googleapis.svc.v1.thing.get(1)');
    expect(isSyncExpression(ast)).toBe(false);
    expect(await evaluate(ast, scope)).toBe(82n);
    expect(calls).toEqual([['my_sub', [2n, 'a']], ['googleapis.svc.v1.thing.get', [1n]]]);
    expect(isSyncExpression(parseExpression('text.to_upper(s) + string(len(l))'))).toBe(true);
  });

  it('evaluates external calls inside every construct', async () => {
    const scope = scopeOf({ m: { k: 1 } }, async (name, args) => (name === 'key' ? 'k' : (args[0] ?? 0n)));
    const src = '[f(1), {"a": f(2)}, m[key()], -f(3), not f(true), f(1) < 2, f(true) and f(false), if(f(true), f(5), 0), f(m).k]';
    expect(await evaluate(parseExpression(src), scope)).toEqual([1n, { a: 2n }, 1n, -3n, false, true, false, 5n, 1n]);
  });

  it('passes errors from external calls through unchanged', async () => {
    const boom = tagged('HttpError', 'HTTP 500', fromJs({ code: 500 }) as WfMap);
    const scope = scopeOf({}, async () => { throw boom; });
    await expect(evaluate(parseExpression('http.get("u")'), scope)).rejects.toBe(boom);
  });

  it('raises TypeError naming the function on a wrong argument count', async () => {
    const e = await evErr('len(1, 2)');
    expect(e.tags).toEqual(['TypeError']);
    expect(e.message).toContain('len()');
    expect((await evErr('text.split("a")')).message).toContain('text.split()');
  });

  it('evaluates only the chosen branch of if()', async () => {
    expect(await ev('if(true, 1, 1 / 0)')).toBe(1n);
    expect(await ev('if(1 > 2, 1 / 0, "no")')).toBe('no');
    expect((await evErr('if(1, 2, 3)')).tags).toEqual(['TypeError']);
    expect((await evErr('if(true, 2)')).tags).toEqual(['TypeError']);
  });
});

describe('evaluateSync', () => {
  it('evaluates pure expressions without a promise', () => {
    expect(evaluateSync(parseExpression('x * 2 + len("héllo")'), scopeOf({ x: 4 }))).toBe(13n);
  });

  it('refuses an expression that needs an external call', () => {
    expect(syncErr(() => evaluateSync(parseExpression('sub()'), scopeOf())).tags).toEqual(['SystemError']);
  });

  it('converts stray JavaScript exceptions into tagged errors', () => {
    const scope = { lookup: (): never => { throw new RangeError('Maximum call stack size exceeded'); }, callExternal: async () => null };
    expect(syncErr(() => evaluateSync(parseExpression('x'), scope)).tags).toEqual(['RecursionError']);
  });
});

describe('recursion limits', () => {
  it('turns a stack overflow on deeply nested values into RecursionError', async () => {
    const deep = (): WfValue => { let v: WfValue = []; for (let i = 0; i < 200_000; i++) v = [v]; return v; };
    const scope = { lookup: (n: string) => (n === 'a' || n === 'b' ? deep() : undefined), callExternal: async () => null };
    try {
      await evaluate(parseExpression('a == b'), scope);
      throw new Error('expected RecursionError');
    } catch (e) {
      expect(caught(e).tags).toEqual(['RecursionError']);
    }
  });

  it('refuses JSON nested deeper than 1000 levels with ValueError', async () => {
    const e = await evErr('json.decode(s)', { s: `${'['.repeat(1001)}${']'.repeat(1001)}` });
    expect(e.tags).toEqual(['ValueError']);
    expect(e.message).toContain('nested too deeply');
  });
});

describe('evaluateTemplate', () => {
  const scope = scopeOf({ name: 'ada', n: 3, key: 'dyn' });

  it('evaluates whole-string expressions and leaves other strings literal', async () => {
    expect(await evaluateTemplate('${name + "!"}', scope)).toBe('ada!');
    expect(await evaluateTemplate('hello ${name}', scope)).toBe('hello ${name}');
    expect(await evaluateTemplate('${n} and ${n}', scope)).toBe('${n} and ${n}');
    expect(await evaluateTemplate('plain', scope)).toBe('plain');
  });

  it('resolves maps and lists recursively, including expression keys', async () => {
    const v = await evaluateTemplate({ a: ['${n * 2}', 'x', { '${key}': '${n > 2}' }], FirstName: 'John' }, scope);
    expect(v).toEqual({ a: [6n, 'x', { dyn: true }], FirstName: 'John' });
  });

  it('maps YAML scalars onto workflow types as the loader parses them: bigint → int, number → double', async () => {
    expect(await evaluateTemplate([1, 1.5, 7n, true, null, undefined], scope)).toEqual([1, 1.5, 7n, true, null, null]);
    expect(typeof await evaluateTemplate(2n, scope)).toBe('bigint');
    // An integral double (YAML `2.0`) stays a double.
    expect(typeof await evaluateTemplate(2, scope)).toBe('number');
  });

  it('raises TypeError when an expression key does not give a string', async () => {
    await expect(evaluateTemplate({ '${n}': 1 }, scope)).rejects.toMatchObject({ value: { tags: ['TypeError'] } });
  });

  it('raises the tagged error of a failing expression', async () => {
    try {
      await evaluateTemplate({ a: ['${1 / 0}'] }, scope);
      throw new Error('expected failure');
    } catch (e) {
      expect(caught(e).tags).toEqual(['ZeroDivisionError', 'ArithmeticError']);
    }
  });
});

describe('tagged errors', () => {
  it('builds {message, tags} with the parent tags and extra fields', () => {
    const e = tagged('KeyError', 'key not found: a', fromJs({ code: 7, message: 'ignored' }) as WfMap);
    expect(e).toBeInstanceOf(WorkflowError);
    expect(e.value).toEqual({ message: 'key not found: a', tags: ['KeyError', 'LookupError'], code: 7n });
    expect(tagged('IndexError', 'x').tags).toEqual(['IndexError', 'LookupError']);
    expect(tagged('ZeroDivisionError', 'x').tags).toEqual(['ZeroDivisionError', 'ArithmeticError']);
    expect(tagged('ConnectionFailedError', 'x').tags).toEqual(['ConnectionFailedError', 'ConnectionError']);
    expect(tagged('TimeoutError', 'x').tags).toEqual(['TimeoutError']);
    expect(hasTag(tagged('KeyError', 'x'), 'LookupError')).toBe(true);
    expect(hasTag(new Error('x'), 'KeyError')).toBe(false);
  });

  it('wraps foreign exceptions as SystemError', () => {
    const e = toWorkflowError(new Error('kaboom'));
    expect(e.tags).toEqual(['SystemError']);
    expect(e.message).toContain('kaboom');
    const same = tagged('ValueError', 'v');
    expect(toWorkflowError(same)).toBe(same);
  });
});
