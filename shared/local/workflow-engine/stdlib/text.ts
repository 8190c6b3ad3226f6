// text.*: searching, splitting, case, URL encoding and charset conversion. Indices count characters (code points).
import { tagged } from '../errors.ts';
import { newMap, type WfValue } from '../values.ts';
import * as a from './args.ts';
import { allMatches, codePointIndex, compileRe2 } from './regex.ts';
import { fn, type PureFunction } from './types.ts';

function match(index: number, text: string): WfValue {
  const m = newMap();
  m.index = BigInt(index);
  m.match = text;
  return m;
}

function findAll(source: string, substr: string): WfValue {
  const out: WfValue[] = [];
  if (substr === '') {
    const n = a.charLength(source);
    for (let i = 0; i <= n; i++) out.push(match(i, ''));
    return out;
  }
  for (let i = source.indexOf(substr); i >= 0; i = source.indexOf(substr, i + substr.length)) {
    out.push(match(codePointIndex(source, i), substr));
  }
  return out;
}

function findAllRegex(source: string, pattern: string): WfValue {
  const re = compileRe2('text.find_all_regex', pattern);
  return allMatches(re, source).map((m) => match(codePointIndex(source, m.index), m[0]));
}

/** RE2 replacement syntax: \0 is the whole match, \1..\9 groups, \\ a literal backslash. */
function replaceAllRegex(source: string, pattern: string, replacement: string): string {
  const re = compileRe2('text.replace_all_regex', pattern);
  let out = '';
  let last = 0;
  for (const m of allMatches(re, source)) {
    out += source.slice(last, m.index);
    out += replacement.replace(/\\(\\|\d)/g, (_s, d: string) => {
      if (d === '\\') return '\\';
      const n = Number(d);
      if (n >= m.length) throw tagged('ValueError', `text.replace_all_regex: replacement refers to group \\${d} but the pattern has ${m.length - 1} group(s)`);
      return m[n] ?? '';
    });
    last = m.index + m[0].length;
  }
  return out + source.slice(last);
}

function substring(source: string, start: bigint, end: bigint): string {
  const chars = /[\uD800-\uDFFF]/.test(source) ? [...source] : null;
  const n = BigInt(chars ? chars.length : source.length);
  const clamp = (x: bigint): number => Number(x < 0n ? 0n : x > n ? n : x);
  const s = clamp(start);
  const e = clamp(end);
  if (e <= s) return '';
  return chars ? chars.slice(s, e).join('') : source.slice(s, e);
}

function split(source: string, separator: string): WfValue {
  return separator === '' ? [...source] : source.split(separator);
}

/** Percent-encodes everything except the RFC 3986 unreserved characters A-Z a-z 0-9 - _ . ~ */
function urlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function urlDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw tagged('ValueError', `text.url_decode: malformed percent-encoding in ${JSON.stringify(s)}`);
  }
}

type Charset = 'utf8' | 'latin1' | 'ascii' | 'utf16le';
function charset(fnName: string, v: WfValue | undefined): Charset {
  const name = a.optional(v, 'UTF-8', (x) => a.str(fnName, 'charset', x)).toUpperCase().replace(/_/g, '-');
  switch (name) {
    case 'UTF-8': case 'UTF8': return 'utf8';
    case 'ISO-8859-1': case 'LATIN1': case 'LATIN-1': return 'latin1';
    case 'US-ASCII': case 'ASCII': return 'ascii';
    case 'UTF-16LE': case 'UTF-16': return 'utf16le';
    default: throw tagged('ValueError', `${fnName}: unsupported charset ${JSON.stringify(name)}; supported: UTF-8, ISO-8859-1, US-ASCII, UTF-16LE`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(data: Uint8Array, cs: Charset): string {
  if (cs === 'utf8') {
    try { return utf8.decode(data); } catch { throw tagged('ValueError', 'text.decode: data is not valid UTF-8'); }
  }
  if (cs === 'ascii' && data.some((b) => b > 0x7f)) throw tagged('ValueError', 'text.decode: data is not valid US-ASCII');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(cs);
}

function encode(text: string, cs: Charset): Uint8Array {
  if (cs === 'ascii' && /[^\x00-\x7f]/.test(text)) throw tagged('ValueError', 'text.encode: text has characters outside US-ASCII');
  if (cs === 'latin1' && /[^\u0000-\u00ff]/.test(text)) throw tagged('ValueError', 'text.encode: text has characters outside ISO-8859-1');
  return new Uint8Array(Buffer.from(text, cs));
}

export const textFunctions: ReadonlyArray<[string, PureFunction]> = [
  ['text.find_all', fn(['source', 'substr'], ([s, t]) => findAll(a.str('text.find_all', 'source', s), a.str('text.find_all', 'substr', t)))],
  ['text.find_all_regex', fn(['source', 'regexp'], ([s, r]) =>
    findAllRegex(a.str('text.find_all_regex', 'source', s), a.str('text.find_all_regex', 'regexp', r)))],
  ['text.match_regex', fn(['source', 'regexp'], ([s, r]) => {
    const re = compileRe2('text.match_regex', a.str('text.match_regex', 'regexp', r));
    re.lastIndex = 0;
    const found = re.test(a.str('text.match_regex', 'source', s));
    re.lastIndex = 0;
    return found;
  })],
  ['text.replace_all', fn(['source', 'substr', 'repl'], ([s, t, r]) =>
    a.str('text.replace_all', 'source', s).split(a.str('text.replace_all', 'substr', t)).join(a.str('text.replace_all', 'repl', r)))],
  ['text.replace_all_regex', fn(['source', 'regexp', 'repl'], ([s, p, r]) =>
    replaceAllRegex(a.str('text.replace_all_regex', 'source', s), a.str('text.replace_all_regex', 'regexp', p), a.str('text.replace_all_regex', 'repl', r)))],
  ['text.split', fn(['source', 'separator'], ([s, sep]) => split(a.str('text.split', 'source', s), a.str('text.split', 'separator', sep)))],
  ['text.substring', fn(['source', 'start', 'end'], ([s, b, e]) =>
    substring(a.str('text.substring', 'source', s), a.int('text.substring', 'start', b), a.int('text.substring', 'end', e)))],
  ['text.to_lower', fn(['source'], ([s]) => a.str('text.to_lower', 'source', s).toLowerCase())],
  ['text.to_upper', fn(['source'], ([s]) => a.str('text.to_upper', 'source', s).toUpperCase())],
  ['text.url_encode', fn(['source'], ([s]) => urlEncode(a.str('text.url_encode', 'source', s)))],
  ['text.url_encode_plus', fn(['source'], ([s]) => urlEncode(a.str('text.url_encode_plus', 'source', s)).replace(/%20/g, '+'))],
  ['text.url_decode', fn(['source'], ([s]) => urlDecode(a.str('text.url_decode', 'source', s)))],
  ['text.decode', fn(['data', 'charset'], ([d, c]) => decode(a.bytes('text.decode', 'data', d), charset('text.decode', c)), 1)],
  ['text.encode', fn(['text', 'charset'], ([t, c]) => encode(a.str('text.encode', 'text', t), charset('text.encode', c)), 1)],
];
