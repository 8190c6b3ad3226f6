/**
 * Retry policies as the reference defines them:
 * - http.default_retry: retries 429, 502, 503, 504, ConnectionError, ConnectionFailedError and TimeoutError;
 *   max_retries 5; backoff retry.default_backoff.
 * - http.default_retry_non_idempotent: retries 429, 503 and ConnectionFailedError; max_retries 5; default backoff.
 * - retry.always / retry.never: predicates that always / never retry (as policies: max_retries 5, default backoff).
 * - retry.default_backoff: initial_delay 1 s, max_delay 60 s, multiplier 1.25.
 * The n-th retry waits min(initial_delay * multiplier^(n-1), max_delay) seconds on the injected clock.
 */
import { tagged } from './errors.ts';
import { isMap, type WfValue } from './values.ts';

export interface Backoff {
  initialDelay: number;
  maxDelay: number;
  multiplier: number;
}

export const DEFAULT_BACKOFF: Readonly<Backoff> = Object.freeze({ initialDelay: 1, maxDelay: 60, multiplier: 1.25 });
export const DEFAULT_MAX_RETRIES = 5;

const IDEMPOTENT_CODES = new Set([429, 502, 503, 504]);
const IDEMPOTENT_TAGS = ['ConnectionError', 'ConnectionFailedError', 'TimeoutError'];
const NON_IDEMPOTENT_CODES = new Set([429, 503]);
const NON_IDEMPOTENT_TAGS = ['ConnectionFailedError'];

function errorCode(e: WfValue): number | undefined {
  if (!isMap(e)) return undefined;
  const c = e.code;
  return typeof c === 'bigint' ? Number(c) : typeof c === 'number' ? c : undefined;
}

function errorTags(e: WfValue): string[] {
  if (!isMap(e) || !Array.isArray(e.tags)) return [];
  return e.tags.filter((t): t is string => typeof t === 'string');
}

export const PREDICATES: Readonly<Record<string, (e: WfValue) => boolean>> = {
  'http.default_retry_predicate': (e) => {
    const code = errorCode(e);
    return (code !== undefined && IDEMPOTENT_CODES.has(code)) || errorTags(e).some((t) => IDEMPOTENT_TAGS.includes(t));
  },
  'http.default_retry_predicate_non_idempotent': (e) => {
    const code = errorCode(e);
    return (code !== undefined && NON_IDEMPOTENT_CODES.has(code)) || errorTags(e).some((t) => NON_IDEMPOTENT_TAGS.includes(t));
  },
  'retry.always': () => true,
  'retry.never': () => false,
};

/** The predicate each predefined policy uses. */
export const POLICY_PREDICATE: Readonly<Record<string, string>> = {
  'http.default_retry': 'http.default_retry_predicate',
  'http.default_retry_non_idempotent': 'http.default_retry_predicate_non_idempotent',
  'retry.always': 'retry.always',
  'retry.never': 'retry.never',
};

/** The delay in seconds before retry number `retry` (1-based). */
export function backoffDelay(b: Backoff, retry: number): number {
  let d = b.initialDelay;
  for (let i = 1; i < retry && d < b.maxDelay; i++) d *= b.multiplier;
  return Math.min(d, b.maxDelay);
}

function asNumber(v: WfValue, what: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw tagged('TypeError', `retry ${what} must be a number, got ${v === null ? 'null' : typeof v}`);
}

/** Checks evaluated custom-policy values. */
export function makeBackoff(initial: WfValue | undefined, max: WfValue | undefined, multiplier: WfValue | undefined): Backoff {
  const b: Backoff = {
    initialDelay: initial === undefined ? DEFAULT_BACKOFF.initialDelay : asNumber(initial, 'backoff.initial_delay'),
    maxDelay: max === undefined ? DEFAULT_BACKOFF.maxDelay : asNumber(max, 'backoff.max_delay'),
    multiplier: multiplier === undefined ? DEFAULT_BACKOFF.multiplier : asNumber(multiplier, 'backoff.multiplier'),
  };
  if (b.initialDelay < 0 || b.maxDelay < 0) throw tagged('ValueError', 'retry backoff delays must not be negative');
  if (b.multiplier < 1) throw tagged('ValueError', `retry backoff multiplier must be at least 1, got ${b.multiplier}`);
  return b;
}

export function makeMaxRetries(v: WfValue): number {
  const n = asNumber(v, 'max_retries');
  if (!Number.isInteger(n) || n < 0) throw tagged('ValueError', `retry max_retries must be a non-negative integer, got ${n}`);
  return n;
}
