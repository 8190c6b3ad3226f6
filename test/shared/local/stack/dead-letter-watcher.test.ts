import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { recordExhausted, type WatcherDeps } from '../../../../shared/local/stack/dead-letter-watcher.ts';
import type { StateStore } from '../../../../shared/ports/state-store.ts';
import { memoryLogger, MemoryObjectStore, testConfig } from '../../../support/fakes.ts';

const request = (requestId: string) => ({
  apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId, action: 'create', workspace: 'team-alpha',
  environment: 'dev', requestedBy: 'alice@example.com',
});

function dlqMessage(data: unknown) {
  return {
    id: 'dlq-1', data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)), publishTime: new Date('2026-11-26T08:00:00Z'),
    attributes: { CloudPubSubDeadLetterSourceDeliveryCount: '5', CloudPubSubDeadLetterSourceSubscription: 'cp-provisioning-requests-push' },
  };
}

describe('the dead-letter watcher', () => {
  let store: StateStore;
  let clock: VirtualClock;
  let deps: WatcherDeps;
  beforeEach(() => {
    clock = new VirtualClock('2026-11-26T08:00:00Z');
    store = openSqliteStateStore(':memory:', { clock });
    deps = { store, clock, logger: memoryLogger('silent').logger, config: testConfig(), payloads: { objects: new MemoryObjectStore() as never, bucket: 'b' } };
  });
  afterEach(async () => store.close());

  const claim = async (requestId: string, patch: Parameters<StateStore['updateRun']>[1]) => {
    const { run } = await store.claim(`provisioning:${requestId}`, { id: `run-${requestId}`, flow: 'provisioning', status: 'running', attempts: 1, leaseExpiresAt: new Date(clock.now().getTime() + 20_000).toISOString() });
    return store.updateRun(run.id, patch);
  };

  it('never overwrites a run that succeeded, and records no dead letter for finished work', async () => {
    await claim('req-done01', { status: 'succeeded' });
    await recordExhausted(deps, 'provisioning', 'cp-provisioning-requests', dlqMessage(request('req-done01')));
    expect(await store.getRun('run-req-done01')).toMatchObject({ status: 'succeeded' });
    expect(await store.listDeadLetters()).toHaveLength(0);
    expect((await store.queryAudit())[0]).toMatchObject({ result: 'info', reason: expect.stringMatching(/run run-req-done01 already succeeded/) });
  });

  it('does not fail a run that is still running under a live lease', async () => {
    await claim('req-live01', { leaseExpiresAt: new Date(clock.now().getTime() + 20_000).toISOString() });
    await recordExhausted(deps, 'provisioning', 'cp-provisioning-requests', dlqMessage(request('req-live01')));
    expect(await store.getRun('run-req-live01')).toMatchObject({ status: 'running' });
  });

  it('does not fail a run whose message waits parked on its target', async () => {
    await claim('req-park01', { status: 'retrying', error: { class: 'transient', message: 'waiting for instance:x' } });
    await store.park({ target: 'instance:x', key: 'provisioning:req-park01', flow: 'provisioning', topic: 'cp-provisioning-requests', reason: 'busy', raw: { data: '', attributes: {} } });
    await recordExhausted(deps, 'provisioning', 'cp-provisioning-requests', dlqMessage(request('req-park01')));
    expect(await store.getRun('run-req-park01')).toMatchObject({ status: 'retrying' });
  });

  it('fails an abandoned run, records the dead letter, and says what it left behind', async () => {
    await claim('req-gone01', { status: 'retrying', steps: [{ name: 'create-database', status: 'succeeded', at: clock.now().toISOString() }, { name: 'create-secret', status: 'failed', at: clock.now().toISOString() }] });
    await recordExhausted(deps, 'provisioning', 'cp-provisioning-requests', dlqMessage(request('req-gone01')));
    expect(await store.getRun('run-req-gone01')).toMatchObject({ status: 'failed', result: { pendingCleanup: ['create-database'] } });
    const [dl] = await store.listDeadLetters();
    expect(dl!.reason).toMatch(/delivery failed 5 times.*pending cleanup: create-database/);
    expect(dl!.raw.attributes).toEqual({});
  });

  it('keeps an oversized message whole in the bucket and a bounded record', async () => {
    await recordExhausted(deps, 'provisioning', 'cp-provisioning-requests', dlqMessage('x'.repeat(3 * 1024 * 1024)));
    const [dl] = await store.listDeadLetters();
    expect(JSON.stringify(dl).length).toBeLessThan(deps.config.deadLetterInlineBytes);
    expect(dl!.payload?.uri).toMatch(/^gs:\/\/b\/dead-letters\//);
  });
});
