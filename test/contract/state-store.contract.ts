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

    describe('parked deliveries (the per-target queue)', () => {
      const entry = (key: string, target = 'instance:sql-main') => ({
        target, key, flow: 'backups' as const, topic: 'cp-backup-jobs',
        raw: { data: Buffer.from(`{"job":"${key}"}`).toString('base64'), attributes: { a: '1' } }, reason: 'instance:sql-main is busy',
      });

      it('parks, hands out the oldest first, and forgets what is unparked', async () => {
        const a = await store.park(entry('k-a'));
        clock.advance(1_000);
        const b = await store.park(entry('k-b'));
        expect(a).toEqual({ id: expect.any(String), parkedAt: START, ...entry('k-a') });
        expect(b.parkedAt).toBe(later(1_000));
        expect(await store.nextParked('instance:sql-main')).toEqual(a);
        expect(await store.getParked('instance:sql-main', 'k-b')).toEqual(b);
        expect(await store.getParked('instance:other', 'k-b')).toBeNull();
        expect(await store.unpark(a.id)).toBe(true);
        expect(await store.unpark(a.id)).toBe(false);
        expect(await store.nextParked('instance:sql-main')).toEqual(b);
        await store.unpark(b.id);
        expect(await store.nextParked('instance:sql-main')).toBeNull();
      });

      it('keeps one entry per target and key, at its first place in the queue', async () => {
        const first = await store.park(entry('k-a'));
        clock.advance(1_000);
        await store.park(entry('k-b'));
        clock.advance(1_000);
        const again = await store.park({ ...entry('k-a'), reason: 'still busy' });
        expect(again).toMatchObject({ id: first.id, parkedAt: START, reason: 'still busy' });
        expect(await store.nextParked('instance:sql-main')).toMatchObject({ key: 'k-a' });
        const earlier = await store.park({ ...entry('k-b'), parkedAt: later(-5_000) });
        expect(earlier.parkedAt).toBe(later(-5_000));
        expect(await store.nextParked('instance:sql-main')).toMatchObject({ key: 'k-b' });
      });

      it('keeps targets apart and lists the targets that have a queue', async () => {
        await store.park(entry('k-a', 'instance:one'));
        clock.advance(1_000);
        await store.park(entry('k-b', 'instance:two'));
        await store.park(entry('k-c', 'instance:two'));
        expect(await store.nextParked('instance:one')).toMatchObject({ key: 'k-a' });
        expect(await store.nextParked('instance:none')).toBeNull();
        expect(await store.listParkedTargets()).toEqual([
          { target: 'instance:one', count: 1, oldest: START },
          { target: 'instance:two', count: 2, oldest: later(1_000) },
        ]);
      });

      it('refuses an entry without target, key or data', async () => {
        await expect(store.park({ ...entry('k'), target: '' })).rejects.toThrow(/target/);
        await expect(store.park({ ...entry(''), target: 't' })).rejects.toThrow(/key/);
        await expect(store.park({ ...entry('k'), raw: { data: 1 as never, attributes: {} } })).rejects.toThrow(/raw\.data/);
      });
    });

    describe('a delivery in two transactions (startRun, finishRun) and appended steps', () => {
      const lease = (owner = 'worker-a', target = 'workspace:team-a') => ({ target, owner, ttlMs: 20_000 });
      const init = (id = 'run-1') => ({ id, flow: 'provisioning' as const, target: 'workspace:team-a', input: { ws: 'team-a' }, attempts: 1, leaseExpiresAt: later(20_000) });
      const event = (status: string, n = 1) => ({ topic: 'cp-events', data: { kind: 'RunStatus', status, n }, attributes: { flow: 'provisioning', kind: 'RunStatus' } });

      it('claims a new run and takes the target lease in one call', async () => {
        const started = await store.startRun({ key: 'k-1', init: init(), lease: lease() });
        expect(started).toMatchObject({ outcome: 'claimed', run: { id: 'run-1', key: 'k-1', status: 'running', attempts: 1, leaseExpiresAt: later(20_000), input: { ws: 'team-a' } }, lease: { owner: 'worker-a', expiresAt: later(20_000) } });
        expect(await store.getRunByKey('k-1')).toEqual(started.run);
        expect(await store.acquireLease('workspace:team-a', 'worker-b', 20_000)).toBeNull();
      });

      it('answers a finished run as such and takes nothing', async () => {
        const { run } = await store.claim('k-1', { id: 'run-1', flow: 'provisioning', status: 'accepted' });
        expect(await store.startRun({ key: 'k-1', init: init('run-2'), lease: lease() })).toEqual({ outcome: 'finished', run });
        expect(await store.acquireLease('workspace:team-a', 'worker-b', 20_000)).not.toBeNull();
        expect(await store.getRun('run-2')).toBeNull();
      });

      it('reports a busy target and writes nothing, then claims once the lease is free', async () => {
        await store.acquireLease('workspace:team-a', 'holder', 20_000);
        expect(await store.startRun({ key: 'k-1', init: init(), lease: lease() })).toEqual({ outcome: 'busy', run: null });
        expect(await store.getRunByKey('k-1')).toBeNull();
        clock.advance(20_000);
        expect((await store.startRun({ key: 'k-1', init: init(), lease: lease() })).outcome).toBe('claimed');
      });

      it('resumes a retrying or crashed run: running, one more attempt, the new lease', async () => {
        await store.startRun({ key: 'k-1', init: init(), lease: lease('worker-a') });
        await store.updateRun('run-1', { status: 'retrying', leaseExpiresAt: undefined });
        await store.releaseLease('workspace:team-a', 'worker-a');
        clock.advance(5_000);
        const resumed = await store.startRun({ key: 'k-1', init: { ...init('run-other'), leaseExpiresAt: later(25_000) }, lease: lease('worker-b') });
        expect(resumed).toMatchObject({ outcome: 'resumed', run: { id: 'run-1', status: 'running', attempts: 2, leaseExpiresAt: later(25_000), updatedAt: later(5_000) } });
        expect(await store.getRun('run-other')).toBeNull();
        // A crashed holder: its run is still `running`; once its target lease ends, the next taker resumes it.
        clock.advance(20_001);
        expect(await store.startRun({ key: 'k-1', init: { ...init('run-x'), leaseExpiresAt: later(50_000) }, lease: lease('worker-c') })).toMatchObject({ outcome: 'resumed', run: { attempts: 3 } });
      });

      it('gives a busy answer with the existing run while another owner holds the target', async () => {
        await store.startRun({ key: 'k-1', init: init(), lease: lease('worker-a') });
        expect(await store.startRun({ key: 'k-1', init: init('run-2'), lease: lease('worker-b') })).toMatchObject({ outcome: 'busy', run: { id: 'run-1', attempts: 1 } });
      });

      it('has exactly one claimer among concurrent starts of one key', async () => {
        const results = await Promise.all(Array.from({ length: claimers }, (_, i) => store.startRun({ key: 'k-race', init: init(`run-${i}`), lease: lease(`w-${i}`) })));
        expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
        expect(results.filter((r) => r.outcome !== 'claimed').every((r) => r.outcome === 'busy')).toBe(true);
      });

      it('refuses a run id another key has, and bad arguments', async () => {
        await store.claim('k-a', { id: 'run-1', flow: 'provisioning' });
        await expect(store.startRun({ key: 'k-b', init: init('run-1'), lease: lease() })).rejects.toThrow(/run-1.*another idempotency key/);
        await expect(store.startRun({ key: '', init: init(), lease: lease() })).rejects.toThrow(/key/);
        await expect(store.startRun({ key: 'k', init: init(), lease: { ...lease(), ttlMs: 0 } })).rejects.toThrow(/ttlMs/);
        await expect(store.startRun({ key: 'k', init: { ...init(), leaseExpiresAt: 'soon' }, lease: lease() })).rejects.toThrow(/leaseExpiresAt/);
      });

      it('appends steps one at a time, keeps their order, and ignores an exact repeat', async () => {
        await store.startRun({ key: 'k-1', init: init(), lease: lease() });
        await store.appendRunStep('run-1', { name: 'create-database', status: 'succeeded', at: later(0) });
        clock.advance(1_000);
        await store.appendRunStep('run-1', { name: 'create-user', status: 'failed', detail: '503', at: later(1_000) });
        await store.appendRunStep('run-1', { name: 'create-user', status: 'failed', detail: '503', at: later(1_000) });
        await store.appendRunStep('run-1', { name: 'create-user', status: 'succeeded', at: later(1_500) });
        const run = await store.getRun('run-1');
        expect(run!.steps).toEqual([
          { name: 'create-database', status: 'succeeded', at: later(0) },
          { name: 'create-user', status: 'failed', detail: '503', at: later(1_000) },
          { name: 'create-user', status: 'succeeded', at: later(1_500) },
        ]);
        expect(run!.updatedAt).toBe(later(1_000));
        // A patch that replaces the steps and a later append still agree.
        await store.updateRun('run-1', { steps: [{ name: 'only', status: 'skipped', at: later(2_000) }] });
        await store.appendRunStep('run-1', { name: 'after', status: 'succeeded', at: later(3_000) });
        expect((await store.getRun('run-1'))!.steps.map((s) => s.name)).toEqual(['only', 'after']);
      });

      it('refuses a step for an unknown run, naming it, and a step without a name or time', async () => {
        await expect(store.appendRunStep('run-missing', { name: 'x', status: 'succeeded', at: later(0) })).rejects.toThrow(/run-missing/);
        await store.claim('k-1', { id: 'run-1', flow: 'provisioning' });
        await expect(store.appendRunStep('run-1', { name: '', status: 'succeeded', at: later(0) })).rejects.toThrow(/step.name/);
        await expect(store.appendRunStep('run-1', { name: 'x', status: 'succeeded', at: 'now' })).rejects.toThrow(/step.at/);
      });

      it('updates only the patched fields and keeps the rest, steps included', async () => {
        await store.startRun({ key: 'k-1', init: init(), lease: lease() });
        await store.appendRunStep('run-1', { name: 's1', status: 'succeeded', at: later(0) });
        await store.updateRun('run-1', { leaseExpiresAt: later(40_000) });
        await store.updateRun('run-1', { result: { n: 1 }, refs: { execution: 'e-1' } });
        expect(await store.getRun('run-1')).toMatchObject({ status: 'running', attempts: 1, leaseExpiresAt: later(40_000), input: { ws: 'team-a' }, result: { n: 1 }, refs: { execution: 'e-1' }, steps: [{ name: 's1' }] });
      });

      it('finishes a run: final patch, outbox entry, audit and release in one call', async () => {
        await store.startRun({ key: 'k-1', init: init(), lease: lease() });
        clock.advance(2_000);
        const done = await store.finishRun({
          runId: 'run-1', patch: { status: 'succeeded', result: { ok: true }, leaseExpiresAt: undefined },
          event: event('succeeded'), audit: { flow: 'provisioning', runId: 'run-1', actor: 'alice', action: 'provisioning.WorkspaceRequest', target: 'workspace:team-a', result: 'ok', durationMs: 2_000 },
          release: { target: 'workspace:team-a', owner: 'worker-a' },
        });
        expect(done.run).toMatchObject({ status: 'succeeded', result: { ok: true }, updatedAt: later(2_000) });
        expect(done.run.leaseExpiresAt).toBeUndefined();
        expect(done.lease).toBe('released');
        expect(done.outbox).toMatchObject({ runId: 'run-1', flow: 'provisioning', topic: 'cp-events', data: { kind: 'RunStatus', status: 'succeeded' }, attributes: { kind: 'RunStatus' }, createdAt: later(2_000), attempts: 0 });
        expect(done.outbox!.claimedBy).toBeUndefined();
        expect(done.audit).toMatchObject({ runId: 'run-1', result: 'ok', at: later(2_000) });
        expect(await store.getRun('run-1')).toEqual(done.run);
        expect(await store.listOutbox()).toEqual([done.outbox]);
        expect(await store.queryAudit({ runId: 'run-1' })).toEqual([done.audit]);
        expect(await store.acquireLease('workspace:team-a', 'worker-b', 20_000)).not.toBeNull();
      });

      it('keeps the lease for the handover when deliveries are parked on the target, and says when it was lost', async () => {
        await store.startRun({ key: 'k-1', init: init(), lease: lease() });
        await store.park({ target: 'workspace:team-a', key: 'k-2', flow: 'provisioning', topic: 'cp-provisioning-requests', reason: 'busy', raw: { data: 'e30=', attributes: {} } });
        const held = await store.finishRun({ runId: 'run-1', patch: { status: 'succeeded' }, release: { target: 'workspace:team-a', owner: 'worker-a' } });
        expect(held.lease).toBe('held');
        expect(await store.acquireLease('workspace:team-a', 'worker-b', 20_000)).toBeNull();
        await store.startRun({ key: 'k-3', init: init('run-3'), lease: lease('worker-a', 'other') });
        clock.advance(20_001);
        await store.acquireLease('other', 'thief', 20_000);
        expect((await store.finishRun({ runId: 'run-3', patch: { status: 'succeeded' }, release: { target: 'other', owner: 'worker-a' } })).lease).toBe('lost');
      });

      it('writes nothing when the final patch is refused', async () => {
        await store.claim('k-1', { id: 'run-1', flow: 'provisioning', status: 'accepted' });
        await store.acquireLease('workspace:team-a', 'worker-a', 20_000);
        await expect(store.finishRun({
          runId: 'run-1', patch: { status: 'running' }, event: event('running'),
          audit: { flow: 'provisioning', actor: 'a', action: 'b', result: 'ok' }, release: { target: 'workspace:team-a', owner: 'worker-a' },
        })).rejects.toThrow(/accepted → running is not allowed/);
        expect(await store.listOutbox()).toEqual([]);
        expect(await store.queryAudit()).toEqual([]);
        expect(await store.acquireLease('workspace:team-a', 'worker-b', 20_000)).toBeNull();
        await expect(store.finishRun({ runId: 'run-missing', patch: { status: 'succeeded' } })).rejects.toThrow(/run-missing not found/);
      });
    });

    describe('status-event outbox', () => {
      const event = (n: number) => ({ topic: 'cp-events', data: { n }, attributes: { kind: 'RunStatus' } });
      const claimMs = 60_000;
      /** A run left `awaiting-approval` (so it can finish again) with `events` status events in the outbox. */
      async function runWithEvents(id: string, events: number, claim?: string): Promise<string[]> {
        await store.claim(`key-${id}`, { id, flow: 'budgets', status: 'running' });
        const ids: string[] = [];
        for (let i = 0; i < events; i++) {
          const done = await store.finishRun({ runId: id, patch: { status: 'awaiting-approval' }, event: event(i), ...(claim ? { claim: { owner: claim, claimMs } } : {}) });
          ids.push(done.outbox!.id);
        }
        return ids;
      }

      it('claims a fresh entry for its writer at once, unless an older entry of the run still waits', async () => {
        const [first, second] = await runWithEvents('run-1', 2, 'drainer-a');
        const entries = await store.listOutbox({ runId: 'run-1' });
        expect(entries.map((e) => e.id)).toEqual([first, second]);
        expect(entries[0]).toMatchObject({ claimedBy: 'drainer-a', claimedUntil: later(claimMs) });
        expect(entries[1]!.claimedBy).toBeUndefined();
        // The unclaimed second entry is not claimable past its run's claimed first one.
        expect(await store.claimOutbox('drainer-b', { limit: 10, claimMs })).toEqual([]);
      });

      it('hands out due entries, a run\'s in order, each to one drainer, and removes what was published', async () => {
        const a = await runWithEvents('run-a', 2);
        const b = await runWithEvents('run-b', 1);
        const claimed = await store.claimOutbox('drainer-a', { limit: 10, claimMs });
        expect(claimed.filter((e) => e.runId === 'run-a').map((e) => [e.id, e.data])).toEqual([[a[0], { n: 0 }], [a[1], { n: 1 }]]);
        expect(claimed.filter((e) => e.runId === 'run-b').map((e) => e.id)).toEqual(b);
        expect(claimed.every((e) => e.claimedBy === 'drainer-a' && e.claimedUntil === later(claimMs))).toBe(true);
        expect(await store.claimOutbox('drainer-b', { limit: 10, claimMs })).toEqual([]);
        expect(await store.settleOutbox('drainer-a', { published: [a[0]!, b[0]!], failed: [], released: [a[1]!] })).toEqual([]);
        expect((await store.listOutbox()).map((e) => [e.id, e.claimedBy])).toEqual([[a[1], undefined]]);
        expect((await store.claimOutbox('drainer-b', { limit: 10, claimMs })).map((e) => e.id)).toEqual([a[1]]);
      });

      it('respects the limit', async () => {
        await runWithEvents('run-a', 1);
        await runWithEvents('run-b', 1);
        await runWithEvents('run-c', 1);
        expect(await store.claimOutbox('d', { limit: 2, claimMs })).toHaveLength(2);
        expect(await store.claimOutbox('d', { limit: 2, claimMs })).toHaveLength(1);
      });

      it('keeps a failed entry with its error and attempts, backs it off, and holds the run\'s later entries behind it', async () => {
        const [first, second] = await runWithEvents('run-1', 2);
        const other = await runWithEvents('run-2', 1);
        await store.claimOutbox('d', { limit: 10, claimMs });
        clock.advance(500);
        const failed = await store.settleOutbox('d', { published: [other[0]!], failed: [{ id: first!, error: 'UNAVAILABLE', retryAt: later(10_500) }], released: [second!] });
        expect(failed).toEqual([expect.objectContaining({ id: first, attempts: 1, lastError: 'UNAVAILABLE', lastAttemptAt: later(500), nextAttemptAt: later(10_500) })]);
        expect(failed[0]!.claimedBy).toBeUndefined();
        // Backing off: neither it nor the run's later entry is handed out before retryAt.
        expect(await store.claimOutbox('d', { limit: 10, claimMs })).toEqual([]);
        clock.advance(10_000);
        const again = await store.claimOutbox('d', { limit: 10, claimMs });
        expect(again.map((e) => e.id)).toEqual([first, second]);
        expect(again[0]).toMatchObject({ attempts: 1, lastError: 'UNAVAILABLE' });
        const twice = await store.settleOutbox('d', { published: [], failed: [{ id: first!, error: 'still down', retryAt: later(30_000) }], released: [second!] });
        expect(twice[0]).toMatchObject({ attempts: 2, lastError: 'still down' });
        expect(await store.listOutbox()).toHaveLength(2);
      });

      it('lets another drainer take over the entries of a drainer that crashed, once their claim ends', async () => {
        const ids = await runWithEvents('run-1', 1, 'crashed');
        expect(await store.claimOutbox('d', { limit: 10, claimMs })).toEqual([]);
        clock.advance(claimMs);
        const taken = await store.claimOutbox('d', { limit: 10, claimMs });
        expect(taken.map((e) => [e.id, e.claimedBy])).toEqual([[ids[0], 'd']]);
        // The crashed drainer's late settlement of what it no longer holds changes nothing: the new holder settles it.
        expect(await store.settleOutbox('crashed', { published: ids, failed: [{ id: ids[0]!, error: 'late', retryAt: later(0) }], released: ids })).toEqual([]);
        expect(await store.listOutbox()).toEqual([expect.objectContaining({ id: ids[0], claimedBy: 'd', attempts: 0 })]);
        await store.settleOutbox('d', { published: ids, failed: [], released: [] });
        expect(await store.listOutbox()).toEqual([]);
      });

      it('lets exactly one of concurrent drainers claim each entry', async () => {
        for (let i = 0; i < 6; i++) await runWithEvents(`run-${i}`, 1);
        const claims = await Promise.all(Array.from({ length: Math.min(claimers, 8) }, (_, i) => store.claimOutbox(`d-${i}`, { limit: 10, claimMs })));
        const ids = claims.flat().map((e) => e.id);
        expect(ids).toHaveLength(6);
        expect(new Set(ids).size).toBe(6);
      });

      it('keeps entries across a second store over the same data (another process)', async () => {
        if (options.supportsPeers === false) return;
        const ids = await runWithEvents('run-1', 1, 'drainer-a');
        const peer = await makeStore(clock, store);
        try {
          expect((await peer.listOutbox()).map((e) => e.id)).toEqual(ids);
          expect(await peer.claimOutbox('drainer-b', { limit: 10, claimMs })).toEqual([]);
          await peer.settleOutbox('drainer-a', { published: ids, failed: [], released: [] });
          expect(await store.listOutbox()).toEqual([]);
        } finally {
          await peer.close();
        }
      });

      it('refuses bad arguments, naming them', async () => {
        await expect(store.claimOutbox('', { limit: 1, claimMs })).rejects.toThrow(/owner/);
        await expect(store.claimOutbox('d', { limit: 0, claimMs })).rejects.toThrow(/limit/);
        await expect(store.settleOutbox('d', { published: [], failed: [{ id: 'x', error: 'e', retryAt: 'later' }], released: [] })).rejects.toThrow(/retryAt/);
        await store.claim('k', { id: 'run-1', flow: 'budgets' });
        await expect(store.finishRun({ runId: 'run-1', patch: {}, event: { topic: '', data: {} } })).rejects.toThrow(/event.topic/);
        await expect(store.finishRun({ runId: 'run-1', patch: {}, event: { topic: 't', data: undefined } })).rejects.toThrow(/JSON/);
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
