// Shape of a standard-library function, shared by the evaluator (positional calls in expressions) and the
// interpreter (`call:` steps, mapping named `args:` onto `params` positions).
import type { WfValue } from '../values.ts';

export interface StdlibFunction {
  params: string[];
  call(args: WfValue[]): WfValue | Promise<WfValue>;
  /** Number of required leading params; defaults to params.length. */
  minArgs?: number;
}

/** Every function here is pure and synchronous, which lets the evaluator run them without promises. */
export interface PureFunction extends StdlibFunction {
  call(args: WfValue[]): WfValue;
}

export function fn(params: string[], call: (args: WfValue[]) => WfValue, minArgs?: number): PureFunction {
  return minArgs === undefined ? { params, call } : { params, call, minArgs };
}
