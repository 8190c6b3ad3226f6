import { describe, expect, it } from 'vitest';
import { ev, evErr } from '../expr/helpers.ts';

describe('list.concat / list.prepend', () => {
  it('returns a new list with the value appended or prepended', async () => {
    const vars = { l: [1, 2] };
    expect(await ev('list.concat(l, 3)', vars)).toEqual([1n, 2n, 3n]);
    expect(await ev('list.concat(l, [3])', vars)).toEqual([1n, 2n, [3n]]);
    expect(await ev('list.prepend(l, 0)', vars)).toEqual([0n, 1n, 2n]);
    expect(await ev('list.concat(list.concat([], "a"), "b")')).toEqual(['a', 'b']);
    expect(await ev('[list.concat(l, 3), l]', vars)).toEqual([[1n, 2n, 3n], [1n, 2n]]);
  });

  it('raises TypeError when the first argument is not a list', async () => {
    expect((await evErr('list.concat("a", 1)')).tags).toEqual(['TypeError']);
    expect((await evErr('list.prepend({}, 1)')).message).toContain("argument 'objs'");
  });
});

describe('map.get', () => {
  const vars = { m: { key1: 'hello', key2: { inner: 'deep' } } };

  it('looks up a key or a nested key path, returning null when absent', async () => {
    expect(await ev('map.get(m, "key1")', vars)).toBe('hello');
    expect(await ev('map.get(m, "nope")', vars)).toBe(null);
    expect(await ev('map.get(m, ["key2", "inner"])', vars)).toBe('deep');
    expect(await ev('map.get(m, ["key1", "inner"])', vars)).toBe(null);
    expect(await ev('map.get(m, ["nope", "inner"])', vars)).toBe(null);
    expect(await ev('map.get("not a map", "k")')).toBe(null);
    expect(await ev('map.get(m, [])', vars)).toEqual(vars.m);
  });

  it('raises TypeError when keys are not strings', async () => {
    expect((await evErr('map.get(m, 1)', vars)).tags).toEqual(['TypeError']);
    expect((await evErr('map.get(m, ["a", 1])', vars)).tags).toEqual(['TypeError']);
  });
});

describe('map.delete / map.merge / map.merge_nested', () => {
  const vars = { m: { a: 1, b: { x: 1, y: 2 } }, n: { b: { y: 3, z: 4 }, c: 5 } };

  it('deletes a key without touching the input', async () => {
    expect(await ev('map.delete(m, "a")', vars)).toEqual({ b: { x: 1n, y: 2n } });
    expect(await ev('map.delete(m, "missing")', vars)).toEqual({ a: 1n, b: { x: 1n, y: 2n } });
    expect(await ev('[map.delete(m, "a"), m.a]', vars)).toEqual([{ b: { x: 1n, y: 2n } }, 1n]);
    expect((await evErr('map.delete(m, 1)', vars)).tags).toEqual(['TypeError']);
  });

  it('merges shallowly with the second map winning', async () => {
    expect(await ev('map.merge(m, n)', vars)).toEqual({ a: 1n, b: { y: 3n, z: 4n }, c: 5n });
    expect((await evErr('map.merge(m, [1])', vars)).tags).toEqual(['TypeError']);
  });

  it('merges nested maps recursively', async () => {
    expect(await ev('map.merge_nested(m, n)', vars)).toEqual({ a: 1n, b: { x: 1n, y: 3n, z: 4n }, c: 5n });
    expect(await ev('map.merge_nested({"a": {"b": 1}}, {"a": 2})')).toEqual({ a: 2n });
    expect((await evErr('map.merge_nested(1, {})')).tags).toEqual(['TypeError']);
  });
});
