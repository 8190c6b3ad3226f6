/** A remediation refused before it changed anything starts no cooldown; one that changed something does. */
import { afterEach, describe, expect, it } from 'vitest';
import { GUARD_NAMESPACES } from '../../../../shared/flows/alerts/guard-state.ts';
import { incidentMessage, MINUTE, startHarness, type Harness } from './harness.ts';

let h: Harness;
afterEach(async () => h?.close());

async function failWith(failedStep: string): Promise<{ runId: string }> {
  const { runId } = await h.deliver(incidentMessage());
  const execution = [...h.workflows.executions.keys()].at(-1)!;
  h.workflows.finish(execution, 'FAILED');
  h.workflows.executions.get(execution)!.error = { payload: JSON.stringify({ message: `redeploy of zenml-server failed at ${failedStep}`, failedStep }) };
  h.clock.advance(MINUTE);
  await h.follow();
  return { runId: runId! };
}

describe('finishRemediation and the cooldown', () => {
  it('lifts the cooldown of a run that failed before its first change, audited; the next incident acts', async () => {
    h = startHarness();
    const { runId } = await failWith('wait-for-idle');
    expect(await h.store.getRun(runId)).toMatchObject({ status: 'failed' });
    const cooldown = (await h.store.getValue<{ until: string; runId: string }>(GUARD_NAMESPACES.cooldown, 'app:zenml-server'))!.value;
    expect(Date.parse(cooldown.until)).toBeLessThanOrEqual(h.clock.now().getTime());
    const audit = await h.store.queryAudit({ runId });
    expect(audit.find((a) => a.action === 'alerts.execution-finished')!.reason).toMatch(/nothing was changed, so app:zenml-server gets no cooldown$/);
    // Still a failure for the circuit breaker.
    expect((await h.store.getValue<{ failures: unknown[] }>(GUARD_NAMESPACES.breaker, 'app:zenml-server'))!.value.failures).toHaveLength(1);

    const next = await h.deliver(incidentMessage({ incident_id: '0.after-refusal' }));
    expect(await h.store.getRun(next.runId!)).toMatchObject({ status: 'executing' });
  });

  it('keeps the cooldown of a run that failed after it changed something', async () => {
    h = startHarness();
    await failWith('wait-synced-healthy');
    const next = await h.deliver(incidentMessage({ incident_id: '0.after-change' }));
    const run = (await h.store.getRun(next.runId!))!;
    expect(run.status).toBe('suppressed');
    expect(h.workflows.started).toHaveLength(1);
  });
});
