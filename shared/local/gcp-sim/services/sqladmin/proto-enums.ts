/**
 * Enum translation driven by the Cloud SQL Admin v1 descriptors that ship with
 * `@google-cloud/sql` (protos.json). The REST clients send `$alt=json;enum-encoding=int`, so
 * enums arrive as integers, while the Workflows connectors and curl send names. Requests are
 * normalised to names; responses are turned into integers when the caller asked for them, which
 * is what Google's front end does. Using the shipped descriptors keeps every enum value exact.
 */
import { createRequire } from 'node:module';

interface FieldDef { type: string; rule?: string; keyType?: string }
interface TypeDef { fields?: Record<string, FieldDef>; values?: Record<string, number>; nested?: Record<string, TypeDef> }

const require = createRequire(import.meta.url);
const root = require('@google-cloud/sql/build/protos/protos.json') as { nested: Record<string, TypeDef> };
const PACKAGE = ['google', 'cloud', 'sql', 'v1'];

function lookup(path: string[]): TypeDef | undefined {
  let node: TypeDef | undefined = { nested: root.nested };
  for (const part of path) node = node?.nested?.[part];
  return node;
}

/** Resolves a type reference the way protobuf does: innermost scope first, then outwards. */
function resolve(scope: string[], ref: string): { path: string[]; def: TypeDef } | undefined {
  const parts = ref.split('.');
  for (let i = scope.length; i >= 0; i--) {
    const path = [...scope.slice(0, i), ...parts];
    const def = lookup(path);
    if (def) return { path, def };
  }
  return undefined;
}

type Direction = 'toName' | 'toNumber';

function convertValue(value: unknown, scope: string[], field: FieldDef, direction: Direction, where: string): unknown {
  const target = resolve(scope, field.type);
  if (!target) return value;
  if (target.def.values) return convertEnum(value, target.def.values, direction, where);
  if (target.def.fields && value && typeof value === 'object' && !Array.isArray(value)) {
    return convertMessage(value as Record<string, unknown>, target.path, direction, where);
  }
  return value;
}

function convertEnum(value: unknown, values: Record<string, number>, direction: Direction, where: string): unknown {
  if (typeof value === 'number') {
    const name = Object.entries(values).find(([, n]) => n === value)?.[0];
    if (name === undefined) throw new EnumError(`Invalid value at '${where}' (${value}): not a known enum number.`);
    return direction === 'toName' ? name : value;
  }
  if (typeof value === 'string') {
    if (!(value in values)) throw new EnumError(`Invalid value at '${where}' ("${value}"): not one of ${Object.keys(values).join(', ')}.`);
    return direction === 'toName' ? value : values[value];
  }
  return value;
}

function convertMessage(message: Record<string, unknown>, typePath: string[], direction: Direction, where: string): Record<string, unknown> {
  const def = lookup(typePath);
  if (!def?.fields) return message;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    const field = def.fields[key];
    const at = where ? `${where}.${key}` : key;
    if (!field || value === null || value === undefined) { out[key] = value; continue; }
    if (field.rule === 'repeated' && Array.isArray(value)) {
      out[key] = value.map((v, i) => convertValue(v, typePath, field, direction, `${at}[${i}]`));
    } else if (field.keyType && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => [k, convertValue(v, typePath, field, direction, `${at}.${k}`)]));
    } else {
      out[key] = convertValue(value, typePath, field, direction, at);
    }
  }
  return out;
}

export class EnumError extends Error {}

/** `typeName` is relative to google.cloud.sql.v1, e.g. "DatabaseInstance" or "Operation". */
export function enumsToNames<T>(value: T, typeName: string, where = ''): T {
  return convertMessage(value as Record<string, unknown>, [...PACKAGE, ...typeName.split('.')], 'toName', where) as T;
}

export function enumsToNumbers<T>(value: T, typeName: string): T {
  return convertMessage(value as Record<string, unknown>, [...PACKAGE, ...typeName.split('.')], 'toNumber', '') as T;
}

export function enumValues(typeName: string): Record<string, number> {
  const def = lookup([...PACKAGE, ...typeName.split('.')]);
  if (!def?.values) throw new Error(`No enum google.cloud.sql.v1.${typeName}`);
  return def.values;
}

/** True when the request asked for integer enums (`$alt=json;enum-encoding=int`). */
export function wantsIntEnums(query: URLSearchParams): boolean {
  return /enum-encoding=int/.test(query.get('$alt') ?? '');
}
