/**
 * Ending a remediation run once its execution has ended (or was cancelled): the run's final
 * status and execution state, the target's lock and in-flight record released, the circuit
 * breaker fed, and an audit record saying why. Shared by the execution follower and by the
 * closed-incident path so both end runs the same way.
 */
import { withFailure, type BreakerState, type CooldownState } from '../../domain/remediation/guardrails.ts';
import type { ExecutionOutcome } from '../../domain/remediation/execution-outcome.ts';
import { TOPICS } from '../../events/topics.ts';
import type { OutboxMessage, Run } from '../../ports/state-store.ts';
import type { ExecutionState } from '../../ports/workflows.ts';
import type { RemediationContext } from './context.ts';
import { GUARD_NAMESPACES, releaseInFlight, updateValue } from './guard-state.ts';

/** Breaker window used when a run does not carry its rule's (runs from before the rule changed). */
const FALLBACK_BREAKER_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface FinishInput {
  outcome: ExecutionOutcome;
  executionState: ExecutionState;
  result?: unknown;
  actor: string;
  extraRefs?: Record<string, string>;
  /**
   * Report the end as RemediationFinished on cp-events: the event goes into the state store's
   * outbox in the same transaction as the run's end, so a failed publish is retried, never lost.
   */
  reportFinished?: boolean;
}

/** Returns the updated run, or null when another writer ended it first. */
export async function finishRemediation(rc: Pick<RemediationContext, 'store' | 'clock'>, run: Run, input: FinishInput): Promise<Run | null> {
  const { store } = rc;
  const now = rc.clock.now();
  const refs: Record<string, string> = { ...(run.refs ?? {}), executionState: input.executionState, ...(input.extraRefs ?? {}) };
  let updated: Run;
  const patch = {
    status: input.outcome.status,
    refs,
    result: { ...(isObject(run.result) ? run.result : {}), execution: { state: input.executionState, ...(input.result !== undefined ? { result: input.result } : {}) } },
    ...(input.outcome.status === 'failed' ? { error: { class: 'permanent' as const, message: input.outcome.reason, where: refs.execution } } : {}),
  };
  try {
    updated = input.reportFinished
      ? (await store.finishRun({ runId: run.id, patch, event: finishedEvent(run, input, refs, now) })).run
      : await store.updateRun(run.id, patch);
  } catch (err) {
    const current = await store.getRun(run.id);
    if (current && current.status !== run.status) return null;
    throw err;
  }
  const target = refs.target;
  let cooldownLifted = false;
  if (target) {
    await releaseInFlight(store, target, run.id);
    if (input.outcome.changedNothing) {
      // Refused before it changed anything: nothing to let settle, so no cooldown (only the one this run set).
      cooldownLifted = await updateValue<CooldownState, boolean>(store, GUARD_NAMESPACES.cooldown, target, (current) => (
        current && current.runId === run.id && Date.parse(current.until) > now.getTime()
          ? { value: { ...current, until: now.toISOString() }, result: true }
          : { result: false }
      ));
    }
    if (input.outcome.countsAsFailure) {
      const windowMs = breakerWindowMs(run) ?? FALLBACK_BREAKER_WINDOW_MS;
      await updateValue<BreakerState, void>(store, GUARD_NAMESPACES.breaker, target, (current) => ({
        value: withFailure(current, now, windowMs, run.id, input.outcome.reason), result: undefined,
      }));
    } else if (input.outcome.status === 'succeeded') {
      // A success closes the breaker: the failures before it no longer describe the target.
      await updateValue<BreakerState, void>(store, GUARD_NAMESPACES.breaker, target, (current) => (
        current && current.failures.length > 0 ? { value: { failures: [] }, result: undefined } : { result: undefined }
      ));
    }
  }
  await store.appendAudit({
    flow: 'alerts', runId: run.id, actor: input.actor, action: 'alerts.execution-finished', target,
    result: input.outcome.status === 'failed' ? 'failed' : 'ok',
    reason: `${input.outcome.reason}${refs.execution ? ` (execution ${refs.execution})` : ''}${cooldownLifted ? `; nothing was changed, so ${target} gets no cooldown` : ''}`,
    details: { status: input.outcome.status, executionState: input.executionState, execution: refs.execution, ...(cooldownLifted ? { cooldownLifted: true } : {}) },
  });
  return updated;
}

function finishedEvent(run: Run, input: FinishInput, refs: Record<string, string>, now: Date): OutboxMessage {
  return {
    topic: TOPICS.events,
    data: {
      apiVersion: 'stackctl/v1', kind: 'RemediationFinished', flow: 'alerts', runId: run.id, key: run.key, target: run.target,
      status: input.outcome.status, at: now.toISOString(), execution: refs.execution, executionState: input.executionState,
      remediationTarget: refs.target, ...(input.outcome.status === 'failed' ? { error: input.outcome.reason } : {}),
    },
    // `status` lets a subscription filter select the failures (attention routing in Terraform).
    attributes: { flow: 'alerts', kind: 'RemediationFinished', status: input.outcome.status },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function breakerWindowMs(run: Run): number | undefined {
  const plan = isObject(run.result) && isObject(run.result.plan) ? run.result.plan : undefined;
  const policy = plan && isObject(plan.policy) ? plan.policy : undefined;
  const breaker = policy && isObject(policy.circuitBreaker) ? policy.circuitBreaker : undefined;
  return typeof breaker?.windowMs === 'number' ? breaker.windowMs : undefined;
}
