import { describe, expect, it } from 'vitest';
import { stdlib } from '../../../../../shared/local/workflow-engine/stdlib/index.ts';
import { ev, evErr } from '../expr/helpers.ts';

describe('the stdlib table', () => {
  it('holds every pure function and none of the interpreter-provided ones', () => {
    for (const name of ['default', 'keys', 'len', 'type', 'get_type', 'int', 'double', 'string', 'bool', 'list.concat',
      'list.prepend', 'map.get', 'map.delete', 'map.merge', 'map.merge_nested', 'text.find_all', 'text.find_all_regex',
      'text.match_regex', 'text.replace_all', 'text.replace_all_regex', 'text.split', 'text.substring', 'text.to_lower',
      'text.to_upper', 'text.url_encode', 'text.url_encode_plus', 'text.url_decode', 'text.decode', 'text.encode',
      'json.decode', 'json.encode', 'json.encode_to_string', 'base64.decode', 'base64.encode', 'math.abs', 'math.floor',
      'math.max', 'math.min', 'time.format', 'time.parse', 'uuid.generate', 'hash.compute_checksum', 'hash.compute_hmac']) {
      expect(stdlib.has(name), name).toBe(true);
    }
    for (const name of ['sys.sleep', 'sys.now', 'sys.log', 'sys.get_env', 'http.get', 'events.await_callback']) {
      expect(stdlib.has(name), name).toBe(false);
    }
    for (const [name, f] of stdlib) {
      expect(f.params.length, name).toBeGreaterThanOrEqual(f.minArgs ?? f.params.length);
    }
  });
});

describe('default', () => {
  it('returns the value unless it is null', async () => {
    expect(await ev('default(null, "d")')).toBe('d');
    expect(await ev('default(0, "d")')).toBe(0n);
    expect(await ev('default(false, true)')).toBe(false);
    expect(await ev('default(map.get(m, "x"), 5)', { m: {} })).toBe(5n);
  });
});

describe('keys and len', () => {
  it('lists map keys in insertion order', async () => {
    expect(await ev('keys({"b": 1, "a": 2})')).toEqual(['b', 'a']);
    expect((await evErr('keys([1])')).tags).toEqual(['TypeError']);
  });

  it('measures strings in characters, lists, maps and bytes', async () => {
    expect(await ev('len("héllo")')).toBe(5n);
    expect(await ev('len("😀a")')).toBe(2n);
    expect(await ev('len([1, [2, 3]])')).toBe(2n);
    expect(await ev('len({"a": 1})')).toBe(1n);
    expect(await ev('len(text.encode("é"))')).toBe(2n);
    for (const src of ['len(1)', 'len(null)', 'len(true)', 'len(1.5)']) expect((await evErr(src)).tags, src).toEqual(['TypeError']);
  });
});

describe('type', () => {
  it('names the type of each value', async () => {
    expect(await ev('[type(1), type(1.0), type("s"), type(true), type(null), type([]), type({}), type(text.encode("x"))]'))
      .toEqual(['int', 'double', 'string', 'bool', 'null', 'list', 'map', 'bytes']);
    expect(await ev('get_type(1)')).toBe('int');
  });
});

describe('int', () => {
  it('converts strings, doubles (truncating toward zero) and ints', async () => {
    expect(await ev('int("42")')).toBe(42n);
    expect(await ev('int("-7")')).toBe(-7n);
    expect(await ev('int(" 8 ")')).toBe(8n);
    expect(await ev('int(2.7)')).toBe(2n);
    expect(await ev('int(-2.7)')).toBe(-2n);
    expect(await ev('int(5)')).toBe(5n);
    expect(await ev('int("9223372036854775807")')).toBe(2n ** 63n - 1n);
  });

  it('raises ValueError for bad text or out-of-range values and TypeError for other types', async () => {
    for (const src of ['int("4.5")', 'int("abc")', 'int("")', 'int("9223372036854775808")', 'int(1e300)', 'int(1e300 * 1e300)']) {
      expect((await evErr(src)).tags, src).toEqual(['ValueError']);
    }
    for (const src of ['int(true)', 'int(null)', 'int([1])']) expect((await evErr(src)).tags, src).toEqual(['TypeError']);
  });
});

describe('double', () => {
  it('converts strings and ints', async () => {
    expect(await ev('double("2.5")')).toBe(2.5);
    expect(await ev('double("1e3")')).toBe(1000);
    expect(await ev('double("-.5")')).toBe(-0.5);
    expect(await ev('type(double(3))')).toBe('double');
    expect(await ev('double(1.25)')).toBe(1.25);
  });

  it('raises ValueError for bad text and TypeError for other types', async () => {
    for (const src of ['double("x")', 'double("")', 'double("1.2.3")', 'double("Infinity")']) {
      expect((await evErr(src)).tags, src).toEqual(['ValueError']);
    }
    for (const src of ['double(false)', 'double({})']) expect((await evErr(src)).tags, src).toEqual(['TypeError']);
  });
});

describe('string', () => {
  it('converts ints, doubles and bools', async () => {
    expect(await ev('string(42)')).toBe('42');
    expect(await ev('string(-1.5)')).toBe('-1.5');
    expect(await ev('string(80.6)')).toBe('80.6');
    expect(await ev('string(2.0)')).toBe('2.0');
    expect(await ev('string(true)')).toBe('true');
    expect(await ev('string("s")')).toBe('s');
    expect(await ev('"Current temperature is " + string(27 * 9 / 5 + 32) + " F"')).toBe('Current temperature is 80.6 F');
  });

  it('raises TypeError for null, lists, maps and bytes', async () => {
    for (const src of ['string(null)', 'string([1])', 'string({})', 'string(text.encode("x"))']) {
      expect((await evErr(src)).tags, src).toEqual(['TypeError']);
    }
  });
});

describe('bool', () => {
  it('converts the boolean words and passes bools through', async () => {
    expect(await ev('[bool("true"), bool("False"), bool("TRUE"), bool(false)]')).toEqual([true, false, true, false]);
    expect((await evErr('bool("yes")')).tags).toEqual(['ValueError']);
    expect((await evErr('bool(1)')).tags).toEqual(['TypeError']);
  });
});
