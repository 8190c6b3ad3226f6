/** How control leaves a step or a steps list, besides falling through to the next step (`null`). */
import type { WorkflowError } from './errors.ts';
import type { WfValue } from './values.ts';

export type Flow =
  | null
  | { readonly t: 'jump'; readonly to: string }
  | { readonly t: 'return'; readonly v: WfValue }
  | { readonly t: 'end' }
  | { readonly t: 'break' }
  | { readonly t: 'continue' };

export const END: Flow = Object.freeze({ t: 'end' });
export const BREAK: Flow = Object.freeze({ t: 'break' });
export const CONTINUE: Flow = Object.freeze({ t: 'continue' });

const jumps = new Map<string, Flow>();

/** The flow a `next:` value means. */
export function nextFlow(next: string | undefined): Flow {
  if (next === undefined) return null;
  if (next === 'end') return END;
  if (next === 'break') return BREAK;
  if (next === 'continue') return CONTINUE;
  let f = jumps.get(next);
  if (!f) {
    f = Object.freeze({ t: 'jump', to: next });
    if (jumps.size < 10_000) jumps.set(next, f);
  }
  return f;
}

/** Thrown (never caught by `except`) when an execution is cancelled. */
export class ExecutionCancelled extends Error {
  constructor() {
    super('execution cancelled');
    this.name = 'ExecutionCancelled';
  }
}

/** Per "thread" of execution: the routine being run, its call depth, and the parallel branch if any. */
export interface Thread {
  readonly routine: string;
  readonly depth: number;
  readonly branch?: string;
}

/** Where an error was first raised (step and routine), for the execution's error context. */
export const errorOrigin = new WeakMap<WorkflowError, { step: string; routine: string }>();
