/** Registry of the engine's own functions: sys.*, http.*, events.*, experimental.executions.*, and the retry predicates as functions. */
import { PREDICATES } from '../retry.ts';
import { eventsBuiltins } from './events.ts';
import { executionsBuiltins } from './executions.ts';
import { httpBuiltins } from './http.ts';
import { sysBuiltins } from './sys.ts';
import type { Builtin } from './types.ts';

export function createBuiltins(sleep: (seconds: number) => Promise<void>): Map<string, Builtin> {
  const all = new Map<string, Builtin>([...sysBuiltins(sleep), ...httpBuiltins(), ...eventsBuiltins(sleep), ...executionsBuiltins(sleep)]);
  for (const [name, pred] of Object.entries(PREDICATES)) {
    all.set(name, { params: ['exception'], required: 1, call: (args) => pred(args.get('exception') ?? null) });
  }
  return all;
}
