/**
 * Guardrail decisions as pure functions over a snapshot of the guardrail state (which the flow
 * reads from, and writes back to, the StateStore). They run in a fixed order and the first one
 * that says no decides, so the audit names one clear reason:
 *
 *   maintenance window → in flight on the target → cooldown → circuit breaker → global rate limit
 *
 * The circuit breaker stops `auto` rules only: an `approval` rule already waits for a human, and a
 * `dry-run` only reports. A suppressed `auto` run whose breaker is open is recorded as
 * `suppressed` with the reason "circuit open: needs a human" (not `awaiting-approval`: nothing
 * waits on an answer, and the run would never finish).
 */
import { activeMaintenance, type ActiveMaintenance } from './maintenance.ts';
import type { MaintenanceWindow, RemediationMode, RulePolicy } from './rules.ts';

const HOUR_MS = 60 * 60 * 1000;

/** kv `alerts.inflight/<target>`: the remediation that holds the target's lock. */
export interface InFlightState { runId: string; execution?: string; workflow: string; since: string }
/** kv `alerts.cooldown/<target>`: no new remediation on the target before `until`. */
export interface CooldownState { until: string; runId: string; execution?: string }
/** kv `alerts.breaker/<target>`: failed remediations, oldest first. */
export interface BreakerState { failures: Array<{ at: string; runId: string; error?: string }> }
/** kv `alerts.rate/global`: executions started, oldest first (a sliding hour). */
export interface RateState { starts: Array<{ at: string; runId: string }> }

export interface GuardrailSnapshot {
  target: string;
  runId: string;
  mode: RemediationMode;
  now: Date;
  policy: RulePolicy;
  maintenanceWindows: readonly MaintenanceWindow[];
  /** Another run holding the target; null when this run holds it (or nobody does). */
  inFlight: InFlightState | null;
  cooldown: CooldownState | null;
  breaker: BreakerState | null;
  rate: RateState | null;
}

export type Guardrail = 'maintenance-window' | 'in-flight' | 'cooldown' | 'circuit-open' | 'rate-limit';

export type GuardrailVerdict =
  | { proceed: true; notes: string[] }
  | { proceed: false; guardrail: Guardrail; reason: string; details: Record<string, unknown> };

export function maintenanceDecision(windows: readonly MaintenanceWindow[], target: string, now: Date): ActiveMaintenance | undefined {
  return activeMaintenance(windows, target, now);
}

export function inFlightDecision(inFlight: InFlightState | null, runId: string): InFlightState | undefined {
  return inFlight && inFlight.runId !== runId ? inFlight : undefined;
}

export function cooldownDecision(cooldown: CooldownState | null, now: Date, runId: string): CooldownState | undefined {
  if (!cooldown || cooldown.runId === runId) return undefined;
  return Date.parse(cooldown.until) > now.getTime() ? cooldown : undefined;
}

export function failuresInWindow(breaker: BreakerState | null, now: Date, windowMs: number): BreakerState['failures'] {
  const since = now.getTime() - windowMs;
  return (breaker?.failures ?? []).filter((f) => Date.parse(f.at) > since);
}

export function circuitDecision(breaker: BreakerState | null, now: Date, policy: RulePolicy['circuitBreaker']) {
  const recent = failuresInWindow(breaker, now, policy.windowMs);
  return { open: recent.length >= policy.failures, recent };
}

export function startsInLastHour(rate: RateState | null, now: Date): RateState['starts'] {
  const since = now.getTime() - HOUR_MS;
  return (rate?.starts ?? []).filter((s) => Date.parse(s.at) > since).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function rateLimitDecision(rate: RateState | null, now: Date, limitPerHour: number, runId: string) {
  const recent = startsInLastHour(rate, now);
  if (recent.some((s) => s.runId === runId)) return { allowed: true, recent, nextSlotAt: undefined };
  const allowed = recent.length < limitPerHour;
  const nextSlotAt = allowed ? undefined : new Date(Date.parse(recent[recent.length - limitPerHour]!.at) + HOUR_MS).toISOString();
  return { allowed, recent, nextSlotAt };
}

/** The rate state after this run starts an execution (pruned to the last hour; idempotent per run). */
export function withStart(rate: RateState | null, now: Date, runId: string): RateState {
  const recent = startsInLastHour(rate, now);
  return recent.some((s) => s.runId === runId) ? { starts: recent } : { starts: [...recent, { at: now.toISOString(), runId }] };
}

/** The breaker state after an execution of `runId` failed (pruned to the window; idempotent per run). */
export function withFailure(breaker: BreakerState | null, now: Date, windowMs: number, runId: string, error?: string): BreakerState {
  const recent = failuresInWindow(breaker, now, windowMs);
  if (recent.some((f) => f.runId === runId)) return { failures: recent };
  return { failures: [...recent, { at: now.toISOString(), runId, ...(error ? { error: error.slice(0, 500) } : {}) }] };
}

export function cooldownAfterStart(now: Date, cooldownMs: number, runId: string, execution?: string): CooldownState {
  return { until: new Date(now.getTime() + cooldownMs).toISOString(), runId, ...(execution ? { execution } : {}) };
}

export function evaluateGuardrails(s: GuardrailSnapshot): GuardrailVerdict {
  const notes: string[] = [];
  const maintenance = maintenanceDecision(s.maintenanceWindows, s.target, s.now);
  if (maintenance) {
    return {
      proceed: false, guardrail: 'maintenance-window',
      reason: `maintenance window "${maintenance.window}" silences ${s.target} until ${maintenance.end}${maintenance.reason ? ` (${maintenance.reason})` : ''}`,
      details: { ...maintenance },
    };
  }
  const inFlight = inFlightDecision(s.inFlight, s.runId);
  if (inFlight) {
    return {
      proceed: false, guardrail: 'in-flight',
      reason: `remediation already in flight on ${s.target}: run ${inFlight.runId}${inFlight.execution ? `, execution ${inFlight.execution}` : ''} (${inFlight.workflow}, since ${inFlight.since})`,
      details: { ...inFlight },
    };
  }
  const cooldown = cooldownDecision(s.cooldown, s.now, s.runId);
  if (cooldown) {
    return {
      proceed: false, guardrail: 'cooldown',
      reason: `suppressed by cooldown on ${s.target} until ${cooldown.until} (after run ${cooldown.runId})`,
      details: { ...cooldown },
    };
  }
  const circuit = circuitDecision(s.breaker, s.now, s.policy.circuitBreaker);
  if (circuit.open) {
    const windowMin = s.policy.circuitBreaker.windowMs / 60_000;
    const summary = `${circuit.recent.length} failed remediations on ${s.target} within ${windowMin} min (last: run ${circuit.recent.at(-1)!.runId} at ${circuit.recent.at(-1)!.at})`;
    if (s.mode === 'auto') {
      return {
        proceed: false, guardrail: 'circuit-open',
        reason: `circuit open: needs a human; ${summary}`,
        details: { failures: circuit.recent, threshold: s.policy.circuitBreaker.failures, windowMinutes: windowMin },
      };
    }
    notes.push(`circuit open (${summary}); proceeding because a human ${s.mode === 'approval' ? 'approves this run' : 'reads this plan'}`);
  }
  const rate = rateLimitDecision(s.rate, s.now, s.policy.rateLimitPerHour, s.runId);
  if (!rate.allowed) {
    return {
      proceed: false, guardrail: 'rate-limit',
      reason: `rate limited: ${rate.recent.length} remediations started in the last hour (limit ${s.policy.rateLimitPerHour}); next slot at ${rate.nextSlotAt}`,
      details: { startedInLastHour: rate.recent.length, limitPerHour: s.policy.rateLimitPerHour, nextSlotAt: rate.nextSlotAt },
    };
  }
  return { proceed: true, notes };
}
