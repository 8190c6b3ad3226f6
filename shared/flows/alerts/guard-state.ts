/**
 * The guardrails' state in the StateStore's versioned key/value documents. Every write is a
 * compare-and-set retried on conflict (bounded), so concurrent function instances never lose an
 * update; the per-target lease (`remediation:<target>`) is the in-flight lock itself.
 */
import type { BreakerState, CooldownState, InFlightState, RateState } from '../../domain/remediation/guardrails.ts';
import type { StateStore } from '../../ports/state-store.ts';
import { TransientError } from '../../runtime/errors.ts';

export const GUARD_NAMESPACES = {
  inFlight: 'alerts.inflight',
  cooldown: 'alerts.cooldown',
  breaker: 'alerts.breaker',
  rate: 'alerts.rate',
} as const;

export const RATE_KEY = 'global';
const MAX_CAS_ATTEMPTS = 20;

export function lockKey(target: string): string {
  return `remediation:${target}`;
}

export async function readValue<T>(store: StateStore, namespace: string, key: string): Promise<T | null> {
  return (await store.getValue<T>(namespace, key))?.value ?? null;
}

/**
 * Reads, lets `update` decide (return undefined to write nothing), and writes with CAS; on a
 * conflict it reads again and re-decides. Returns what `update` returned last.
 */
export async function updateValue<T, R>(
  store: StateStore,
  namespace: string,
  key: string,
  update: (current: T | null) => { value?: T; result: R },
): Promise<R> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const current = await store.getValue<T>(namespace, key);
    const decision = update(current?.value ?? null);
    if (decision.value === undefined) return decision.result;
    const written = await store.putValue(namespace, key, decision.value, current?.version ?? 0);
    if (written.ok) return decision.result;
  }
  throw new TransientError(`${namespace}/${key}: too many concurrent updates (${MAX_CAS_ATTEMPTS} compare-and-set conflicts)`, { where: namespace });
}

export interface TargetState {
  inFlight: InFlightState | null;
  cooldown: CooldownState | null;
  breaker: BreakerState | null;
  rate: RateState | null;
}

export async function readTargetState(store: StateStore, target: string): Promise<TargetState> {
  const [inFlight, cooldown, breaker, rate] = await Promise.all([
    readValue<unknown>(store, GUARD_NAMESPACES.inFlight, target).then((v) => (isInFlightState(v) ? v : null)),
    readValue<CooldownState>(store, GUARD_NAMESPACES.cooldown, target),
    readValue<BreakerState>(store, GUARD_NAMESPACES.breaker, target),
    readValue<RateState>(store, GUARD_NAMESPACES.rate, RATE_KEY),
  ]);
  return { inFlight, cooldown, breaker, rate };
}

/**
 * The store has no delete, so a cleared record is a tombstone `{cleared: runId}`.
 * Clears the target's in-flight record and releases its lock, both only when `runId` holds them,
 * so a late follower can never free a lock a newer remediation took.
 */
export async function releaseInFlight(store: StateStore, target: string, runId: string): Promise<void> {
  await updateValue<InFlightState | { cleared: string }, void>(store, GUARD_NAMESPACES.inFlight, target, (current) => (
    current && 'runId' in current && current.runId === runId ? { value: { cleared: runId }, result: undefined } : { result: undefined }
  ));
  await store.releaseLease(lockKey(target), runId);
}

export function isInFlightState(value: unknown): value is InFlightState {
  return value !== null && typeof value === 'object' && typeof (value as InFlightState).runId === 'string';
}
