import { describe, expect, it } from 'vitest';
import {
  circuitDecision, cooldownAfterStart, cooldownDecision, evaluateGuardrails, inFlightDecision, rateLimitDecision, withFailure, withStart,
  type GuardrailSnapshot,
} from '../../../../shared/domain/remediation/guardrails.ts';

const now = new Date('2026-01-10T12:00:00Z');
const min = 60_000;
const ago = (minutes: number) => new Date(now.getTime() - minutes * min).toISOString();
const policy = { cooldownMs: 30 * min, circuitBreaker: { failures: 3, windowMs: 60 * min }, rateLimitPerHour: 2, inFlightLeaseMs: 180 * min };

function snapshot(overrides: Partial<GuardrailSnapshot> = {}): GuardrailSnapshot {
  return {
    target: 'app:zenml-server', runId: 'run-new', mode: 'auto', now, policy, maintenanceWindows: [],
    inFlight: null, cooldown: null, breaker: null, rate: null, ...overrides,
  };
}

describe('single guardrail decisions', () => {
  it.each([
    [null, undefined],
    [{ runId: 'run-new', workflow: 'redeploy', since: ago(1) }, undefined],
    [{ runId: 'run-old', workflow: 'redeploy', since: ago(1), execution: 'e1' }, 'run-old'],
  ])('inFlightDecision(%j)', (state, holder) => {
    expect(inFlightDecision(state, 'run-new')?.runId).toBe(holder);
  });

  it.each([
    [null, false],
    [{ until: new Date(now.getTime() + min).toISOString(), runId: 'run-old' }, true],
    [{ until: now.toISOString(), runId: 'run-old' }, false],
    [{ until: new Date(now.getTime() + min).toISOString(), runId: 'run-new' }, false],
  ])('cooldownDecision(%j) active=%s', (state, active) => {
    expect(Boolean(cooldownDecision(state, now, 'run-new'))).toBe(active);
  });

  it('cooldownAfterStart sets until = now + cooldown', () => {
    expect(cooldownAfterStart(now, 30 * min, 'r', 'e')).toEqual({ until: '2026-01-10T12:30:00.000Z', runId: 'r', execution: 'e' });
  });

  it.each([
    [[], false],
    [[ago(10), ago(20)], false],
    [[ago(10), ago(20), ago(30)], true],
    [[ago(10), ago(20), ago(61)], false],
  ])('circuitDecision with failures at %j open=%s', (ats, open) => {
    const breaker = { failures: ats.map((at, i) => ({ at, runId: `r${i}` })) };
    expect(circuitDecision(breaker, now, policy.circuitBreaker).open).toBe(open);
  });

  it('withFailure appends once per run and prunes what left the window', () => {
    const before = { failures: [{ at: ago(90), runId: 'old' }, { at: ago(5), runId: 'r1' }] };
    const after = withFailure(before, now, 60 * min, 'r2', 'boom');
    expect(after.failures.map((f) => f.runId)).toEqual(['r1', 'r2']);
    expect(withFailure(after, now, 60 * min, 'r2').failures).toHaveLength(2);
  });

  it.each([
    [[], true, undefined],
    [[ago(10)], true, undefined],
    [[ago(50), ago(10)], false, '2026-01-10T12:10:00.000Z'],
    [[ago(70), ago(10)], true, undefined],
  ])('rateLimitDecision with starts at %j allowed=%s', (ats, allowed, nextSlotAt) => {
    const rate = { starts: ats.map((at, i) => ({ at, runId: `r${i}` })) };
    const decision = rateLimitDecision(rate, now, 2, 'run-new');
    expect(decision.allowed).toBe(allowed);
    expect(decision.nextSlotAt).toBe(nextSlotAt);
  });

  it('a run that already holds a rate slot keeps it (retries are not counted twice)', () => {
    const rate = withStart(withStart(null, now, 'a'), now, 'run-new');
    expect(rateLimitDecision(rate, now, 2, 'run-new').allowed).toBe(true);
    expect(rateLimitDecision(rate, now, 2, 'other').allowed).toBe(false);
    expect(withStart(rate, now, 'run-new').starts).toHaveLength(2);
  });
});

describe('evaluateGuardrails', () => {
  const window = { name: 'upgrade', targets: ['app:*'], start: ago(10), end: new Date(now.getTime() + 50 * min).toISOString() };
  const inFlight = { runId: 'run-old', workflow: 'redeploy', since: ago(2), execution: 'projects/p/locations/l/workflows/redeploy/executions/e1' };
  const cooldown = { until: new Date(now.getTime() + 20 * min).toISOString(), runId: 'run-old' };
  const breaker = { failures: [ago(5), ago(15), ago(25)].map((at, i) => ({ at, runId: `f${i}` })) };
  const rate = { starts: [ago(5), ago(6)].map((at, i) => ({ at, runId: `s${i}` })) };

  it.each<[string, Partial<GuardrailSnapshot>, string | undefined, RegExp | undefined]>([
    ['nothing in the way', {}, undefined, undefined],
    ['maintenance first', { maintenanceWindows: [window], inFlight, cooldown, breaker, rate }, 'maintenance-window', /^maintenance window "upgrade" silences app:zenml-server until/],
    ['then in flight', { inFlight, cooldown, breaker, rate }, 'in-flight', /^remediation already in flight on app:zenml-server: run run-old, execution .*executions\/e1/],
    ['then cooldown', { cooldown, breaker, rate }, 'cooldown', /^suppressed by cooldown on app:zenml-server until 2026-01-10T12:20:00.000Z/],
    ['then the circuit (auto)', { breaker, rate }, 'circuit-open', /^circuit open: needs a human; 3 failed remediations on app:zenml-server within 60 min/],
    ['then the rate limit', { rate }, 'rate-limit', /^rate limited: 2 remediations started in the last hour \(limit 2\); next slot at 2026-01-10T12:54:00.000Z/],
    ['the circuit does not stop an approval rule', { breaker, mode: 'approval' }, undefined, undefined],
    ['a window for another target does not apply', { maintenanceWindows: [{ ...window, targets: ['instance:*'] }] }, undefined, undefined],
  ])('%s', (_what, overrides, guardrail, reason) => {
    const verdict = evaluateGuardrails(snapshot(overrides));
    if (guardrail === undefined) {
      expect(verdict.proceed).toBe(true);
    } else {
      expect(verdict).toMatchObject({ proceed: false, guardrail });
      if (!verdict.proceed) expect(verdict.reason).toMatch(reason!);
    }
  });

  it('notes an open circuit it lets through', () => {
    const verdict = evaluateGuardrails(snapshot({ breaker, mode: 'approval' }));
    expect(verdict.proceed && verdict.notes[0]).toMatch(/^circuit open .*proceeding because a human approves this run/);
  });
});
