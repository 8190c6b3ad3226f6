// Expression helpers: conversion (int, double, string, bool), data type functions (keys, len, type) and default.
import { tagged } from '../errors.ts';
import { checkInt, formatDouble, INT64_MAX, INT64_MIN, isMap, typeName, type WfValue } from '../values.ts';
import { charLength } from './args.ts';
import { fn, type PureFunction } from './types.ts';

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const DOUBLE_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function toInt(v: WfValue): WfValue {
  switch (typeof v) {
    case 'bigint': return v;
    case 'number': {
      if (!Number.isFinite(v)) throw tagged('ValueError', `int(): cannot convert ${formatDouble(v)} to an int`);
      const t = BigInt(Math.trunc(v));
      if (t > INT64_MAX || t < INT64_MIN) throw tagged('ValueError', `int(): ${formatDouble(v)} is out of the 64-bit int range`);
      return t;
    }
    case 'string': {
      if (!INT_TEXT.test(v)) throw tagged('ValueError', `int(): invalid literal for int: ${JSON.stringify(v)}`);
      const n = BigInt(v.trim());
      if (n > INT64_MAX || n < INT64_MIN) throw tagged('ValueError', `int(): ${v.trim()} is out of the 64-bit int range`);
      return n;
    }
    default:
      throw tagged('TypeError', `int(): cannot convert a ${typeName(v)} to an int; expected a string, int or double`);
  }
}

function toDouble(v: WfValue): WfValue {
  switch (typeof v) {
    case 'number': return v;
    case 'bigint': return Number(v);
    case 'string':
      if (!DOUBLE_TEXT.test(v)) throw tagged('ValueError', `double(): invalid literal for double: ${JSON.stringify(v)}`);
      return Number(v.trim());
    default:
      throw tagged('TypeError', `double(): cannot convert a ${typeName(v)} to a double; expected a string, int or double`);
  }
}

function toStringValue(v: WfValue): WfValue {
  switch (typeof v) {
    case 'string': return v;
    case 'bigint': return v.toString();
    case 'number': return formatDouble(v);
    case 'boolean': return v ? 'true' : 'false';
    default:
      throw tagged('TypeError', `string(): cannot convert a ${typeName(v)} to a string; expected an int, double, bool or string`);
  }
}

function toBool(v: WfValue): WfValue {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (v === 'true' || v === 'True' || v === 'TRUE') return true;
    if (v === 'false' || v === 'False' || v === 'FALSE') return false;
    throw tagged('ValueError', `bool(): invalid literal for bool: ${JSON.stringify(v)}`);
  }
  throw tagged('TypeError', `bool(): cannot convert a ${typeName(v)} to a bool; expected a string or bool`);
}

function len(v: WfValue): WfValue {
  if (typeof v === 'string') return BigInt(charLength(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Uint8Array) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  throw tagged('TypeError', `len(): a ${typeName(v)} has no length; expected a string, list, map or bytes`);
}

function keys(v: WfValue): WfValue {
  if (!isMap(v)) throw tagged('TypeError', `keys(): expected a map, got ${typeName(v)}`);
  return Object.keys(v);
}

export const coreFunctions: ReadonlyArray<[string, PureFunction]> = [
  ['default', fn(['val', 'default_val'], ([v, d]) => (v === null ? d : v))],
  ['keys', fn(['map'], ([m]) => keys(m))],
  ['len', fn(['value'], ([v]) => len(v))],
  ['type', fn(['value'], ([v]) => typeName(v))],
  ['get_type', fn(['value'], ([v]) => typeName(v))],
  ['int', fn(['value'], ([v]) => checkInt(toInt(v) as bigint))],
  ['double', fn(['value'], ([v]) => toDouble(v))],
  ['string', fn(['value'], ([v]) => toStringValue(v))],
  ['bool', fn(['value'], ([v]) => toBool(v))],
];
