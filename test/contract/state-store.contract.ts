/**
 * The behaviour every StateStore adapter must have. Each adapter's test file calls
 * `stateStoreContract` with a factory; every test gets a fresh, empty store on a virtual
 * clock, so leases expire by moving the clock, never by sleeping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../shared/adapters/local/virtual-clock.ts';
import { RUN_TRANSITIONS, type RunStatus, type StateStore } from '../../shared/ports/state-store.ts';

/**
 * Makes a fresh, empty store. With `peerOf`, makes instead a second, independent store (its own
 * connection or client) over the same data as `peerOf`, as another process would see it.
 */
export type MakeStateStore = (clock: VirtualClock, peerOf?: StateStore) => StateStore | Promise<StateStore>;

export interface StateStoreContractOptions {
  /** How many claimers race for one key in the in-process concurrency tests. */
  concurrentClaimers?: number;
  /** False when the backend cannot be opened twice (an in-memory database). */
  supportsPeers?: boolean;
}

const START = '2026-03-01T00:00:00.000Z';
const ALL_STATUSES = Object.keys(RUN_TRANSITIONS) as RunStatus[];

function later(ms: number): string {
  return new Date(Date.parse(START) + ms).toISOString();
}

export function stateStoreContract(name: string, makeStore: MakeStateStore, options: StateStoreContractOptions = {}): void {
  const claimers = options.concurrentClaimers ?? 20;

  describe(`StateStore contract: ${name}`, () => {
    let clock: VirtualClock;
    let store: StateStore;

    beforeEach(async () => {
      clock = new VirtualClock(START);
      store = await makeStore(clock);
    });

    afterEach(async () => {
      await store.close();
    });

    describe('claim', () => {
      it('creates the run on the first claim with defaults and the clock time', async () => {
        const result = await store.claim('req-1', { id: 'run-1', flow: 'provisioning', target: 'team-alpha', input: { workspace: 'team-alpha', nested: [1, { a: null }] } });
        expect(result.claimed).toBe(true);
        expect(result.run).toEqual({
          id: 'run-1', flow: 'provisioning', key: 'req-1', status: 'running', target: 'team-alpha', attempts: 0,
          createdAt: START, updatedAt: START, steps: [], input: { workspace: 'team-alpha', nested: [1, { a: null }] },
        });
        expect(await store.getRun('run-1')).toEqual(result.run);
        expect(await store.getRunByKey('req-1')).toEqual(result.run);
      });

      it('gives the second claimer of a key claimed:false and the existing run', async () => {
        const first = await store.claim('req-1', { id: 'run-1', flow: 'provisioning' });
        clock.advance(1_000);
        const second = await store.claim('req-1', { id: 'run-2', flow: 'provisioning', input: { other: true } });
        expect(second.claimed).toBe(false);
        expect(second.run).toEqual(first.run);
        expect(await store.getRun('run-2')).toBeNull();
      });

      it('honours an initial status', async () => {
        const { run } = await store.claim('alert-1', { id: 'run-a', flow: 'alerts', status: 'accepted' });
        expect(run.status).toBe('accepted');
      });

      it('keeps different keys independent', async () => {
        const a = await store.claim('k-a', { id: 'run-a', flow: 'budgets' });
        const b = await store.claim('k-b', { id: 'run-b', flow: 'budgets' });
        expect([a.claimed, b.claimed]).toEqual([true, true]);
        expect((await store.getRunByKey('k-b'))?.id).toBe('run-b');
      });

      it('has exactly one winner among many concurrent claimers of one key', async () => {
        const results = await Promise.all(
          Array.from({ length: claimers }, (_, i) => store.claim('race-key', { id: `race-run-${i}`, flow: 'backups' })),
        );
        const winners = results.filter((r) => r.claimed);
        expect(winners).toHaveLength(1);
        const winnerId = winners[0].run.id;
        for (const r of results) expect(r.run.id).toBe(winnerId);
        expect((await store.listRuns()).map((r) => r.id)).toEqual([winnerId]);
      });

      it('refuses a run id already used by another key', async () => {
        await store.claim('k-1', { id: 'run-1', flow: 'provisioning' });
        await expect(store.claim('k-2', { id: 'run-1', flow: 'provisioning' })).rejects.toThrow(/run-1/);
        expect(await store.getRunByKey('k-2')).toBeNull();
      });

      it('refuses an empty key', async () => {
        await expect(store.claim('', { id: 'run-1', flow: 'provisioning' })).rejects.toThrow(/key/);
      });

      it('returns null for unknown runs', async () => {
        expect(await store.getRun('nope')).toBeNull();
        expect(await store.getRunByKey('nope')).toBeNull();
      });
    });

    describe.runIf(options.supportsPeers ?? true)('two stores over the same data', () => {
      let peer: StateStore;

      beforeEach(async () => {
        peer = await makeStore(clock, store);
      });

      afterEach(async () => {
        await peer.close();
      });

      it('gives one winner when both claim the same keys at once', async () => {
        const keys = Array.from({ length: 10 }, (_, i) => `shared-${i}`);
        const results = await Promise.all(keys.flatMap((key) => [
          store.claim(key, { id: `a-${key}`, flow: 'alerts' }),
          peer.claim(key, { id: `b-${key}`, flow: 'alerts' }),
        ]));
        for (const [i, key] of keys.entries()) {
          const [a, b] = [results[2 * i], results[2 * i + 1]];
          expect([a.claimed, b.claimed].filter(Boolean), key).toHaveLength(1);
          expect(a.run.id, key).toBe(b.run.id);
        }
      });

      it('sees the other store\'s leases, runs and values', async () => {
        expect(await store.acquireLease('sql/main', 'worker-a', 10_000)).not.toBeNull();
        expect(await peer.acquireLease('sql/main', 'worker-b', 10_000)).toBeNull();
        await store.claim('k', { id: 'run-1', flow: 'alerts' });
        await peer.updateRun('run-1', { status: 'running' });
        expect((await store.getRun('run-1'))?.status).toBe('running');
        await store.putValue('ns', 'k', 1, 0);
        expect(await peer.putValue('ns', 'k', 2, 0)).toEqual({ ok: false, version: 1 });
      });
    });

    describe('leases', () => {
      it('grants a free lease with owner and expiry from the clock', async () => {
        expect(await store.acquireLease('sql/main', 'worker-a', 30_000)).toEqual({ target: 'sql/main', owner: 'worker-a', expiresAt: later(30_000) });
      });

      it('refuses a live lease to another owner', async () => {
        await store.acquireLease('sql/main', 'worker-a', 30_000);
        clock.advance(29_999);
        expect(await store.acquireLease('sql/main', 'worker-b', 30_000)).toBeNull();
      });

      it('lets the holder re-acquire, which extends the lease', async () => {
        await store.acquireLease('sql/main', 'worker-a', 30_000);
        clock.advance(10_000);
        expect(await store.acquireLease('sql/main', 'worker-a', 30_000)).toEqual({ target: 'sql/main', owner: 'worker-a', expiresAt: later(40_000) });
      });

      it('hands an expired lease to another owner', async () => {
        await store.acquireLease('sql/main', 'worker-a', 30_000);
        clock.advance(30_000);
        expect(await store.acquireLease('sql/main', 'worker-b', 5_000)).toEqual({ target: 'sql/main', owner: 'worker-b', expiresAt: later(35_000) });
        expect(await store.renewLease('sql/main', 'worker-a', 30_000)).toBe(false);
        expect(await store.releaseLease('sql/main', 'worker-a')).toBe(false);
      });

      it('renews only for the holder, and a renewed lease outlives its first expiry', async () => {
        await store.acquireLease('sql/main', 'worker-a', 30_000);
        clock.advance(20_000);
        expect(await store.renewLease('sql/main', 'worker-b', 30_000)).toBe(false);
        expect(await store.renewLease('sql/main', 'worker-a', 30_000)).toBe(true);
        clock.advance(20_000); // 40 s: past the first expiry, inside the renewed one
        expect(await store.acquireLease('sql/main', 'worker-b', 30_000)).toBeNull();
      });

      it('does not renew a lease that has expired or never existed', async () => {
        expect(await store.renewLease('nothing', 'worker-a', 1_000)).toBe(false);
        await store.acquireLease('sql/main', 'worker-a', 1_000);
        clock.advance(1_000);
        expect(await store.renewLease('sql/main', 'worker-a', 1_000)).toBe(false);
      });

      it('releases only for the holder, after which others may take it', async () => {
        await store.acquireLease('argocd/zenml', 'worker-a', 30_000);
        expect(await store.releaseLease('argocd/zenml', 'worker-b')).toBe(false);
        expect(await store.acquireLease('argocd/zenml', 'worker-b', 30_000)).toBeNull();
        expect(await store.releaseLease('argocd/zenml', 'worker-a')).toBe(true);
        expect(await store.releaseLease('argocd/zenml', 'worker-a')).toBe(false);
        expect((await store.acquireLease('argocd/zenml', 'worker-b', 30_000))?.owner).toBe('worker-b');
      });

      it('keeps leases on different targets independent', async () => {
        expect(await store.acquireLease('t-1', 'worker-a', 1_000)).not.toBeNull();
        expect(await store.acquireLease('t-2', 'worker-b', 1_000)).not.toBeNull();
      });

      it('has exactly one holder among concurrent acquirers', async () => {
        const results = await Promise.all(
          Array.from({ length: claimers }, (_, i) => store.acquireLease('contended', `worker-${i}`, 10_000)),
        );
        expect(results.filter((l) => l !== null)).toHaveLength(1);
      });

      it('refuses a non-positive ttl and an empty owner', async () => {
        await expect(store.acquireLease('t', 'worker-a', 0)).rejects.toThrow(/ttlMs/);
        await expect(store.acquireLease('t', '', 1_000)).rejects.toThrow(/owner/);
      });
    });

    describe('runs', () => {
      it('walks allowed transitions and keeps updatedAt current', async () => {
        await store.claim('k', { id: 'run-1', flow: 'backups' });
        const path: RunStatus[] = ['running', 'retrying', 'running', 'succeeded'];
        for (const [i, status] of path.entries()) {
          clock.advance(1_000);
          const run = await store.updateRun('run-1', { status });
          expect(run.status).toBe(status);
          expect(run.updatedAt).toBe(later((i + 1) * 1_000));
          expect(run.createdAt).toBe(START);
        }
        expect((await store.getRun('run-1'))?.status).toBe('succeeded');
      });

      it('accepts exactly the transitions RUN_TRANSITIONS lists', async () => {
        let n = 0;
        for (const from of ALL_STATUSES) {
          for (const to of ALL_STATUSES) {
            if (from === to) continue;
            const id = `run-${n++}`;
            await store.claim(`key-${id}`, { id, flow: 'alerts', status: from });
            const update = store.updateRun(id, { status: to });
            if (RUN_TRANSITIONS[from].includes(to)) {
              expect((await update).status, `${from} → ${to}`).toBe(to);
            } else {
              await expect(update, `${from} → ${to}`).rejects.toThrow(`${from} → ${to}`);
              expect((await store.getRun(id))?.status).toBe(from);
            }
          }
        }
      });

      it('names the run and both statuses when refusing', async () => {
        await store.claim('k', { id: 'run-done', flow: 'alerts', status: 'succeeded' });
        await expect(store.updateRun('run-done', { status: 'running' })).rejects.toThrow(/run-done.*succeeded → running/);
      });

      it('treats a patch to the current status as no status change', async () => {
        await store.claim('k', { id: 'run-1', flow: 'alerts', status: 'awaiting-approval' });
        const run = await store.updateRun('run-1', { status: 'awaiting-approval', refs: { approval: 'ap-1' } });
        expect(run).toMatchObject({ status: 'awaiting-approval', refs: { approval: 'ap-1' } });
      });

      it('merges patches and clears fields patched with undefined', async () => {
        await store.claim('k', { id: 'run-1', flow: 'provisioning', target: 'team-a', input: { a: 1 } });
        clock.advance(500);
        const steps = [{ name: 'create-database', status: 'succeeded' as const, at: later(500) }, { name: 'create-bucket', status: 'failed' as const, detail: '403', at: later(500) }];
        const patched = await store.updateRun('run-1', {
          status: 'running', attempts: 1, leaseExpiresAt: later(60_500), steps,
          refs: { execution: 'projects/p/locations/l/workflows/w/executions/e1' },
        });
        expect(patched).toEqual({
          id: 'run-1', flow: 'provisioning', key: 'k', status: 'running', target: 'team-a', attempts: 1,
          createdAt: START, updatedAt: later(500), leaseExpiresAt: later(60_500), input: { a: 1 }, steps,
          refs: { execution: 'projects/p/locations/l/workflows/w/executions/e1' },
        });
        const finished = await store.updateRun('run-1', {
          status: 'failed', leaseExpiresAt: undefined, result: { partial: ['db'] },
          error: { class: 'permanent', message: 'bucket name taken', where: 'create-bucket' },
        });
        expect(finished.leaseExpiresAt).toBeUndefined();
        expect(await store.getRun('run-1')).toEqual(finished);
        expect(finished).toMatchObject({ result: { partial: ['db'] }, error: { class: 'permanent', where: 'create-bucket' }, steps });
      });

      it('refuses to update an unknown run, naming it', async () => {
        await expect(store.updateRun('ghost-run', { status: 'running' })).rejects.toThrow(/ghost-run/);
      });

      it('lists newest first with filters and a limit', async () => {
        const specs = [
          { id: 'r1', flow: 'provisioning', target: 'team-a', status: 'retrying' },
          { id: 'r2', flow: 'alerts', target: 'sql-main', status: 'accepted' },
          { id: 'r3', flow: 'provisioning', target: 'team-b', status: 'accepted' },
          { id: 'r4', flow: 'alerts', target: 'sql-main', status: 'retrying' },
          { id: 'r5', flow: 'provisioning', target: 'team-a', status: 'accepted' },
        ] as const;
        for (const spec of specs) {
          await store.claim(`key-${spec.id}`, spec);
          clock.advance(1_000);
        }
        const ids = async (query?: Parameters<StateStore['listRuns']>[0]) => (await store.listRuns(query)).map((r) => r.id);
        expect(await ids()).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
        expect(await ids({ flow: 'provisioning' })).toEqual(['r5', 'r3', 'r1']);
        expect(await ids({ status: 'accepted' })).toEqual(['r5', 'r3', 'r2']);
        expect(await ids({ target: 'sql-main' })).toEqual(['r4', 'r2']);
        expect(await ids({ flow: 'provisioning', status: 'accepted', target: 'team-a' })).toEqual(['r5']);
        expect(await ids({ limit: 2 })).toEqual(['r5', 'r4']);
        expect(await ids({ flow: 'provisioning', limit: 1 })).toEqual(['r5']);
        expect(await ids({ flow: 'budgets' })).toEqual([]);
        await store.updateRun('r1', { status: 'running' });
        expect(await ids({ status: 'running' })).toEqual(['r1']);
      });

      it('refuses a bad limit', async () => {
        await expect(store.listRuns({ limit: 0 })).rejects.toThrow(/limit/);
      });
    });

    describe('audit', () => {
      it('appends records with an id and the clock time, or the given time', async () => {
        const a = await store.appendAudit({ flow: 'provisioning', runId: 'run-1', actor: 'alice@example.com', action: 'create-workspace', target: 'team-a', result: 'ok', durationMs: 42, details: { steps: 3 } });
        expect(a).toEqual({ id: expect.any(String), at: START, flow: 'provisioning', runId: 'run-1', actor: 'alice@example.com', action: 'create-workspace', target: 'team-a', result: 'ok', durationMs: 42, details: { steps: 3 } });
        const b = await store.appendAudit({ flow: 'cli', actor: 'stackctl', action: 'replay', result: 'info', at: '2026-02-01T10:00:00Z' });
        expect(b.at).toBe('2026-02-01T10:00:00.000Z');
        expect(b.id).not.toBe(a.id);
      });

      it('queries newest first with filters, since and limit', async () => {
        const rows = [
          { flow: 'provisioning', runId: 'run-1', target: 'team-a', result: 'ok' },
          { flow: 'provisioning', runId: 'run-2', target: 'team-a', result: 'duplicate', reason: 'duplicate of run run-1' },
          { flow: 'alerts', runId: 'run-3', target: 'sql-main', result: 'suppressed', reason: 'cooldown until T' },
          { flow: 'alerts', runId: 'run-3', target: 'sql-main', result: 'ok' },
          { flow: 'system', target: 'team-a', result: 'dead-lettered' },
        ] as const;
        const ids: string[] = [];
        for (const row of rows) {
          ids.push((await store.appendAudit({ ...row, actor: 'tester', action: 'act' })).id);
          clock.advance(1_000);
        }
        const query = async (q?: Parameters<StateStore['queryAudit']>[0]) => (await store.queryAudit(q)).map((r) => ids.indexOf(r.id));
        expect(await query()).toEqual([4, 3, 2, 1, 0]);
        expect(await query({ runId: 'run-3' })).toEqual([3, 2]);
        expect(await query({ flow: 'provisioning' })).toEqual([1, 0]);
        expect(await query({ target: 'team-a' })).toEqual([4, 1, 0]);
        expect(await query({ result: 'ok' })).toEqual([3, 0]);
        expect(await query({ since: later(2_000) })).toEqual([4, 3, 2]);
        expect(await query({ since: later(2_000), target: 'sql-main', result: 'ok' })).toEqual([3]);
        expect(await query({ limit: 2 })).toEqual([4, 3]);
        expect((await store.queryAudit({ result: 'duplicate' }))[0].reason).toBe('duplicate of run run-1');
      });

      it('refuses an unparseable since', async () => {
        await expect(store.queryAudit({ since: 'yesterday-ish' })).rejects.toThrow(/since/);
      });
    });

    describe('dead letters', () => {
      const raw = { data: Buffer.from('{"not":"valid').toString('base64'), attributes: { origin: 'test', 'ce-type': 'x' }, messageId: 'm-1', publishTime: '2026-03-01T00:00:00.000Z' };

      it('stores the raw message and reason, and gets it back', async () => {
        const letter = await store.putDeadLetter({ flow: 'provisioning', topic: 'cp-provisioning-requests', raw, reason: 'invalid message: $: not JSON' });
        expect(letter).toEqual({ id: expect.any(String), at: START, flow: 'provisioning', topic: 'cp-provisioning-requests', raw, reason: 'invalid message: $: not JSON', replayCount: 0 });
        expect(await store.getDeadLetter(letter.id)).toEqual(letter);
        expect(await store.getDeadLetter('missing')).toBeNull();
      });

      it('lists newest first, by flow, with a limit, hiding replayed unless asked', async () => {
        const ids: string[] = [];
        for (const flow of ['provisioning', 'alerts', 'provisioning'] as const) {
          ids.push((await store.putDeadLetter({ flow, topic: 't', raw, reason: 'bad' })).id);
          clock.advance(1_000);
        }
        const list = async (q?: Parameters<StateStore['listDeadLetters']>[0]) => (await store.listDeadLetters(q)).map((d) => ids.indexOf(d.id));
        expect(await list()).toEqual([2, 1, 0]);
        expect(await list({ flow: 'provisioning' })).toEqual([2, 0]);
        expect(await list({ limit: 1 })).toEqual([2]);
        await store.markDeadLetterReplayed(ids[2]);
        expect(await list()).toEqual([1, 0]);
        expect(await list({ includeReplayed: true })).toEqual([2, 1, 0]);
        expect(await list({ flow: 'provisioning', includeReplayed: true })).toEqual([2, 0]);
      });

      it('marks replays with the time and a count', async () => {
        const letter = await store.putDeadLetter({ flow: 'budgets', topic: 'cp-billing-budgets', raw, reason: 'bad' });
        clock.advance(5_000);
        expect(await store.markDeadLetterReplayed(letter.id)).toMatchObject({ id: letter.id, replayedAt: later(5_000), replayCount: 1 });
        clock.advance(5_000);
        const twice = await store.markDeadLetterReplayed(letter.id);
        expect(twice).toMatchObject({ replayedAt: later(10_000), replayCount: 2, raw, reason: 'bad' });
        expect(await store.getDeadLetter(letter.id)).toEqual(twice);
      });

      it('refuses to replay an unknown dead letter, naming it', async () => {
        await expect(store.markDeadLetterReplayed('dl-ghost')).rejects.toThrow(/dl-ghost/);
      });
    });

    describe('key/value with compare-and-set', () => {
      it('creates from absent, refuses stale versions, and bumps the version', async () => {
        expect(await store.getValue('cooldown', 'sql-main')).toBeNull();
        expect(await store.putValue('cooldown', 'sql-main', { until: later(60_000) }, 0)).toEqual({ ok: true, version: 1 });
        expect(await store.putValue('cooldown', 'sql-main', { until: 'other' }, 0)).toEqual({ ok: false, version: 1 });
        expect(await store.putValue('cooldown', 'sql-main', { until: later(120_000) }, 1)).toEqual({ ok: true, version: 2 });
        expect(await store.putValue('cooldown', 'sql-main', { until: 'stale' }, 1)).toEqual({ ok: false, version: 2 });
        expect(await store.getValue('cooldown', 'sql-main')).toEqual({ value: { until: later(120_000) }, version: 2 });
      });

      it('writes unconditionally without an expected version', async () => {
        expect(await store.putValue('counter', 'x', 1)).toEqual({ ok: true, version: 1 });
        expect(await store.putValue('counter', 'x', 2)).toEqual({ ok: true, version: 2 });
        expect(await store.getValue<number>('counter', 'x')).toEqual({ value: 2, version: 2 });
      });

      it('reports version 0 when expecting a version of an absent key', async () => {
        expect(await store.putValue('breaker', 'absent', 'open', 3)).toEqual({ ok: false, version: 0 });
        expect(await store.getValue('breaker', 'absent')).toBeNull();
      });

      it('keeps namespaces apart', async () => {
        await store.putValue('a', 'k', 'in-a', 0);
        await store.putValue('b', 'k', 'in-b', 0);
        expect((await store.getValue('a', 'k'))?.value).toBe('in-a');
        expect((await store.getValue('b', 'k'))?.value).toBe('in-b');
      });

      it('lets exactly one of concurrent writers at the same version win', async () => {
        await store.putValue('rate', 'alerts', 0, 0);
        const results = await Promise.all(Array.from({ length: claimers }, (_, i) => store.putValue('rate', 'alerts', i + 1, 1)));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect((await store.getValue('rate', 'alerts'))?.version).toBe(2);
      });

      it('refuses a negative expected version and an undefined value', async () => {
        await expect(store.putValue('n', 'k', 1, -1)).rejects.toThrow(/expectedVersion/);
        await expect(store.putValue('n', 'k', undefined)).rejects.toThrow(/JSON/);
      });
    });
  });
}
