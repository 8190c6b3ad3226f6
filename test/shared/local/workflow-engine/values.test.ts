import { describe, expect, it } from 'vitest';
import { WorkflowError } from '../../../../shared/local/workflow-engine/errors.ts';
import {
  deepEqual, formatDouble, fromJs, fromJsonText, INT64_MAX, INT64_MIN, newMap, numericCompare, sizeInBytes, toJs,
  toJsonText, typeName,
} from '../../../../shared/local/workflow-engine/values.ts';
import { syncErr } from './expr/helpers.ts';

describe('typeName', () => {
  it('names every kind of value', () => {
    expect([null, true, 1n, 1.5, 's', new Uint8Array(1), [], newMap()].map(typeName))
      .toEqual(['null', 'bool', 'int', 'double', 'string', 'bytes', 'list', 'map']);
  });
});

describe('fromJs / toJs', () => {
  it('maps integral numbers to int and others to double', () => {
    expect(fromJs(3)).toBe(3n);
    expect(fromJs(3.5)).toBe(3.5);
    expect(fromJs(1e300)).toBe(1e300);
    expect(fromJs({ a: [1, 'x', null, undefined] })).toEqual(Object.assign(newMap(), { a: [1n, 'x', null, null] }));
  });

  it('keeps __proto__ and constructor as ordinary keys', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 2}') as unknown;
    const m = fromJs(parsed) as Record<string, unknown>;
    expect(Object.keys(m).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(m)).toBeNull();
  });

  it('refuses functions and class instances with a TypeError', () => {
    expect(syncErr(() => fromJs(() => 1)).tags).toEqual(['TypeError']);
    expect(syncErr(() => fromJs(new Map())).tags).toEqual(['TypeError']);
    expect(syncErr(() => fromJs(2n ** 64n)).tags).toEqual(['ValueError']);
  });

  it('converts back: safe ints to numbers, big ints to strings, bytes to base64', () => {
    expect(toJs(5n)).toBe(5);
    expect(toJs(INT64_MAX)).toBe('9223372036854775807');
    expect(toJs(new Uint8Array([104, 105]))).toBe('aGk=');
    const m = newMap();
    m.__proto__ = 1n;
    expect(Object.keys(toJs(m) as object)).toEqual(['__proto__']);
  });
});

describe('JSON', () => {
  it('keeps ints as int and 1.0 / 1e3 as double', () => {
    const v = fromJsonText('{"i": 1, "d": 1.0, "e": 1e3, "big": 9223372036854775808, "neg": -9223372036854775808}') as Record<string, unknown>;
    expect(v.i).toBe(1n);
    expect(v.d).toBe(1);
    expect(typeName(v.d as number)).toBe('double');
    expect(v.e).toBe(1000);
    expect(typeName(v.big as number)).toBe('double');
    expect(v.neg).toBe(INT64_MIN);
  });

  it('decodes escapes and nested structures', () => {
    expect(fromJsonText(' ["a\\n\\u00e9\\"", {"x": [true, false, null]}] ')).toEqual(['a\né"', Object.assign(newMap(), { x: [true, false, null] })]);
  });

  it('raises ValueError naming the offset for malformed JSON', () => {
    for (const bad of ['', '{', '[1,]', '{"a" 1}', 'nul', '01', '"\\x"', '1 2', '{"a":1,}', '"abc']) {
      const err = syncErr(() => fromJsonText(bad));
      expect(err.tags, bad).toEqual(['ValueError']);
      expect(err.message).toMatch(/invalid JSON at offset \d+/);
    }
  });

  it('encodes compactly with doubles keeping a fraction', () => {
    expect(toJsonText(fromJsonText('{"a":[1,2.5,1.0,"s",null,true]}'))).toBe('{"a":[1,2.5,1.0,"s",null,true]}');
    expect(toJsonText(2.0)).toBe('2.0');
    expect(toJsonText(1e21)).toBe('1e+21');
  });

  it('indents with prefix and indent', () => {
    expect(toJsonText(fromJs({ a: [1] }), { prefix: '>', indent: '  ' })).toBe('{\n>  "a": [\n>    1\n>  ]\n>}');
    expect(toJsonText(fromJs({ a: [] }), { prefix: '', indent: '\t' })).toBe('{\n\t"a": []\n}');
  });

  it('refuses bytes and non-finite doubles', () => {
    expect(syncErr(() => toJsonText([new Uint8Array(1)])).tags).toEqual(['ValueError']);
    expect(syncErr(() => toJsonText(Number.NaN)).tags).toEqual(['ValueError']);
  });

  it('round-trips random values', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const gen = (d: number): unknown => {
      const r = rnd();
      if (d > 3 || r < 0.3) return [null, true, Math.floor(rnd() * 1e6) - 5e5, rnd() * 100 + 0.5, `s${rnd()}`][Math.floor(rnd() * 5)];
      if (r < 0.65) return Array.from({ length: Math.floor(rnd() * 4) }, () => gen(d + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [`k${i}`, gen(d + 1)]));
    };
    for (let i = 0; i < 200; i++) {
      const v = fromJs(gen(0));
      expect(deepEqual(fromJsonText(toJsonText(v)), v)).toBe(true);
    }
  });
});

describe('deepEqual and numericCompare', () => {
  it('compares int and double numerically and structures deeply', () => {
    expect(deepEqual(1n, 1.0)).toBe(true);
    expect(deepEqual(INT64_MAX, 2 ** 63)).toBe(false);
    expect(deepEqual([1n, fromJs({ a: 'x' })], [1.0, fromJs({ a: 'x' })])).toBe(true);
    expect(deepEqual(fromJs({ a: 1 }), fromJs({ b: 1 }))).toBe(false);
    expect(deepEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(deepEqual('1', 1n)).toBe(false);
    expect(deepEqual(null, fromJs({}))).toBe(false);
    expect(deepEqual([], fromJs({}))).toBe(false);
  });

  it('orders bigints against doubles exactly', () => {
    expect(numericCompare(INT64_MAX, 2 ** 63)).toBe(-1);
    expect(numericCompare(2 ** 63, INT64_MAX)).toBe(1);
    expect(numericCompare(3n, 2.5)).toBe(1);
    expect(numericCompare(-3n, -2.5)).toBe(-1);
    expect(numericCompare(2n, Infinity)).toBe(-1);
    expect(numericCompare(2n, Number.NaN)).toBeNaN();
  });
});

describe('sizeInBytes', () => {
  it('approximates the JSON-encoded size', () => {
    expect(sizeInBytes('héllo')).toBe(6);
    expect(sizeInBytes(1n)).toBe(8);
    expect(sizeInBytes(new Uint8Array(100))).toBe(100);
    const big = fromJs({ list: Array.from({ length: 1000 }, () => 'x'.repeat(100)) });
    expect(sizeInBytes(big)).toBeGreaterThan(100_000);
    expect(sizeInBytes(big)).toBeLessThan(110_000);
  });
});

describe('formatDouble', () => {
  it('always shows a double as a double', () => {
    expect([1, 1.5, -0.25, 1e21, Infinity, Number.NaN].map(formatDouble)).toEqual(['1.0', '1.5', '-0.25', '1e+21', 'Infinity', 'NaN']);
  });
});

describe('WorkflowError', () => {
  it('carries the raised value and exposes its tags', () => {
    const e = new WorkflowError(fromJs({ message: 'boom', tags: ['A', 'B'], code: 5 }));
    expect(e.tags).toEqual(['A', 'B']);
    expect(e.message).toBe('A: boom');
    expect(new WorkflowError('plain').message).toBe('plain');
    expect(new WorkflowError('plain').tags).toEqual([]);
  });
});
