// json.* and base64.*.
import { tagged } from '../errors.ts';
import { fromJsonText, isMap, toJsonText, typeName, type JsonIndent, type WfValue } from '../values.ts';
import * as a from './args.ts';
import { fn, type PureFunction } from './types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The documented indent option: a bool, or a map with optional string `prefix` (default "") and `indent`
 * (default four spaces); true means {} and false means no indentation.
 */
function indentOption(fnName: string, v: WfValue | undefined): JsonIndent | undefined {
  if (v === undefined || v === null || v === false) return undefined;
  if (v === true) return { prefix: '', indent: '    ' };
  if (isMap(v)) {
    const prefix = a.optional(v.prefix, '', (x) => a.str(fnName, 'indent.prefix', x));
    const indent = a.optional(v.indent, '    ', (x) => a.str(fnName, 'indent.indent', x));
    return { prefix, indent };
  }
  return a.badType(fnName, 'indent', 'a bool or a map with prefix/indent', v);
}

function jsonDecode(data: WfValue): WfValue {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (data instanceof Uint8Array) {
    try { text = utf8.decode(data); } catch { throw tagged('ValueError', 'json.decode: data is not valid UTF-8'); }
  } else {
    throw tagged('TypeError', `json.decode: argument 'data' must be bytes or a string, got ${typeName(data)}`);
  }
  return fromJsonText(text);
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Decode(text: string, padding: boolean): Uint8Array {
  const clean = text.replace(/[\r\n]/g, '');
  const unpadded = clean.replace(/=+$/, '');
  const valid = B64.test(clean) && unpadded.length % 4 !== 1 &&
    (padding ? clean.length % 4 === 0 : clean === unpadded);
  if (!valid) {
    throw tagged('ValueError', `base64.decode: invalid Base64 text${padding ? ' (padding expected)' : ' (no padding expected)'}: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return new Uint8Array(Buffer.from(unpadded, 'base64'));
}

function base64Encode(data: Uint8Array, padding: boolean): string {
  const s = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  return padding ? s : s.replace(/=+$/, '');
}

export const codecFunctions: ReadonlyArray<[string, PureFunction]> = [
  ['json.decode', fn(['data'], ([d]) => jsonDecode(d))],
  ['json.encode', fn(['data', 'indent'], ([d, i]) => new Uint8Array(Buffer.from(toJsonText(d, indentOption('json.encode', i)), 'utf8')), 1)],
  ['json.encode_to_string', fn(['data', 'indent'], ([d, i]) => toJsonText(d, indentOption('json.encode_to_string', i)), 1)],
  ['base64.decode', fn(['data', 'padding'], ([d, p]) =>
    base64Decode(a.str('base64.decode', 'data', d), a.optional(p, true, (x) => a.bool('base64.decode', 'padding', x))), 1)],
  ['base64.encode', fn(['data', 'padding'], ([d, p]) =>
    base64Encode(a.bytes('base64.encode', 'data', d), a.optional(p, true, (x) => a.bool('base64.encode', 'padding', x))), 1)],
];
