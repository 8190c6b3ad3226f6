// Argument checks that raise the documented TypeError naming the function, the parameter and the type received.
import { tagged } from '../errors.ts';
import { isMap, typeName, type WfMap, type WfValue } from '../values.ts';

export function badType(fnName: string, param: string, want: string, got: WfValue): never {
  throw tagged('TypeError', `${fnName}: argument '${param}' must be ${want}, got ${typeName(got)}`);
}

export function str(fnName: string, param: string, v: WfValue): string {
  return typeof v === 'string' ? v : badType(fnName, param, 'a string', v);
}

export function int(fnName: string, param: string, v: WfValue): bigint {
  return typeof v === 'bigint' ? v : badType(fnName, param, 'an int', v);
}

export function num(fnName: string, param: string, v: WfValue): bigint | number {
  return typeof v === 'bigint' || typeof v === 'number' ? v : badType(fnName, param, 'an int or double', v);
}

export function bool(fnName: string, param: string, v: WfValue): boolean {
  return typeof v === 'boolean' ? v : badType(fnName, param, 'a bool', v);
}

export function list(fnName: string, param: string, v: WfValue): WfValue[] {
  return Array.isArray(v) ? v : badType(fnName, param, 'a list', v);
}

export function map(fnName: string, param: string, v: WfValue): WfMap {
  return isMap(v) ? v : badType(fnName, param, 'a map', v);
}

export function bytes(fnName: string, param: string, v: WfValue): Uint8Array {
  return v instanceof Uint8Array ? v : badType(fnName, param, 'bytes', v);
}

/** Optional trailing argument: missing (undefined) or explicit null both mean "use the default". */
export function optional<T>(v: WfValue | undefined, dflt: T, check: (v: WfValue) => T): T {
  return v === undefined || v === null ? dflt : check(v);
}

/** Code-point length, so an astral character counts once, as Workflows counts characters. */
export function charLength(s: string): number {
  // Fast path: no surrogate pairs means UTF-16 length equals code points.
  return /[\uD800-\uDFFF]/.test(s) ? [...s].length : s.length;
}
