import { describe, expect, it } from 'vitest';
import { ev, evErr } from '../expr/helpers.ts';

describe('text.find_all / find_all_regex / match_regex', () => {
  it('finds substrings with character indexes', async () => {
    expect(await ev('text.find_all("banana", "an")')).toEqual([{ index: 1n, match: 'an' }, { index: 3n, match: 'an' }]);
    expect(await ev('text.find_all("aaa", "aa")')).toEqual([{ index: 0n, match: 'aa' }]);
    expect(await ev('text.find_all("é😀x", "x")')).toEqual([{ index: 2n, match: 'x' }]);
    expect(await ev('text.find_all("abc", "z")')).toEqual([]);
  });

  it('finds regex matches leftmost-first, as documented', async () => {
    expect(await ev('text.find_all_regex("HelloWorld", "Hello|World")')).toEqual([{ index: 0n, match: 'Hello' }, { index: 5n, match: 'World' }]);
    expect(await ev('text.find_all_regex("a1b22", "[0-9]+")')).toEqual([{ index: 1n, match: '1' }, { index: 3n, match: '22' }]);
    expect(await ev('text.find_all_regex("ab", "x*")')).toHaveLength(3);
  });

  it('translates RE2 syntax', async () => {
    expect(await ev('text.match_regex("Hello", "(?i)^hello$")')).toBe(true);
    expect(await ev('text.match_regex("ab12", "^[[:alpha:]]+[[:digit:]]+$")')).toBe(true);
    expect(await ev('text.find_all_regex("k=v", "(?P<key>\\\\w)=(?P<val>\\\\w)")')).toEqual([{ index: 0n, match: 'k=v' }]);
    expect(await ev('text.match_regex("abc", "\\\\Aabc\\\\z")')).toBe(true);
    expect(await ev('text.match_regex("xabc", "\\\\Aabc")')).toBe(false);
  });

  it('reports partial matches', async () => {
    expect(await ev('text.match_regex("say hello", "hel+o")')).toBe(true);
    expect(await ev('text.match_regex("say", "^a")')).toBe(false);
  });

  it('raises ValueError for invalid or non-RE2 patterns and TypeError for non-strings', async () => {
    for (const src of ['text.match_regex("a", "(")', 'text.match_regex("aa", "(a)\\\\1")', 'text.match_regex("a", "a(?=b)")',
      'text.find_all_regex("a", "[[:nope:]]")', 'text.match_regex("a", "(?U)a")']) {
      expect((await evErr(src)).tags, src).toEqual(['ValueError']);
    }
    expect((await evErr('text.match_regex(1, "a")')).tags).toEqual(['TypeError']);
    expect((await evErr('text.find_all("a", null)')).tags).toEqual(['TypeError']);
  });
});

describe('text.replace_all / replace_all_regex', () => {
  it('replaces every occurrence', async () => {
    expect(await ev('text.replace_all("a.b.c", ".", "/")')).toBe('a/b/c');
    expect(await ev('text.replace_all("aaa", "aa", "b")')).toBe('ba');
  });

  it('supports \\0 and \\1..\\9 in regex replacements and keeps $ literal', async () => {
    expect(await ev('text.replace_all_regex("Hello World", "World", "Workflows")')).toBe('Hello Workflows');
    expect(await ev('text.replace_all_regex("john smith", "(\\\\w+) (\\\\w+)", "\\\\2, \\\\1 (\\\\0)")')).toBe('smith, john (john smith)');
    expect(await ev('text.replace_all_regex("a1", "[0-9]", "$$")')).toBe('a$$');
    expect(await ev('text.replace_all_regex("ab", "b", "\\\\\\\\")')).toBe('a\\');
    expect((await evErr('text.replace_all_regex("ab", "b", "\\\\3")')).tags).toEqual(['ValueError']);
  });
});

describe('text.split / substring / case', () => {
  it('splits on a separator', async () => {
    expect(await ev('text.split("a,b,,c", ",")')).toEqual(['a', 'b', '', 'c']);
    expect(await ev('text.split("us-central1", "-")[0]')).toBe('us');
    expect(await ev('text.split("abc", "")')).toEqual(['a', 'b', 'c']);
    expect(await ev('text.split("", ",")')).toEqual(['']);
  });

  it('takes substrings by character, clamping the range', async () => {
    expect(await ev('text.substring("Hello World", 0, 5)')).toBe('Hello');
    expect(await ev('text.substring("héllo", 1, 3)')).toBe('él');
    expect(await ev('text.substring("😀ab", 1, 2)')).toBe('a');
    expect(await ev('text.substring("abc", -5, 99)')).toBe('abc');
    expect(await ev('text.substring("abc", 2, 1)')).toBe('');
    expect((await evErr('text.substring("abc", 1.0, 2)')).tags).toEqual(['TypeError']);
  });

  it('changes case', async () => {
    expect(await ev('text.to_upper("straße")')).toBe('STRASSE');
    expect(await ev('text.to_lower("ÀB")')).toBe('àb');
  });
});

describe('URL encoding', () => {
  it('percent-encodes all but the unreserved characters', async () => {
    expect(await ev('text.url_encode("a b&c=d/é~_.-!*")')).toBe('a%20b%26c%3Dd%2F%C3%A9~_.-%21%2A');
    expect(await ev('text.url_encode_plus("a b+c")')).toBe('a+b%2Bc');
    expect(await ev('text.url_decode("a%20b%2Fc%C3%A9")')).toBe('a b/cé');
    expect(await ev('text.url_decode(text.url_encode("x y/z?"))')).toBe('x y/z?');
    expect((await evErr('text.url_decode("%E0%A4%A")')).tags).toEqual(['ValueError']);
  });
});

describe('text.encode / text.decode', () => {
  it('round-trips text through bytes in the supported charsets', async () => {
    expect(await ev('text.encode("hé")')).toEqual(new Uint8Array([104, 0xc3, 0xa9]));
    expect(await ev('text.encode("hé", "ISO-8859-1")')).toEqual(new Uint8Array([104, 0xe9]));
    expect(await ev('text.decode(text.encode("héllo", "UTF-8"), "UTF-8")')).toBe('héllo');
    expect(await ev('text.decode(text.encode("hi", "US-ASCII"), "US-ASCII")')).toBe('hi');
  });

  it('raises ValueError for undecodable data or an unknown charset and TypeError for wrong types', async () => {
    expect((await evErr('text.decode(base64.decode("/w=="))')).tags).toEqual(['ValueError']);
    expect((await evErr('text.encode("é", "US-ASCII")')).tags).toEqual(['ValueError']);
    expect((await evErr('text.encode("a", "EBCDIC")')).tags).toEqual(['ValueError']);
    expect((await evErr('text.decode("not bytes")')).tags).toEqual(['TypeError']);
  });
});
