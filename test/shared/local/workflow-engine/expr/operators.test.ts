import { describe, expect, it } from 'vitest';
import { ev, evErr } from './helpers.ts';

const MAX = '9223372036854775807';
const MIN = '-9223372036854775808';

describe('arithmetic', () => {
  it('keeps int + int an int and promotes to double with any double', async () => {
    expect(await ev('2 + 3')).toBe(5n);
    expect(await ev('2 + 3.0')).toBe(5);
    expect(await ev('2.5 - 1')).toBe(1.5);
    expect(await ev('4 * 2.5')).toBe(10);
    expect(await ev('-(3)')).toBe(-3n);
    expect(await ev('-x', { x: 2.5 })).toBe(-2.5);
  });

  it('always gives a double from /', async () => {
    const v = await ev('4 / 2');
    expect(v).toBe(2);
    expect(typeof v).toBe('number');
    expect(await ev('7 / 2')).toBe(3.5);
    expect(await ev('-7 / 2')).toBe(-3.5);
  });

  it('floors with // and gives % the sign of the divisor', async () => {
    expect(await ev('7 // 2')).toBe(3n);
    expect(await ev('-7 // 2')).toBe(-4n);
    expect(await ev('7 // -2')).toBe(-4n);
    expect(await ev('-7 // -2')).toBe(3n);
    expect(await ev('7.5 // 2')).toBe(3);
    expect(await ev('-7.5 // 2')).toBe(-4);
    expect(await ev('7 % 3')).toBe(1n);
    expect(await ev('-7 % 3')).toBe(2n);
    expect(await ev('7 % -3')).toBe(-2n);
    expect(await ev('-7 % -3')).toBe(-1n);
    expect(await ev('5.5 % 2')).toBe(1.5);
    expect(await ev('-5.5 % 2')).toBe(0.5);
    for (const [a, b] of [[-7n, 3n], [7n, -3n], [13n, 5n], [-13n, -5n]]) {
      expect(await ev(`(${a} // ${b}) * ${b} + ${a} % ${b}`)).toBe(a);
    }
  });

  it('raises ZeroDivisionError (an ArithmeticError) for /, // and % by zero, int or double', async () => {
    for (const src of ['1 / 0', '1 // 0', '1 % 0', '1.5 / 0.0', '1 // 0.0', '2.0 % 0']) {
      const e = await evErr(src);
      expect(e.tags, src).toEqual(['ZeroDivisionError', 'ArithmeticError']);
      expect(e.message).toContain('division by zero');
    }
  });

  it('raises on 64-bit int overflow at the edges', async () => {
    expect(await ev(`${MAX} + 0`)).toBe(2n ** 63n - 1n);
    expect(await ev(`${MIN} + 0`)).toBe(-(2n ** 63n));
    for (const src of [`${MAX} + 1`, `${MIN} - 1`, `${MAX} * 2`, `-(${MIN})`, `${MIN} // -1`, '3037000500 * 3037000500']) {
      const e = await evErr(src);
      expect(e.tags, src).toEqual(['ValueError']);
      expect(e.message).toContain('overflow');
    }
    expect(await ev(`${MAX} + 1.0`)).toBe(2 ** 63);
  });

  // The "Implicit data type conversions" table of https://cloud.google.com/workflows/docs/reference/syntax/datatypes:
  // a string with an int, double, bool or string is a string, either way round; bool with a number is an error.
  it('concatenates a string with a string, int, double or bool (either side) and refuses the rest', async () => {
    expect(await ev('"a" + "b"')).toBe('ab');
    expect(await ev('"n=" + 1')).toBe('n=1');
    expect(await ev('1 + "a"')).toBe('1a');
    expect(await ev('"x" + 2.5')).toBe('x2.5');
    expect(await ev('"x" + 2.0')).toBe('x2.0');
    expect(await ev('true + "x"')).toBe('truex');
    expect(await ev('"x" + false')).toBe('xfalse');
    expect(await ev('"t" + 1 + 2')).toBe('t12');
    expect(await ev('1 + 2 + "t"')).toBe('3t');
    for (const src of ['"a" + null', 'null + "a"', '"a" + [1]', '"a" + {"b": 1}', '[1] + [2]', '{"a":1} + {"b":2}', 'true + 1', '1.5 + true', 'true + false', 'null + 1', '"a" * 2', '"a" - "a"', '-"a"', '- true', '"4" / 2']) {
      const e = await evErr(src);
      expect(e.tags, src).toEqual(['TypeError']);
    }
    expect((await evErr('true + 1')).message).toContain('bool and int');
  });
});

describe('comparison', () => {
  it('orders numbers across int and double, and strings lexically', async () => {
    expect(await ev('1 < 1.5')).toBe(true);
    expect(await ev('2 <= 2.0')).toBe(true);
    expect(await ev('3 > 2.999')).toBe(true);
    expect(await ev('2 >= 3')).toBe(false);
    expect(await ev('"abc" < "abd"')).toBe(true);
    expect(await ev('"B" < "a"')).toBe(true);
    expect(await ev(`${MAX} < 9223372036854775808.0`)).toBe(true);
  });

  it('raises TypeError ordering values of different or unordered types', async () => {
    for (const src of ['1 < "2"', '"a" > 1', 'true < false', 'null < 1', '[1] < [2]', '{} <= {}']) {
      expect((await evErr(src)).tags, src).toEqual(['TypeError']);
    }
  });

  it('tests equality of any types, numerically across int and double', async () => {
    expect(await ev('1 == 1.0')).toBe(true);
    expect(await ev('1 != 1.0')).toBe(false);
    expect(await ev('"1" == 1')).toBe(false);
    expect(await ev('null == null')).toBe(true);
    expect(await ev('null != 0')).toBe(true);
    expect(await ev('[1, {"a": 2}] == [1.0, {"a": 2.0}]')).toBe(true);
    expect(await ev('{"a": 1} == {"a": 1, "b": 2}')).toBe(false);
    expect(await ev('true == 1')).toBe(false);
  });
});

describe('membership', () => {
  it('tests list elements by equality and map keys', async () => {
    expect(await ev('2 in [1, 2, 3]')).toBe(true);
    expect(await ev('2.0 in [1, 2]')).toBe(true);
    expect(await ev('[1] in [[1], [2]]')).toBe(true);
    expect(await ev('"x" in []')).toBe(false);
    expect(await ev('"a" in {"a": null}')).toBe(true);
    expect(await ev('"b" in {"a": 1}')).toBe(false);
    expect(await ev('"b" not in {"a": 1}')).toBe(true);
    expect(await ev('"SystemError" in e.tags', { e: { tags: ['SystemError'] } })).toBe(true);
  });

  it('raises TypeError for a non-container or a non-string map key', async () => {
    for (const src of ['1 in "123"', '"a" in "abc"', '1 in {"1": 1}', '1 in null', '1 not in 5']) {
      expect((await evErr(src)).tags, src).toEqual(['TypeError']);
    }
  });
});

describe('logic', () => {
  it('short-circuits and/or', async () => {
    expect(await ev('false and (1 / 0 == 1)')).toBe(false);
    expect(await ev('true or (1 / 0 == 1)')).toBe(true);
    expect(await ev('true and undefined_var', { undefined_var: true })).toBe(true);
  });

  it('requires bool operands', async () => {
    for (const src of ['1 and true', 'true and 1', 'false or "x"', 'null or true', 'not 0', 'not null', 'not "true"']) {
      const e = await evErr(src);
      expect(e.tags, src).toEqual(['TypeError']);
    }
  });
});

describe('access', () => {
  const vars = { m: { a: { b: [10, 20] }, 'special!key': 1 }, l: [1, 2, 3] };

  it('reads maps with . and [] and lists with int indexes', async () => {
    expect(await ev('m.a.b[1]', vars)).toBe(20n);
    expect(await ev('m["a"]["b"][0]', vars)).toBe(10n);
    expect(await ev('m["special!key"]', vars)).toBe(1n);
    expect(await ev('l[len(l) - 1]', vars)).toBe(3n);
  });

  it('raises KeyError naming a missing key', async () => {
    for (const src of ['m.zz', 'm["zz"]', 'm.a.zz']) {
      const e = await evErr(src, vars);
      expect(e.tags, src).toEqual(['KeyError', 'LookupError']);
      expect(e.message).toContain('zz');
    }
  });

  it('raises IndexError naming the index, for out of range and negative indexes', async () => {
    for (const src of ['l[3]', 'l[-1]', '[][0]']) {
      const e = await evErr(src, vars);
      expect(e.tags, src).toEqual(['IndexError', 'LookupError']);
    }
    expect((await evErr('l[3]', vars)).message).toContain('index 3');
  });

  it('raises TypeError for a wrongly typed subscript or subject', async () => {
    for (const src of ['l["0"]', 'l[0.0]', 'm[1]', '"abc"[0]', 'l.a', '(5).x', 'null.a', 'null[0]']) {
      expect((await evErr(src, vars)).tags, src).toEqual(['TypeError']);
    }
  });

  it('raises KeyError for an unknown variable', async () => {
    const e = await evErr('nope + 1');
    expect(e.tags).toEqual(['KeyError', 'LookupError']);
    expect(e.message).toContain("'nope'");
  });
});
