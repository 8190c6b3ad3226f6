/**
 * An open incident: match a rule, render the plan, apply the guardrails, and start the workflow.
 *
 * Order, under the target's lease `remediation:<target>` (owner: this run):
 *   1. lease (short TTL while deciding); held by another run with an execution in flight → suppressed "in flight";
 *      held by a run still deciding → wait (half the contention budget) for its decision, then transient, redelivered
 *   2. pure guardrail verdict over the state snapshot (maintenance, in flight, cooldown, breaker, rate)
 *   3. reserve a rate slot (CAS; idempotent per run), start the execution, record it as a run step
 *   4. extend the lease to the in-flight TTL, write the in-flight record and the cooldown
 * A redelivered or overlapping attempt of the same run finds the execution it started (start-once.ts)
 * and only redoes the bookkeeping; it never starts a second execution.
 */
import type { EventOfKind } from '../../events/index.ts';
import { cooldownAfterStart, evaluateGuardrails, rateLimitDecision, withStart, type CooldownState, type GuardrailVerdict, type InFlightState, type RateState } from '../../domain/remediation/guardrails.ts';
import { TargetNotAllowedError } from '../../domain/remediation/allow-list.ts';
import { planRemediation, type RemediationPlan } from '../../domain/remediation/plan.ts';
import { RulesFileError, type RulesFile } from '../../domain/remediation/rules.ts';
import { TemplateError } from '../../domain/remediation/template.ts';
import { PermanentError, TransientError } from '../../runtime/errors.ts';
import type { ActContext, ActOutcome } from '../../runtime/flow.ts';
import type { AlertsDeps } from './deps.ts';
import { GUARD_NAMESPACES, lockKey, RATE_KEY, readTargetState, updateValue } from './guard-state.ts';
import { remediationContext } from './context.ts';
import { startedExecution, startOnce, StartInProgressError } from './start-once.ts';

type IncidentEvent = EventOfKind<'MonitoringIncident'>;

export const START_STEP = 'start-execution';
/** How often a run waiting for another run's decision on the same target looks again, and at most how often. */
const DECIDING_POLL_MS = 500;
const DECIDING_POLLS = 120;

export function loadRules(ctx: ActContext<AlertsDeps>): RulesFile {
  try {
    return ctx.flowDeps.rules();
  } catch (err) {
    if (err instanceof RulesFileError) {
      ctx.logger.error({ err: err.message }, 'remediation rules file is invalid; incidents are redelivered until it is fixed');
      // Not the incident's fault: retry (and eventually dead-letter through Pub/Sub) instead of dropping it.
      throw new TransientError(err.message, { where: 'rules file', cause: err });
    }
    throw err;
  }
}

function suppressed(reason: string, plan: RemediationPlan | undefined, extra: Record<string, unknown> = {}): ActOutcome {
  return {
    status: 'suppressed',
    reason,
    result: { ...(plan ? { plan } : {}), ...extra },
    refs: plan ? { target: plan.target, rule: plan.rule, workflow: plan.workflow } : undefined,
    statusEvent: { kind: 'RemediationSuppressed', reason, ...(plan ? { rule: plan.rule, remediationTarget: plan.target, workflow: plan.workflow } : {}), ...extra },
  };
}

export async function actOpenIncident(event: IncidentEvent, ctx: ActContext<AlertsDeps>): Promise<ActOutcome> {
  const { store } = ctx.deps;
  const incident = event.incident;
  const closed = await store.getRunByKey(`alerts:${incident.incident_id}:closed`);
  if (closed) return suppressed(`incident already closed (run ${closed.id}); an open notification that arrives late starts nothing`, undefined, { guardrail: 'incident-closed' });

  const rules = loadRules(ctx);
  let planned;
  try {
    planned = planRemediation(incident, rules);
  } catch (err) {
    if (err instanceof TemplateError) throw new PermanentError(`cannot build the remediation: ${err.message}`, { where: err.where, cause: err });
    if (err instanceof TargetNotAllowedError) throw new PermanentError(`refused: ${err.message}`, { where: err.where, cause: err });
    throw err;
  }
  if (!planned.matched) return suppressed(planned.reason, undefined, { guardrail: 'no-rule' });
  const plan = planned.plan;
  if (!ctx.run.steps.some((step) => step.name === 'match')) {
    await ctx.recordStep({ name: 'match', status: 'succeeded', detail: `rule ${plan.rule} → ${plan.workflow} on ${plan.target} (${plan.mode})` });
  }

  if (plan.mode === 'dry-run') return dryRun(plan, ctx);

  const lock = lockKey(plan.target);
  const runId = ctx.run.id;
  const previous = await startedExecution(store, runId);
  let acquired = await store.acquireLease(lock, runId, ctx.deps.config.lockTtlMs);
  let execution = previous;
  if (!execution) {
    let state = await readTargetState(store, plan.target);
    // Another run deciding on this target takes seconds: wait for its decision here instead of
    // spending a delivery attempt on a redelivery (the last attempt dead-letters the incident).
    const clock = ctx.deps.clock;
    const waitUntil = clock.now().getTime() + Math.floor(ctx.deps.config.contentionWaitMs / 2);
    for (let poll = 0; !acquired; poll++) {
      // Without the lock this run cannot act, but a guardrail that already says no (a remediation in
      // flight, a cooldown, a window) says so regardless of who is deciding right now.
      const verdict = evaluateGuardrails({ ...snapshotBase(plan, ctx), ...state, inFlight: state.inFlight?.runId === runId ? null : state.inFlight });
      if (!verdict.proceed && verdict.guardrail !== 'rate-limit') return verdictOutcome(verdict, plan);
      if (clock.now().getTime() >= waitUntil || poll >= DECIDING_POLLS) {
        throw new TransientError(`${plan.target} is locked by a run that is still deciding; will retry`, { where: lock });
      }
      await clock.sleep(DECIDING_POLL_MS);
      acquired = await store.acquireLease(lock, runId, ctx.deps.config.lockTtlMs);
      state = await readTargetState(store, plan.target);
    }
    try {
      const verdict = evaluateGuardrails({ ...snapshotBase(plan, ctx), ...state, inFlight: null });
      if (!verdict.proceed) {
        await store.releaseLease(lock, runId);
        return verdictOutcome(verdict, plan);
      }
      const rate = await reserveRateSlot(ctx, plan);
      if (!rate.allowed) {
        await store.releaseLease(lock, runId);
        return verdictOutcome(evaluateGuardrails({ ...snapshotBase(plan, ctx), ...state, inFlight: null, rate: rate.state }), plan);
      }
      execution = await startOnce(remediationContext(ctx), { runId, workflow: plan.workflow, argument: plan.args, staleAfterMs: ctx.deps.config.lockTtlMs });
    } catch (err) {
      // Another attempt of this same run holds the lease (same owner) and is starting: leave it alone.
      if (!(err instanceof StartInProgressError) && !(await startedExecution(store, runId))) await store.releaseLease(lock, runId);
      throw err;
    }
    await ctx.recordStep({ name: START_STEP, status: 'succeeded', detail: execution.name });
  }
  const now = ctx.deps.clock.now();
  await store.acquireLease(lock, runId, plan.policy.inFlightLeaseMs);
  const inFlight: InFlightState = { runId, execution: execution.name, workflow: plan.workflow, since: now.toISOString() };
  await updateValue<InFlightState, void>(store, GUARD_NAMESPACES.inFlight, plan.target, (current) => (
    current && current.runId === runId && current.execution === execution.name ? { result: undefined } : { value: inFlight, result: undefined }
  ));
  await updateValue<CooldownState, void>(store, GUARD_NAMESPACES.cooldown, plan.target, (current) => (
    current && current.runId === runId ? { result: undefined } : { value: cooldownAfterStart(now, plan.policy.cooldownMs, runId, execution.name), result: undefined }
  ));
  const awaiting = plan.mode === 'approval';
  const resumed = previous ? ' (an earlier attempt of this run started it; not started again)' : '';
  const reason = (awaiting
    ? `started ${plan.workflow} execution ${execution.name} on ${plan.target}; it waits for approval (stackctl approve|reject ${execution.name})`
    : `started ${plan.workflow} execution ${execution.name} on ${plan.target}`) + resumed;
  return {
    status: awaiting ? 'awaiting-approval' : 'executing',
    reason,
    result: { plan },
    refs: { execution: execution.name, executionState: execution.state, target: plan.target, rule: plan.rule, workflow: plan.workflow, lock },
    statusEvent: { kind: 'RemediationStarted', rule: plan.rule, remediationTarget: plan.target, workflow: plan.workflow, mode: plan.mode, execution: execution.name, args: plan.args },
  };
}

function snapshotBase(plan: RemediationPlan, ctx: ActContext<AlertsDeps>) {
  return {
    target: plan.target, runId: ctx.run.id, mode: plan.mode, now: ctx.deps.clock.now(), policy: plan.policy,
    maintenanceWindows: ctx.flowDeps.rules().maintenanceWindows,
  };
}

function verdictOutcome(verdict: GuardrailVerdict, plan: RemediationPlan): ActOutcome {
  if (verdict.proceed) throw new Error('verdictOutcome called for a verdict that proceeds');
  return suppressed(verdict.reason, plan, { guardrail: verdict.guardrail, details: verdict.details });
}

async function reserveRateSlot(ctx: ActContext<AlertsDeps>, plan: RemediationPlan): Promise<{ allowed: boolean; state: RateState | null }> {
  const now = ctx.deps.clock.now();
  return updateValue<RateState, { allowed: boolean; state: RateState | null }>(ctx.deps.store, GUARD_NAMESPACES.rate, RATE_KEY, (current) => {
    const decision = rateLimitDecision(current, now, plan.policy.rateLimitPerHour, ctx.run.id);
    return decision.allowed
      ? { value: withStart(current, now, ctx.run.id), result: { allowed: true, state: current } }
      : { result: { allowed: false, state: current } };
  });
}

async function dryRun(plan: RemediationPlan, ctx: ActContext<AlertsDeps>): Promise<ActOutcome> {
  const state = await readTargetState(ctx.deps.store, plan.target);
  const verdict = evaluateGuardrails({ ...snapshotBase(plan, ctx), ...state });
  const guardrails = verdict.proceed ? `guardrails would allow it${verdict.notes.length ? ` (${verdict.notes.join('; ')})` : ''}` : `guardrails would stop it: ${verdict.reason}`;
  const reason = `dry-run plan: would start ${plan.workflow} on ${plan.target} with ${JSON.stringify(plan.args)}; ${guardrails}`;
  return {
    status: 'succeeded',
    reason,
    result: { dryRun: true, plan, guardrails: verdict },
    refs: { target: plan.target, rule: plan.rule, workflow: plan.workflow },
    statusEvent: { kind: 'RemediationPlanned', rule: plan.rule, remediationTarget: plan.target, workflow: plan.workflow, args: plan.args, wouldProceed: verdict.proceed },
  };
}
