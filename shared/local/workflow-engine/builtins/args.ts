/** Argument checks for builtins, raising the documented TypeError/ValueError tags. */
import { tagged } from '../errors.ts';
import { isMap, typeName, type WfMap, type WfValue } from '../values.ts';

export function optString(args: ReadonlyMap<string, WfValue>, name: string, fn: string): string | undefined {
  const v = args.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw tagged('TypeError', `${fn}: argument "${name}" must be a string, got ${typeName(v)}`);
  return v;
}

export function reqString(args: ReadonlyMap<string, WfValue>, name: string, fn: string): string {
  const v = optString(args, name, fn);
  if (v === undefined) throw tagged('TypeError', `${fn}: argument "${name}" is required`);
  return v;
}

export function optNumber(args: ReadonlyMap<string, WfValue>, name: string, fn: string): number | undefined {
  const v = args.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  throw tagged('TypeError', `${fn}: argument "${name}" must be a number, got ${typeName(v)}`);
}

export function optMap(args: ReadonlyMap<string, WfValue>, name: string, fn: string): WfMap | undefined {
  const v = args.get(name);
  if (v === undefined || v === null) return undefined;
  if (!isMap(v)) throw tagged('TypeError', `${fn}: argument "${name}" must be a map, got ${typeName(v)}`);
  return v;
}

/** Renders a scalar for a URL query or header. */
export function scalarText(v: WfValue, where: string): string {
  switch (typeof v) {
    case 'string': return v;
    case 'bigint': return v.toString();
    case 'number': return String(v);
    case 'boolean': return v ? 'true' : 'false';
    default: throw tagged('TypeError', `${where} must be a string, number or bool, got ${typeName(v)}`);
  }
}
