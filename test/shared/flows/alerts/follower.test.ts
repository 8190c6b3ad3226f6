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

describe('follower pass (followExecutionsOnce): RemediationFinished', () => {
  const finished = () => h.publisher.messages.filter((m) => m.data.kind === 'RemediationFinished');

  it('a failed remediation is reported with status=failed (what the remediation-failures subscription selects), through the outbox', async () => {
    h = startHarness();
    const { runId } = await h.deliver(incidentMessage({ incident_id: '0.fails' }));
    h.workflows.finish((await h.store.getRun(runId!))!.refs!.execution!, 'FAILED', { error: 'sync degraded' });
    await h.follow();
    expect(finished()).toEqual([expect.objectContaining({
      topic: 'cp-events',
      attributes: { flow: 'alerts', kind: 'RemediationFinished', status: 'failed' },
      data: expect.objectContaining({ runId, status: 'failed', executionState: 'FAILED', remediationTarget: 'app:zenml-server' }),
    })]);
    expect(await h.store.listOutbox({ runId })).toEqual([]);
  });

  it('a publish that fails leaves the event in the outbox, and a later drain publishes it once; the run stays ended', async () => {
    h = startHarness();
    const { runId } = await h.deliver(incidentMessage({ incident_id: '0.unpublished' }));
    h.workflows.finish((await h.store.getRun(runId!))!.refs!.execution!, 'SUCCEEDED');
    h.publisher.failNext = 1;
    const pass = await h.follow();
    expect(pass.finished).toEqual([expect.objectContaining({ runId, status: 'succeeded' })]);
    expect(finished()).toEqual([]);
    const [waiting] = await h.store.listOutbox({ runId });
    expect(waiting).toMatchObject({ attempts: 1, lastError: expect.stringContaining('publish unavailable') });
    // The next pass finds no run to end, but drains what waits once its backoff is over.
    h.clock.advance(60_000);
    await h.follow();
    expect(finished()).toEqual([expect.objectContaining({ data: expect.objectContaining({ runId, status: 'succeeded' }) })]);
    expect(await h.store.listOutbox({ runId })).toEqual([]);
    expect((await h.store.getRun(runId!))!.status).toBe('succeeded');
  });
});
