import { describe, expect, it } from 'vitest';
import {
  asDottedName, isExpression, MAX_EXPRESSION_LENGTH, parseAssignTarget, parseExpression,
} from '../../../../../shared/local/workflow-engine/expr/index.ts';
import { ev, syncErr } from './helpers.ts';

describe('parseExpression', () => {
  it('caches the AST by source text', () => {
    expect(parseExpression('a + 1')).toBe(parseExpression('a + 1'));
  });

  it('follows the documented precedence', async () => {
    expect(await ev('1 + 2 * 3')).toBe(7n);
    expect(await ev('(1 + 2) * 3')).toBe(9n);
    expect(await ev('10 - 4 - 3')).toBe(3n);
    expect(await ev('2 * 3 % 4')).toBe(2n);
    expect(await ev('-2 * -3')).toBe(6n);
    expect(await ev('1 + 2 == 3')).toBe(true);
    expect(await ev('1 < 2 and 2 < 3 or false')).toBe(true);
    expect(await ev('true or true and false')).toBe(true);
    expect(await ev('not false and false')).toBe(false);
    expect(await ev('1 + 1 in [2]')).toBe(true);
    expect(await ev('a.b[0].c', { a: { b: [{ c: 'x' }] } })).toBe('x');
  });

  it('binds not tighter than comparison, as the precedence table says', async () => {
    // (not 1) is a TypeError, which proves `not` applies before `==`.
    await expect(ev('not 1 == 1')).rejects.toMatchObject({ value: { tags: ['TypeError'] } });
    expect(await ev('not (1 == 2)')).toBe(true);
  });

  it('reads literals', async () => {
    for (const t of ['true', 'True', 'TRUE']) expect(await ev(t)).toBe(true);
    for (const f of ['false', 'False', 'FALSE']) expect(await ev(f)).toBe(false);
    expect(await ev('null')).toBe(null);
    expect(await ev('42')).toBe(42n);
    expect(await ev('4.5')).toBe(4.5);
    expect(await ev('1e3')).toBe(1000);
    expect(await ev('2.5E-1')).toBe(0.25);
    expect(await ev('"a\\"b\\n\\t\\\\\\u00e9"')).toBe('a"b\n\t\\é');
    expect(await ev("'single'")).toBe('single');
    expect(await ev('[1, "a", [true]]')).toEqual([1n, 'a', [true]]);
    expect(await ev('{"k": 1, "j": {"n": null}}')).toEqual({ k: 1n, j: { n: null } });
    expect(await ev('[]')).toEqual([]);
    expect(await ev('{}')).toEqual({});
    expect(await ev('-9223372036854775808')).toBe(-(2n ** 63n));
  });

  it('accepts upper-case logical operators but not mixed case', async () => {
    expect(await ev('true AND NOT false OR false')).toBe(true);
    expect(syncErr(() => parseExpression('true And false')).tags).toEqual(['ParseError']);
  });

  it('spans multiple lines', async () => {
    expect(await ev('"SELECT *" +\n  " FROM t"')).toBe('SELECT * FROM t');
  });

  it('raises ParseError with the position for malformed input', () => {
    expect(syncErr(() => parseExpression('9223372036854775808')).tags).toEqual(['ParseError']);
    expect(syncErr(() => parseExpression('-(9223372036854775808)')).tags).toEqual(['ParseError']);
    for (const bad of ['1 +', '(1', '[1,', '{"a" 1}', 'a.', 'a[1', '"open', '1 2', '@', 'a[0](1)', '+1', '"\\q"',
      '1abc', 'and', 'f(,)', '{1:}']) {
      const err = syncErr(() => parseExpression(bad));
      expect(err.tags, bad).toEqual(['ParseError']);
      expect(err.message, bad).toMatch(/position \d+/);
    }
    expect(syncErr(() => parseExpression('   ')).tags).toEqual(['ParseError']);
  });

  it('enforces the documented expression length limit', () => {
    const ok = `"${'x'.repeat(MAX_EXPRESSION_LENGTH - 2)}"`;
    expect(() => parseExpression(ok)).not.toThrow();
    const err = syncErr(() => parseExpression(`"${'x'.repeat(MAX_EXPRESSION_LENGTH - 1)}"`));
    expect(err.tags).toEqual(['ResourceLimitError']);
    expect(err.message).toContain(`limit is ${MAX_EXPRESSION_LENGTH}`);
  });

  it('spells dotted names for policy references', () => {
    expect(asDottedName(parseExpression('http.default_retry'))).toBe('http.default_retry');
    expect(asDottedName(parseExpression('my_predicate'))).toBe('my_predicate');
    expect(asDottedName(parseExpression('a[0]'))).toBeUndefined();
  });
});

describe('isExpression', () => {
  it('accepts only a whole-string ${...}', () => {
    expect(isExpression('${a}')).toBe(true);
    expect(isExpression('${"}"}')).toBe(true);
    expect(isExpression('${{"a": {"b": 1}}}')).toBe(true);
    expect(isExpression('${a} and ${b}')).toBe(false);
    expect(isExpression('prefix ${a}')).toBe(false);
    expect(isExpression('${a')).toBe(false);
    expect(isExpression('$a')).toBe(false);
    // `${}` is an expression, and an empty one: parsing it reports the problem instead of treating it as text.
    expect(isExpression('${}')).toBe(true);
  });
});

describe('parseAssignTarget', () => {
  it('splits the root, dotted keys and subscripts', () => {
    const t = parseAssignTarget('a.b["c"][0]');
    expect(t.root).toBe('a');
    expect(t.path[0]).toBe('b');
    expect(t.path[1]).toEqual({ kind: 'literal', value: 'c' });
    expect(t.path[2]).toEqual({ kind: 'literal', value: 0n });
    expect(parseAssignTarget('my_map[key_var]').path).toEqual([{ kind: 'variable', name: 'key_var' }]);
    expect(parseAssignTarget('plain')).toEqual({ root: 'plain', path: [] });
  });

  it('refuses anything that is not a target', () => {
    for (const bad of ['a + 1', '1', 'a.', 'a[', 'f(x)', 'true', '']) {
      expect(syncErr(() => parseAssignTarget(bad)).tags, bad).toEqual(['ParseError']);
    }
  });
});
