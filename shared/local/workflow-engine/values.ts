// The Cloud Workflows value model: int is a 64-bit bigint, double a JS number, bytes a Uint8Array, maps are
// prototype-less objects so user keys such as "__proto__" or "constructor" are ordinary data.
import { tagged } from './errors.ts';

export type WfValue = null | boolean | bigint | number | string | Uint8Array | WfValue[] | WfMap;
export interface WfMap { [key: string]: WfValue }
export type WfTypeName = 'null' | 'bool' | 'int' | 'double' | 'string' | 'bytes' | 'list' | 'map';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** A fresh map with no prototype: assignment of any key (even "__proto__") stores data. */
export function newMap(): WfMap {
  return Object.create(null) as WfMap;
}

export function isMap(v: WfValue | undefined): v is WfMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function hasKey(m: WfMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

export function typeName(v: WfValue): WfTypeName {
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return 'double';
    case 'string': return 'string';
    default:
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'list';
      if (v instanceof Uint8Array) return 'bytes';
      return 'map';
  }
}

/** Checks a bigint result against the int64 range; overflow raises ValueError (Workflows ints are 64-bit signed). */
export function checkInt(n: bigint): bigint {
  if (n > INT64_MAX || n < INT64_MIN) throw tagged('ValueError', `integer overflow: result ${n} does not fit in a 64-bit signed int`);
  return n;
}

/**
 * JS → WfValue. Integral numbers within int64 become int (bigint); other numbers become double. Buffers become
 * bytes. Anything that is not JSON-like (functions, symbols, class instances other than Date) raises TypeError.
 * Dates become their ISO string.
 */
export function fromJs(v: unknown): WfValue {
  return fromJsInner(v, 0);
}

function fromJsInner(v: unknown, depth: number): WfValue {
  if (depth > 1000) throw tagged('RecursionError', 'value nested too deeply (over 1000 levels)');
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean': case 'string': return v;
    case 'bigint': return checkInt(v);
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return BigInt(v);
      return v;
    case 'object': {
      if (v instanceof Uint8Array) return v;
      if (Array.isArray(v)) return v.map((x) => fromJsInner(x, depth + 1));
      if (v instanceof Date) return v.toISOString();
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw tagged('TypeError', `cannot convert a ${(v as object).constructor?.name ?? 'object'} instance to a workflow value`);
      }
      const out = newMap();
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x !== undefined) out[k] = fromJsInner(x, depth + 1);
      }
      return out;
    }
    default:
      throw tagged('TypeError', `cannot convert a JavaScript ${typeof v} to a workflow value`);
  }
}

/**
 * WfValue → plain JS (for JSON output and for callers outside the engine). int becomes a number when it is a
 * safe integer, else its decimal string; bytes become their base64 text (for logs: a workflow result with bytes
 * is refused before it gets here, see execution.ts); maps become ordinary objects.
 */
export function toJs(v: WfValue): unknown {
  switch (typeof v) {
    case 'bigint':
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'object':
      if (v === null) return null;
      if (Array.isArray(v)) return v.map(toJs);
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v)) {
          Object.defineProperty(out, k, { value: toJs(v[k]), enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
    default:
      return v;
  }
}

/** Formats a double the way Workflows prints it: always with a fractional part or exponent (1.0, not 1). */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Indentation for toJsonText: every line after the first starts with prefix, then indent once per nesting level. */
export interface JsonIndent { prefix: string; indent: string }

/**
 * JSON text as json.encode produces it: compact unless indent is given; ints exact; doubles always with a fraction
 * or exponent so they decode back as doubles. Bytes, NaN and infinities cannot be encoded (ValueError).
 */
export function toJsonText(v: WfValue, indent?: JsonIndent): string {
  const parts: string[] = [];
  writeJson(v, parts, indent, indent ? '\n' + indent.prefix : '', 0);
  return parts.join('');
}

function writeJson(v: WfValue, out: string[], indent: JsonIndent | undefined, nl: string, depth: number): void {
  if (depth > 1000) throw tagged('RecursionError', 'value nested too deeply to encode as JSON');
  switch (typeof v) {
    case 'boolean': out.push(v ? 'true' : 'false'); return;
    case 'bigint': out.push(v.toString()); return;
    case 'number':
      if (!Number.isFinite(v)) throw tagged('ValueError', `cannot encode the double ${formatDouble(v)} as JSON`);
      out.push(formatDouble(v));
      return;
    case 'string': out.push(JSON.stringify(v)); return;
    default: break;
  }
  if (v === null) { out.push('null'); return; }
  if (v instanceof Uint8Array) {
    throw tagged('ValueError', 'bytes cannot be JSON-encoded; convert them with base64.encode or text.decode first');
  }
  const inner = indent ? nl + indent.indent : '';
  const close = indent ? nl : '';
  const colon = indent ? ': ' : ':';
  if (Array.isArray(v)) {
    if (v.length === 0) { out.push('[]'); return; }
    out.push('[');
    v.forEach((x, i) => {
      out.push(i ? ',' : '', inner);
      writeJson(x, out, indent, inner, depth + 1);
    });
    out.push(close, ']');
    return;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) { out.push('{}'); return; }
  out.push('{');
  keys.forEach((k, i) => {
    out.push(i ? ',' : '', inner, JSON.stringify(k), colon);
    writeJson(v[k], out, indent, inner, depth + 1);
  });
  out.push(close, '}');
}

/**
 * Parses JSON text. Integer literals (no fraction, no exponent) within int64 become int; all others double —
 * so "1.0" and "1e3" stay double. Malformed text raises ValueError naming the offset.
 */
export function fromJsonText(text: string): WfValue {
  const p = new JsonParser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i < text.length) p.fail('unexpected trailing characters');
  return v;
}

class JsonParser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw tagged('ValueError', `invalid JSON at offset ${this.i}: ${what}`);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  value(depth: number): WfValue {
    if (depth >= 1000) this.fail('nested too deeply (over 1000 levels)');
    const c = this.s[this.i];
    switch (c) {
      case '{': return this.object(depth);
      case '[': return this.array(depth);
      case '"': return this.string();
      case 't': return this.word('true', true);
      case 'f': return this.word('false', false);
      case 'n': return this.word('null', null);
      case undefined: return this.fail('unexpected end of input');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  word<T extends WfValue>(w: string, v: T): T {
    if (this.s.startsWith(w, this.i)) { this.i += w.length; return v; }
    return this.fail(`expected ${w}`);
  }

  number(): WfValue {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) return this.fail('malformed number');
    this.i += m[0].length;
    if (!m[2] && !m[3]) {
      const n = BigInt(m[0]);
      if (n >= INT64_MIN && n <= INT64_MAX) return n;
    }
    return Number(m[0]);
  }

  string(): string {
    const s = this.s;
    this.i++;
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.i);
      if (c === 34) { out += s.slice(start, this.i); this.i++; return out; }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 92) { this.i++; continue; }
      out += s.slice(start, this.i);
      const e = s[this.i + 1];
      this.i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
          break;
        }
        default: this.i -= 2; this.fail(`bad escape \\${e ?? ''}`);
      }
      start = this.i;
    }
  }

  array(depth: number): WfValue[] {
    this.i++;
    const out: WfValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') { this.i++; return out; }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') { this.i--; this.fail("expected ',' or ']'"); }
    }
  }

  object(depth: number): WfMap {
    this.i++;
    const out = newMap();
    this.ws();
    if (this.s[this.i] === '}') { this.i++; return out; }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a string key');
      const k = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') { this.i--; this.fail("expected ':'"); }
      this.ws();
      out[k] = this.value(depth + 1);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') { this.i--; this.fail("expected ',' or '}'"); }
    }
  }
}

/** Structural equality; int and double compare numerically (1 == 1.0), bytes by content. */
export function deepEqual(a: WfValue, b: WfValue): boolean {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'bigint' || ta === 'number') && (tb === 'bigint' || tb === 'number')) {
    return numericCompare(a as bigint | number, b as bigint | number) === 0;
  }
  if (a === null || b === null || ta !== 'object' || tb !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(b) || b instanceof Uint8Array) return false;
  const ma = a as WfMap;
  const mb = b as WfMap;
  const ka = Object.keys(ma);
  if (ka.length !== Object.keys(mb).length) return false;
  for (const k of ka) if (!hasKey(mb, k) || !deepEqual(ma[k], mb[k])) return false;
  return true;
}

/**
 * Compares two numbers of either kind exactly (bigint vs double without losing precision). Returns NaN when a
 * NaN is involved, so every ordered comparison is false, as in IEEE arithmetic.
 */
export function numericCompare(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? -1 : a > b ? 1 : 0;
  const [big, dbl, sign] = typeof a === 'bigint' ? [a, b as number, 1] : [b as bigint, a as number, -1];
  if (Number.isNaN(dbl)) return NaN;
  if (!Number.isFinite(dbl)) return dbl > 0 ? -sign : sign;
  const fl = Math.floor(dbl);
  const bf = BigInt(fl);
  let c: number;
  if (big < bf) c = -1;
  else if (big > bf) c = 1;
  else c = dbl > fl ? -1 : 0;
  return c * sign;
}

/** Nodes measured so far (sizeInBytes and ownership.measureAndRelease), for tests that check growth structurally. */
export const sizeAccounting = { nodes: 0 };

/**
 * Approximate memory footprint, for the per-variable size limit. Approximation: the UTF-8 length of strings and
 * map keys, the length of bytes, 8 for numbers, 4 for booleans and null, plus 2 bytes of structure per list
 * element and map entry — close to the length of the value's JSON encoding, which is how the quota reads.
 */
export function sizeInBytes(v: WfValue): number {
  sizeAccounting.nodes++;
  switch (typeof v) {
    case 'string': return Buffer.byteLength(v, 'utf8');
    case 'bigint': case 'number': return 8;
    case 'boolean': return 4;
    default: break;
  }
  if (v === null) return 4;
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) {
    let n = 2;
    for (const x of v) n += sizeInBytes(x) + 1;
    return n;
  }
  let n = 2;
  for (const k of Object.keys(v)) n += Buffer.byteLength(k, 'utf8') + 4 + sizeInBytes(v[k]);
  return n;
}
