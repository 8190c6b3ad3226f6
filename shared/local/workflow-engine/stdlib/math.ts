// math.*: abs, floor, max, min. Ints stay ints (with overflow checks); max/min return the winning argument as-is.
import { checkInt, numericCompare, type WfValue } from '../values.ts';
import { tagged } from '../errors.ts';
import * as a from './args.ts';
import { fn, type PureFunction } from './types.ts';

function floor(v: bigint | number): WfValue {
  if (typeof v === 'bigint') return v;
  if (!Number.isFinite(v)) throw tagged('ValueError', `math.floor: cannot take the floor of ${v}`);
  return checkInt(BigInt(Math.floor(v)));
}

function pick(name: string, x: WfValue, y: WfValue, wantGreater: boolean): WfValue {
  const c = numericCompare(a.num(name, 'x', x), a.num(name, 'y', y));
  if (Number.isNaN(c)) return Number.NaN;
  return (wantGreater ? c >= 0 : c <= 0) ? x : y;
}

export const mathFunctions: ReadonlyArray<[string, PureFunction]> = [
  ['math.abs', fn(['x'], ([x]) => {
    const v = a.num('math.abs', 'x', x);
    return typeof v === 'bigint' ? checkInt(v < 0n ? -v : v) : Math.abs(v);
  })],
  ['math.floor', fn(['x'], ([x]) => floor(a.num('math.floor', 'x', x)))],
  ['math.max', fn(['x', 'y'], ([x, y]) => pick('math.max', x, y, true))],
  ['math.min', fn(['x', 'y'], ([x, y]) => pick('math.min', x, y, false))],
];
