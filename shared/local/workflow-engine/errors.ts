// Errors as Cloud Workflows surfaces them: a map {message, tags, ...} that `raise` throws and `except as e` binds.
import { type WfMap, type WfValue, newMap } from './values.ts';

/**
 * Tag hierarchy. Workflows errors carry a list of tags, most specific first; the lookup and arithmetic
 * errors also carry their Python-style parent tag, so `"LookupError" in e.tags` catches both KeyError and IndexError.
 */
const PARENT_TAGS: Readonly<Record<string, readonly string[]>> = {
  KeyError: ['LookupError'],
  IndexError: ['LookupError'],
  ZeroDivisionError: ['ArithmeticError'],
  ConnectionFailedError: ['ConnectionError'],
};

/** Every tag the engine raises itself (the error-types reference plus ParseError for malformed expressions). */
export const KNOWN_TAGS = [
  'AuthError', 'ConnectionError', 'ConnectionFailedError', 'HttpError', 'IndexError', 'KeyError', 'LookupError',
  'OperationError', 'ParallelNestingError', 'ParseError', 'RecursionError', 'ResourceLimitError', 'ResponseTypeError',
  'SystemError', 'TimeoutError', 'TypeError', 'UnhandledBranchError', 'ValueError', 'ZeroDivisionError',
  'ArithmeticError',
] as const;
export type ErrorTag = (typeof KNOWN_TAGS)[number];

export class WorkflowError extends Error {
  constructor(readonly value: WfValue) {
    super(describe(value));
    this.name = 'WorkflowError';
  }

  /** The tags of the carried value when it is an error map, else []. */
  get tags(): string[] {
    return tagsOf(this.value);
  }
}

function describe(value: WfValue): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    const msg = value.message;
    const tags = tagsOf(value);
    const text = typeof msg === 'string' ? msg : safeStringify(value);
    return tags.length ? `${tags[0]}: ${text}` : text;
  }
  if (typeof value === 'string') return value;
  return safeStringify(value);
}

function safeStringify(v: WfValue): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? `<bytes ${x.length}>` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function tagsOf(value: WfValue): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) return [];
  const tags = value.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/** Builds a Workflows error map `{message, tags:[tag, ...parents], ...extra}`. */
export function tagged(tag: string, message: string, extra?: WfMap): WorkflowError {
  const map = newMap();
  map.message = message;
  map.tags = [tag, ...(PARENT_TAGS[tag] ?? [])];
  if (extra) for (const k of Object.keys(extra)) if (k !== 'message' && k !== 'tags') map[k] = extra[k];
  return new WorkflowError(map);
}

export function hasTag(err: unknown, tag: string): boolean {
  return err instanceof WorkflowError && err.tags.includes(tag);
}

/**
 * Last line of defence: any non-WorkflowError thrown inside the engine becomes a tagged error, so a workflow never
 * fails with a raw JavaScript exception. JS stack overflow maps to RecursionError.
 */
export function toWorkflowError(err: unknown): WorkflowError {
  if (err instanceof WorkflowError) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return tagged('RecursionError', 'maximum recursion depth exceeded');
  }
  const msg = err instanceof Error ? err.message : String(err);
  return tagged('SystemError', `internal error: ${msg}`);
}
