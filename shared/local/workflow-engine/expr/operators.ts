// Operator semantics. Ints are bigint and checked for 64-bit overflow; any double operand makes the result a
// double; `/` always yields a double; `//` floors and `%` takes the sign of the divisor (so a == (a//b)*b + a%b).
import { tagged } from '../errors.ts';
import { checkInt, deepEqual, formatDouble, hasKey, isMap, numericCompare, typeName, type WfValue } from '../values.ts';
import type { BinaryOp } from './ast.ts';

type Num = bigint | number;

function isNum(v: WfValue): v is Num {
  return typeof v === 'bigint' || typeof v === 'number';
}

function typeError(op: string, a: WfValue, b?: WfValue): never {
  const types = b === undefined ? typeName(a) : `${typeName(a)} and ${typeName(b)}`;
  throw tagged('TypeError', `unsupported operand type(s) for ${op}: ${types}`);
}

function zeroDivision(op: string): never {
  throw tagged('ZeroDivisionError', `division by zero (${op})`);
}

function isZero(v: Num): boolean {
  return typeof v === 'bigint' ? v === 0n : v === 0;
}

function floorDivBig(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/**
 * `+` follows the "Implicit data type conversions" table of Google's reference (Data types, functions, operators:
 * https://cloud.google.com/workflows/docs/reference/syntax/datatypes): int + int is an int, a double on either side
 * gives a double, and a string on either side with an int, double, bool or string gives a string (so "n=" + 1 is
 * "n=1", true + "x" is "truex"); bool with a number or bool, and anything with null, a list or a map, is an error.
 * The other operand is converted as string() converts it (doubles keep their fraction: "x" + 2.0 is "x2.0").
 */
export function add(a: WfValue, b: WfValue): WfValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a + b);
  if (isNum(a) && isNum(b)) return Number(a) + Number(b);
  if (typeof a === 'string' && isConcatenable(b)) return a + scalarString(b);
  if (typeof b === 'string' && isConcatenable(a)) return scalarString(a) + b;
  return typeError('+', a, b);
}

function isConcatenable(v: WfValue): v is string | bigint | number | boolean {
  return typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';
}

function scalarString(v: string | bigint | number | boolean): string {
  if (typeof v === 'number') return formatDouble(v);
  return String(v);
}

export function subtract(a: WfValue, b: WfValue): WfValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a - b);
  if (isNum(a) && isNum(b)) return Number(a) - Number(b);
  return typeError('-', a, b);
}

export function multiply(a: WfValue, b: WfValue): WfValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a * b);
  if (isNum(a) && isNum(b)) return Number(a) * Number(b);
  return typeError('*', a, b);
}

export function divide(a: WfValue, b: WfValue): WfValue {
  if (!isNum(a) || !isNum(b)) return typeError('/', a, b);
  if (isZero(b)) return zeroDivision('/');
  return Number(a) / Number(b);
}

export function floorDivide(a: WfValue, b: WfValue): WfValue {
  if (!isNum(a) || !isNum(b)) return typeError('//', a, b);
  if (isZero(b)) return zeroDivision('//');
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(floorDivBig(a, b));
  return Math.floor(Number(a) / Number(b));
}

export function remainder(a: WfValue, b: WfValue): WfValue {
  if (!isNum(a) || !isNum(b)) return typeError('%', a, b);
  if (isZero(b)) return zeroDivision('%');
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = a % b;
    return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
  }
  const x = Number(a);
  const y = Number(b);
  const r = x % y;
  return r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
}

export function negate(a: WfValue): WfValue {
  if (typeof a === 'bigint') return checkInt(-a);
  if (typeof a === 'number') return -a;
  return typeError('unary -', a);
}

export function logicalNot(a: WfValue): WfValue {
  if (typeof a !== 'boolean') throw tagged('TypeError', `'not' needs a bool operand, got ${typeName(a)}`);
  return !a;
}

export function requireBool(op: string, v: WfValue): boolean {
  if (typeof v !== 'boolean') throw tagged('TypeError', `'${op}' needs bool operands, got ${typeName(v)}`);
  return v;
}

/** Ordering is defined between numbers (int and double mix) and between strings; anything else is a TypeError. */
function order(op: string, a: WfValue, b: WfValue): number {
  if (isNum(a) && isNum(b)) return numericCompare(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return typeError(op, a, b);
}

export function contains(op: string, item: WfValue, container: WfValue): boolean {
  if (Array.isArray(container)) {
    for (const x of container) if (deepEqual(x, item)) return true;
    return false;
  }
  if (isMap(container)) {
    if (typeof item !== 'string') throw tagged('TypeError', `'${op}' on a map needs a string key, got ${typeName(item)}`);
    return hasKey(container, item);
  }
  throw tagged('TypeError', `'${op}' needs a list or map on the right, got ${typeName(container)}`);
}

/** Every binary operator except the short-circuiting `and`/`or`, which the evaluator handles. */
export function binary(op: BinaryOp, a: WfValue, b: WfValue): WfValue {
  switch (op) {
    case '+': return add(a, b);
    case '-': return subtract(a, b);
    case '*': return multiply(a, b);
    case '/': return divide(a, b);
    case '//': return floorDivide(a, b);
    case '%': return remainder(a, b);
    case '==': return deepEqual(a, b);
    case '!=': return !deepEqual(a, b);
    case '<': return order(op, a, b) < 0;
    case '<=': return order(op, a, b) <= 0;
    case '>': return order(op, a, b) > 0;
    case '>=': return order(op, a, b) >= 0;
    case 'in': return contains(op, a, b);
    case 'not in': return !contains(op, a, b);
    case 'and': return requireBool('and', a) && requireBool('and', b);
    case 'or': return requireBool('or', a) || requireBool('or', b);
  }
}

/** `object.name`: maps only; a missing key is a KeyError. */
export function member(object: WfValue, name: string): WfValue {
  if (isMap(object)) {
    if (hasKey(object, name)) return object[name];
    throw tagged('KeyError', `key not found: ${name}`);
  }
  throw tagged('TypeError', `cannot read attribute '${name}' of a ${typeName(object)}; only maps have keys`);
}

/** `object[index]`: list with an int index (0-based, non-negative) or map with a string key. */
export function index(object: WfValue, idx: WfValue): WfValue {
  if (Array.isArray(object)) {
    if (typeof idx !== 'bigint') throw tagged('TypeError', `list index must be an int, got ${typeName(idx)}`);
    if (idx < 0n || idx >= BigInt(object.length)) {
      throw tagged('IndexError', `list index ${idx} out of range (list has ${object.length} element${object.length === 1 ? '' : 's'})`);
    }
    return object[Number(idx)];
  }
  if (isMap(object)) {
    if (typeof idx !== 'string') throw tagged('TypeError', `map key must be a string, got ${typeName(idx)}`);
    if (hasKey(object, idx)) return object[idx];
    throw tagged('KeyError', `key not found: ${idx}`);
  }
  throw tagged('TypeError', `a ${typeName(object)} cannot be subscripted; only lists and maps can`);
}
