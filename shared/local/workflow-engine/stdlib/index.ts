// The pure standard library, keyed by full dotted name. sys.*, http.*, events.* and googleapis.* are not here:
// they block or touch the outside world, so the interpreter provides them through EvalScope.callExternal.
import { codecFunctions } from './codec.ts';
import { collectionFunctions } from './collections.ts';
import { coreFunctions } from './core.ts';
import { cryptoFunctions } from './crypto.ts';
import { mathFunctions } from './math.ts';
import { textFunctions } from './text.ts';
import { timeFunctions } from './time.ts';
import type { PureFunction } from './types.ts';

export type { StdlibFunction } from './types.ts';

export const stdlib: ReadonlyMap<string, PureFunction> = new Map([
  ...coreFunctions, ...collectionFunctions, ...textFunctions, ...codecFunctions,
  ...mathFunctions, ...timeFunctions, ...cryptoFunctions,
]);
