import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { openSqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { readControlPlaneSummary } from '../../../../shared/local/cli/control-plane-summary.ts';
import { summaryLines } from '../../../../shared/local/cli/commands/status.ts';
import type { StateStore } from '../../../../shared/ports/state-store.ts';

let store: StateStore;
afterEach(async () => store?.close());

describe('control-plane summary (stackctl status)', () => {
  it('counts runs, lists what waits for a person with the command to answer it, and shows a failing outbox', async () => {
    const clock = new VirtualClock('2026-03-10T12:00:00Z');
    store = openSqliteStateStore(':memory:', { clock });
    const execution = 'projects/p/locations/us-central1/workflows/pitr-restore/executions/exec-1';
    const { run: waiting } = await store.claim('alerts:a', { id: 'aaaaaaaa-0000-4000-8000-000000000001', flow: 'alerts', target: 'incident:a', status: 'running', attempts: 1 });
    // The run's end carries its status event, which the publish then fails to deliver.
    const { outbox } = await store.finishRun({ runId: waiting.id, patch: { status: 'awaiting-approval', refs: { execution } }, event: { topic: 'cp-events', data: { kind: 'ApprovalRequested' } } });
    const [claimed] = await store.claimOutbox('drainer', { limit: 10, claimMs: 60_000 });
    expect(claimed!.id).toBe(outbox!.id);
    await store.settleOutbox('drainer', { published: [], failed: [{ id: outbox!.id, error: 'pubsub.topics.publish(cp-events): 503 unavailable', retryAt: clock.now().toISOString() }], released: [] });
    const { run: failed } = await store.claim('provisioning:b', { id: 'bbbbbbbb-0000-4000-8000-000000000002', flow: 'provisioning', target: 'workspace:b', status: 'running', attempts: 1 });
    await store.updateRun(failed.id, { status: 'failed', error: { class: 'permanent', message: 'create-database: permission denied' } });
    clock.advance(90_000);

    const summary = await readControlPlaneSummary(store, clock.now());
    expect(summary.recent).toEqual({ runs: 2, byStatus: { 'awaiting-approval': 1, failed: 1 } });
    expect(summary.inFlight).toEqual([expect.objectContaining({ id: waiting.id, status: 'awaiting-approval', execution })]);
    expect(summary.outbox).toMatchObject({ waiting: 1, failing: 1, lastError: 'pubsub.topics.publish(cp-events): 503 unavailable' });
    const text = summaryLines(summary, ' --project p', clock.now()).join('\n');
    expect(text).toMatch(/awaiting approval\s+1\n\s+aaaaaaaa\s+alerts\s+incident:a\s+.*→ stackctl approve exec-1 --project p/);
    expect(text).toMatch(/last failure\s+bbbbbbbb provisioning workspace:b .*create-database: permission denied/);
    expect(text).toMatch(/status events\s+1 waiting in the outbox \(oldest 90s ago\), 1 failing: pubsub\.topics\.publish\(cp-events\): 503 unavailable/);
  });
});
