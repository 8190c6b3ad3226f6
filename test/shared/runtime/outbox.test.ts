import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStateStore } from '../../../shared/adapters/local/sqlite-state-store.ts';
import { VirtualClock } from '../../../shared/adapters/local/virtual-clock.ts';
import type { StateStore } from '../../../shared/ports/state-store.ts';
import { auditsFailure, OUTBOX_BATCH, OUTBOX_CLAIM_MS, outboxBackoffMs, StatusOutbox } from '../../../shared/runtime/outbox.ts';
import { memoryLogger, RecordingPublisher } from '../../support/fakes.ts';

describe('StatusOutbox (publishing the status events the store keeps)', () => {
  let clock: VirtualClock;
  let store: StateStore;
  let publisher: RecordingPublisher;
  let outbox: StatusOutbox;
  let log: ReturnType<typeof memoryLogger>;

  beforeEach(() => {
    clock = new VirtualClock('2026-11-26T08:00:00Z');
    store = openSqliteStateStore(':memory:', { clock });
    publisher = new RecordingPublisher();
    log = memoryLogger('warn');
    outbox = new StatusOutbox({ store, publisher, clock, logger: log.logger });
  });
  afterEach(async () => store.close());

  /** A run whose status events (n = 0, 1, …) wait in the outbox, unclaimed, as a crashed instance leaves them. */
  async function run(id: string, events: number) {
    await store.claim(`key-${id}`, { id, flow: 'budgets', status: 'running' });
    for (let n = 0; n < events; n++) {
      await store.finishRun({ runId: id, patch: { status: 'awaiting-approval' }, event: { topic: 'cp-events', data: { runId: id, n }, attributes: { kind: 'BudgetThresholdCrossed' } } });
    }
  }

  it('publishes what it claimed at commit and removes it', async () => {
    await store.claim('key-r', { id: 'r', flow: 'budgets', status: 'running' });
    const done = await store.finishRun({ runId: 'r', patch: { status: 'succeeded' }, event: { topic: 'cp-events', data: { runId: 'r' } }, claim: { owner: outbox.owner, claimMs: OUTBOX_CLAIM_MS } });
    await outbox.send(done.outbox);
    expect(publisher.messages).toEqual([{ topic: 'cp-events', data: { runId: 'r' }, attributes: {} }]);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('never publishes a run\'s later event before an earlier one that failed', async () => {
    await run('r1', 3);
    await run('r2', 1);
    publisher.failNext = 1;
    await outbox.drain();
    // The first publish (r1 #0) failed: r1's later events wait behind it; r2 went out.
    expect(publisher.messages.map((m) => m.data)).toEqual([{ runId: 'r2', n: 0 }]);
    expect((await store.listOutbox()).map((e) => [e.data, e.attempts, e.claimedBy])).toEqual([
      [{ runId: 'r1', n: 0 }, 1, undefined], [{ runId: 'r1', n: 1 }, 0, undefined], [{ runId: 'r1', n: 2 }, 0, undefined],
    ]);
    await outbox.drain();
    expect(publisher.messages).toHaveLength(1);
    clock.advance(outboxBackoffMs(0));
    await outbox.drain();
    expect(publisher.messages.map((m) => m.data)).toEqual([{ runId: 'r2', n: 0 }, { runId: 'r1', n: 0 }, { runId: 'r1', n: 1 }, { runId: 'r1', n: 2 }]);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('keeps a publish that keeps failing in the outbox, logged every time and audited at growing intervals', async () => {
    await run('r1', 1);
    publisher.failNext = 30;
    for (let i = 0; i < 6; i++) {
      await outbox.drain();
      clock.advance(outboxBackoffMs(20));
    }
    const [entry] = await store.listOutbox();
    expect(entry).toMatchObject({ attempts: 6, lastError: 'publish unavailable' });
    const audits = await store.queryAudit({ result: 'failed' });
    expect(audits.map((a) => (a.details as { attempts: number }).attempts)).toEqual([5, 1]);
    expect(audits[0]).toMatchObject({ flow: 'budgets', runId: 'r1', action: 'budgets.status-event', reason: expect.stringMatching(/BudgetThresholdCrossed not published to cp-events \(attempt 5\): publish unavailable; kept in the outbox/) });
    const lines = log.lines().map((l) => JSON.parse(l) as { severity: string; message: string });
    expect(lines.filter((l) => /status event/.test(l.message))).toHaveLength(6);
    expect(lines.filter((l) => l.severity === 'ERROR')).toHaveLength(2);
    expect(publisher.messages).toEqual([]);
  });

  it('drains more than one batch in one call, and shares a pass between concurrent callers', async () => {
    for (let i = 0; i < OUTBOX_BATCH + 5; i++) await run(`r${i}`, 1);
    await Promise.all([outbox.drain(), outbox.drain(), outbox.drain()]);
    expect(publisher.messages).toHaveLength(OUTBOX_BATCH + 5);
    expect(new Set(publisher.messages.map((m) => m.data.runId)).size).toBe(OUTBOX_BATCH + 5);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('leaves alone what another live drainer holds', async () => {
    await store.claim('key-r', { id: 'r', flow: 'budgets', status: 'running' });
    await store.finishRun({ runId: 'r', patch: { status: 'succeeded' }, event: { topic: 'cp-events', data: {} }, claim: { owner: 'outbox:other', claimMs: OUTBOX_CLAIM_MS } });
    await outbox.drain();
    expect(publisher.messages).toEqual([]);
    clock.advance(OUTBOX_CLAIM_MS);
    await outbox.drain();
    expect(publisher.messages).toHaveLength(1);
  });

  it('backs off exponentially up to five minutes, and audits the 1st, 5th, 25th … failure', () => {
    expect([0, 1, 2, 8, 9, 30].map(outboxBackoffMs)).toEqual([1_000, 2_000, 4_000, 256_000, 300_000, 300_000]);
    expect([1, 2, 4, 5, 10, 25, 50, 125].filter(auditsFailure)).toEqual([1, 5, 25, 125]);
  });
});
