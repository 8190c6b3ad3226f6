/**
 * YAML ints and doubles: `x: 2` is an int and `x: 2.0` a double (YAML 1.2 core schema, which Cloud Workflows
 * follows), wherever the literal sits (assign, nested lists and maps, call args, param defaults, return), and the
 * loader's parse and evaluateTemplate agree with the interpreter on it.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluateTemplate } from '../../../../shared/local/workflow-engine/expr/index.ts';
import { typeName, type WfValue } from '../../../../shared/local/workflow-engine/values.ts';
import { result } from './helpers.ts';

const literals = `{x: 2.0, y: 2, e: 1e3, l: [1.0, 2, {d: 3.0}], m: {d: 4.0, i: 4}}`;

describe('YAML int / double distinction', () => {
  it('keeps x: 2.0 a double and x: 2 an int through assign, lists, maps, args, defaults and return', async () => {
    const r = await result(`
main:
  steps:
    - a:
        assign:
          - x: 2.0
          - y: 2
          - l: [1.0, 2, {d: 3.0}]
          - m: {d: 4.0, i: 4}
    - s:
        call: sub
        args: {p: 5.0}
        result: sr
    - r:
        return: \${[type(x), type(y), type(l[0]), type(l[1]), type(l[2].d), type(m.d), type(m.i), sr, type(2.0), type(2), json.encode_to_string([x, y, l, m])]}
sub:
  params: [p, q: 6.0, k: 6]
  steps:
    - r:
        return: \${[type(p), type(q), type(k)]}
`);
    expect(r).toEqual(['double', 'int', 'double', 'int', 'double', 'double', 'int', ['double', 'double', 'int'], 'double', 'int', '[2.0,2,[1.0,2,{"d":3.0}],{"d":4.0,"i":4}]']);
  });

  it('the same holds for a workflow written in JSON', async () => {
    expect(await result('{"main": {"steps": [{"a": {"assign": [{"x": 2.0}, {"y": 2}]}}, {"r": {"return": "${[type(x), type(y)]}"}}]}}')).toEqual(['double', 'int']);
  });

  it('a returned literal double stays a double', async () => {
    expect(await result('- r:\n    return: 2.0\n')).toBe(2);
    expect(await result('- r:\n    return: ${type(1e3) + " " + type(3)}\n')).toBe('double int');
  });

  it('evaluateTemplate gives the same types as the interpreter for a YAML node parsed as the loader parses it', async () => {
    const node = parse(literals, { intAsBigInt: true }) as unknown;
    const v = await evaluateTemplate(node, { lookup: () => undefined, callExternal: () => Promise.reject(new Error('no calls here')) }) as Record<string, WfValue>;
    const types = (x: WfValue): unknown => (Array.isArray(x) ? x.map(types) : x !== null && typeof x === 'object' && !(x instanceof Uint8Array) ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, types(y)])) : typeName(x));
    const expected = { x: 'double', y: 'int', e: 'double', l: ['double', 'int', { d: 'double' }], m: { d: 'double', i: 'int' } };
    expect(types(v)).toEqual(expected);
    const viaInterpreter = await result(`
- a:
    assign:
      - v: ${literals}
- r:
    return: \${[type(v.x), type(v.y), type(v.e), [type(v.l[0]), type(v.l[1]), type(v.l[2].d)], type(v.m.d), type(v.m.i)]}
`);
    expect(viaInterpreter).toEqual([expected.x, expected.y, expected.e, expected.l.slice(0, 2).concat(['double']), expected.m.d, expected.m.i]);
  });
});
