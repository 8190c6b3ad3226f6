// list.* and map.*: every function returns a new value and leaves its inputs untouched.
import { tagged } from '../errors.ts';
import { hasKey, isMap, newMap, typeName, type WfMap, type WfValue } from '../values.ts';
import * as a from './args.ts';
import { fn, type PureFunction } from './types.ts';

function mapGet(m: WfValue, keys: WfValue): WfValue {
  if (typeof keys === 'string') return isMap(m) && hasKey(m, keys) ? m[keys] : null;
  if (!Array.isArray(keys)) throw tagged('TypeError', `map.get: argument 'keys' must be a string or a list of strings, got ${typeName(keys)}`);
  for (const k of keys) {
    if (typeof k !== 'string') throw tagged('TypeError', `map.get: every key in 'keys' must be a string, got ${typeName(k)}`);
  }
  let cur: WfValue = m;
  for (const k of keys as string[]) {
    if (!isMap(cur) || !hasKey(cur, k)) return null;
    cur = cur[k];
  }
  return cur;
}

function copy(m: WfMap): WfMap {
  const out = newMap();
  for (const k of Object.keys(m)) out[k] = m[k];
  return out;
}

function mergeNested(first: WfMap, second: WfMap, depth: number): WfMap {
  if (depth > 1000) throw tagged('RecursionError', 'map.merge_nested: maps nested too deeply');
  const out = copy(first);
  for (const k of Object.keys(second)) {
    const x = out[k];
    const y = second[k];
    out[k] = hasKey(out, k) && isMap(x) && isMap(y) ? mergeNested(x, y, depth + 1) : y;
  }
  return out;
}

export const collectionFunctions: ReadonlyArray<[string, PureFunction]> = [
  ['list.concat', fn(['objs', 'val'], ([l, v]) => [...a.list('list.concat', 'objs', l), v])],
  ['list.prepend', fn(['objs', 'val'], ([l, v]) => [v, ...a.list('list.prepend', 'objs', l)])],
  ['map.get', fn(['map', 'keys'], ([m, k]) => mapGet(m, k))],
  ['map.delete', fn(['map', 'key'], ([m, k]) => {
    const out = copy(a.map('map.delete', 'map', m));
    delete out[a.str('map.delete', 'key', k)];
    return out;
  })],
  ['map.merge', fn(['first', 'second'], ([x, y]) => {
    const out = copy(a.map('map.merge', 'first', x));
    const second = a.map('map.merge', 'second', y);
    for (const k of Object.keys(second)) out[k] = second[k];
    return out;
  })],
  ['map.merge_nested', fn(['first', 'second'], ([x, y]) =>
    mergeNested(a.map('map.merge_nested', 'first', x), a.map('map.merge_nested', 'second', y), 0))],
];
