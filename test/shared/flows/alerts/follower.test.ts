import { afterEach, describe, expect, it } from 'vitest';
import { startExecutionFollower } from '../../../../shared/flows/alerts/follower.ts';
import { createLogger } from '../../../../shared/runtime/logger.ts';
import { incidentMessage, startHarness, type Harness } from './harness.ts';

let h: Harness;
afterEach(async () => h?.close());

describe('startExecutionFollower', () => {
  it('polls until stopped and ends runs whose executions ended; the lock is renewed while they run', async () => {
    h = startHarness();
    const { runId } = await h.deliver(incidentMessage());
    const execution = (await h.store.getRun(runId!))!.refs!.execution!;
    const follower = startExecutionFollower({ store: h.store, workflows: h.workflows, clock: h.clock, logger: createLogger({ level: 'silent' }) }, { intervalMs: 5 });
    try {
      // The in-flight lease (180 min) outlives its first term only because the follower renews it.
      h.clock.advance(170 * 60_000);
      await new Promise((r) => setTimeout(r, 30));
      h.clock.advance(20 * 60_000);
      expect(await h.store.acquireLease('remediation:app:zenml-server', 'probe', 1000)).toBeNull();
      h.workflows.finish(execution, 'CANCELLED');
      for (let i = 0; i < 200 && (await h.store.getRun(runId!))!.status === 'executing'; i++) await new Promise((r) => setTimeout(r, 5));
      expect(await h.store.getRun(runId!)).toMatchObject({ status: 'cancelled', refs: { executionState: 'CANCELLED' } });
    } finally {
      await follower.stop();
    }
    const stoppedAt = (await h.store.queryAudit({ runId })).length;
    await new Promise((r) => setTimeout(r, 20));
    expect((await h.store.queryAudit({ runId })).length).toBe(stoppedAt);
  });
});
