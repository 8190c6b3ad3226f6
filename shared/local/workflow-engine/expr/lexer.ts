// Tokenizer for the text inside `${...}`.
import { tagged } from '../errors.ts';
import { INT64_MAX } from '../values.ts';

export type Token =
  | { t: 'num'; value: bigint | number; pos: number }
  | { t: 'str'; value: string; pos: number }
  | { t: 'name'; value: string; pos: number }
  | { t: 'op'; value: string; pos: number }
  | { t: 'eof'; pos: number };

const OPERATORS = ['//', '<=', '>=', '==', '!=', '+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.'];

function isDigit(c: number): boolean { return c >= 48 && c <= 57; }
function isNameStart(c: number): boolean { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; }
function isNamePart(c: number): boolean { return isNameStart(c) || isDigit(c); }

export function parseError(source: string, pos: number, what: string): never {
  throw tagged('ParseError', `${what} at position ${pos} in expression: ${source}`);
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) { i++; continue; }
    const start = i;
    if (isDigit(c)) {
      while (i < n && isDigit(src.charCodeAt(i))) i++;
      let isDouble = false;
      if (src[i] === '.' && i + 1 < n && isDigit(src.charCodeAt(i + 1))) {
        isDouble = true;
        i++;
        while (i < n && isDigit(src.charCodeAt(i))) i++;
      }
      if (src[i] === 'e' || src[i] === 'E') {
        let j = i + 1;
        if (src[j] === '+' || src[j] === '-') j++;
        if (j < n && isDigit(src.charCodeAt(j))) {
          isDouble = true;
          i = j;
          while (i < n && isDigit(src.charCodeAt(i))) i++;
        }
      }
      if (i < n && isNameStart(src.charCodeAt(i))) parseError(src, i, `malformed number '${src.slice(start, i + 1)}'`);
      const text = src.slice(start, i);
      if (isDouble) {
        out.push({ t: 'num', value: Number(text), pos: start });
      } else {
        const v = BigInt(text);
        // The magnitude 2^63 is allowed so that `-9223372036854775808` (unary minus applied later) can be written.
        if (v > INT64_MAX + 1n) parseError(src, start, `integer literal ${text} does not fit in 64 bits`);
        out.push({ t: 'num', value: v, pos: start });
      }
      continue;
    }
    if (isNameStart(c)) {
      while (i < n && isNamePart(src.charCodeAt(i))) i++;
      out.push({ t: 'name', value: src.slice(start, i), pos: start });
      continue;
    }
    if (c === 34 || c === 39) {
      const [value, end] = readString(src, i);
      out.push({ t: 'str', value, pos: start });
      i = end;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) parseError(src, i, `unexpected character ${JSON.stringify(src[i])}`);
    out.push({ t: 'op', value: op, pos: start });
    i += op.length;
  }
  out.push({ t: 'eof', pos: n });
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '\\': '\\', '"': '"', "'": "'", '/': '/',
};

function readString(src: string, start: number): [string, number] {
  const quote = src[start];
  let i = start + 1;
  let out = '';
  let chunk = i;
  while (i < src.length) {
    const ch = src[i];
    if (ch === quote) return [out + src.slice(chunk, i), i + 1];
    if (ch !== '\\') { i++; continue; }
    out += src.slice(chunk, i);
    const e = src[i + 1];
    if (e === undefined) break;
    if (e === 'u') {
      const hex = src.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) parseError(src, i, 'bad \\u escape in string literal');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else {
      parseError(src, i, `unknown escape \\${e} in string literal`);
    }
    chunk = i;
  }
  return parseError(src, start, 'unterminated string literal');
}
