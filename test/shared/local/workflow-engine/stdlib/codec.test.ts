import { describe, expect, it } from 'vitest';
import { ev, evErr } from '../expr/helpers.ts';

describe('json', () => {
  it('decodes strings and bytes keeping ints and doubles apart', async () => {
    expect(await ev('json.decode("{\\"a\\": [1, 1.0, null]}")')).toEqual({ a: [1n, 1, null] });
    expect(await ev('type(json.decode("1.0"))')).toBe('double');
    expect(await ev('json.decode(text.encode("[true]"))')).toEqual([true]);
    expect(await ev('json.decode(json.encode({"k": "v"})).k')).toBe('v');
  });

  it('encodes to bytes and to string', async () => {
    expect(await ev('text.decode(json.encode({"a": 1, "b": [2.5, "x"]}))')).toBe('{"a":1,"b":[2.5,"x"]}');
    expect(await ev('json.encode_to_string([1, null, true])')).toBe('[1,null,true]');
    expect(await ev('base64.encode(json.encode({"hello": "world"}))')).toBe('eyJoZWxsbyI6IndvcmxkIn0=');
  });

  it('indents as documented: true means four spaces, a map sets prefix and indent', async () => {
    expect(await ev('json.encode_to_string({"a": [1]}, true)')).toBe('{\n    "a": [\n        1\n    ]\n}');
    expect(await ev('json.encode_to_string({"a": 1}, {"indent": " ", "prefix": "#"})')).toBe('{\n# "a": 1\n#}');
    expect(await ev('json.encode_to_string({"a": 1}, false)')).toBe('{"a":1}');
    expect((await evErr('json.encode_to_string(1, "yes")')).tags).toEqual(['TypeError']);
  });

  it('raises ValueError for invalid JSON and for values JSON cannot hold', async () => {
    expect((await evErr('json.decode("{bad")')).tags).toEqual(['ValueError']);
    expect((await evErr('json.decode(base64.decode("/w=="))')).tags).toEqual(['ValueError']);
    expect((await evErr('json.encode_to_string(text.encode("x"))')).tags).toEqual(['ValueError']);
    expect((await evErr('json.decode(1)')).tags).toEqual(['TypeError']);
  });
});

describe('base64', () => {
  it('encodes bytes with or without padding', async () => {
    expect(await ev('base64.encode(text.encode("hi"))')).toBe('aGk=');
    expect(await ev('base64.encode(text.encode("hi"), false)')).toBe('aGk');
    expect(await ev('base64.encode(text.encode(""))')).toBe('');
  });

  it('decodes to bytes, checking the padding expectation', async () => {
    expect(await ev('text.decode(base64.decode("aGk="))')).toBe('hi');
    expect(await ev('text.decode(base64.decode("aGk", false))')).toBe('hi');
    for (const src of ['base64.decode("aGk")', 'base64.decode("aGk=", false)', 'base64.decode("a*b=")', 'base64.decode("a")']) {
      expect((await evErr(src)).tags, src).toEqual(['ValueError']);
    }
    expect((await evErr('base64.encode("text")')).tags).toEqual(['TypeError']);
    expect((await evErr('base64.decode(1)')).tags).toEqual(['TypeError']);
  });
});
