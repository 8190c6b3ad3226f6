import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { ArgoCdSim } from '../../../../../shared/local/gcp-sim/services/argocd.ts';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';

const clock = new VirtualClock('2026-03-01T00:00:00Z');
let sim: GcpSim;

async function call(method: string, path: string, body?: unknown, auth = true) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...(auth ? { authorization: 'Bearer argocd-token' } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() as any };
}
const app = async (name: string) => (await call('GET', `/api/v1/applications/${name}`)).json;

beforeAll(async () => { sim = await startGcpSim({ services: [new ArgoCdSim()], clock, operationDurationMs: 2000 }); });
afterAll(async () => { await sim.close(); });

describe('ArgoCdSim', () => {
  it('serves the seeded applications with revision history', async () => {
    for (const name of ['zenml-server', 'mlflow']) {
      const a = await app(name);
      expect(a.metadata.name).toBe(name);
      expect(a.status.sync.status).toBe('Synced');
      expect(a.status.health.status).toBe('Healthy');
      expect(a.status.operationState.phase).toBe('Succeeded');
      expect(a.status.history).toHaveLength(3);
      expect(a.status.history.map((h: any) => h.id)).toEqual([0, 1, 2]);
      expect(a.status.sync.revision).toBe(a.status.history[2].revision);
      expect(Date.parse(a.status.history[2].deployedAt)).toBeLessThan(clock.now().getTime());
    }
  });

  it('runs a sync: Running/Progressing, refuses a second one, then Succeeded/Synced/Healthy with history', async () => {
    const started = await call('POST', '/api/v1/applications/zenml-server/sync', { revision: 'abc1234', prune: false });
    expect(started.status).toBe(200);
    expect(started.json.status.operationState.phase).toBe('Running');
    expect(started.json.status.health.status).toBe('Progressing');
    expect(started.json.status.sync.status).toBe('OutOfSync');

    const again = await call('POST', '/api/v1/applications/zenml-server/sync', {});
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error: 'another operation is already in progress', code: 9, message: 'another operation is already in progress' });

    clock.advance(1999);
    expect((await app('zenml-server')).status.operationState.phase).toBe('Running');
    clock.advance(1);
    const done = await app('zenml-server');
    expect(done.status.operationState.phase).toBe('Succeeded');
    expect(done.status.operationState.syncResult.revision).toBe('abc1234');
    expect(done.status.sync).toMatchObject({ status: 'OutOfSync', revision: 'abc1234' });
    expect(done.status.health.status).toBe('Healthy');
    expect(done.status.history.at(-1)).toMatchObject({ id: 3, revision: 'abc1234', deployedAt: clock.now().toISOString() });
  });

  it('a sync to HEAD ends Synced', async () => {
    const head = (await app('zenml-server')).status.history[2].revision;
    await call('POST', '/api/v1/applications/zenml-server/sync', {});
    clock.advance(2000);
    const a = await app('zenml-server');
    expect(a.status.sync).toMatchObject({ status: 'Synced', revision: head });
  });

  it('simulator-only control makes the next sync fail once, for rollback tests', async () => {
    const ctl = await call('POST', '/api/v1/applications/mlflow/__sim', { nextSync: 'fail' });
    expect(ctl.json.nextSync).toBe('fail');
    const before = (await app('mlflow')).status.history.length;
    await call('POST', '/api/v1/applications/mlflow/sync', { revision: 'bad0001' });
    clock.advance(2000);
    const failed = await app('mlflow');
    expect(failed.status.operationState.phase).toBe('Failed');
    expect(failed.status.operationState.message).toContain('failed to apply');
    expect(failed.status.sync.status).toBe('OutOfSync');
    expect(failed.status.health.status).toBe('Degraded');
    expect(failed.status.history).toHaveLength(before);

    const previous = failed.status.history.at(-1).revision;
    await call('POST', '/api/v1/applications/mlflow/sync', { revision: previous });
    clock.advance(2000);
    const rolledBack = await app('mlflow');
    expect(rolledBack.status.operationState.phase).toBe('Succeeded');
    expect(rolledBack.status.health.status).toBe('Healthy');
    expect(rolledBack.status.sync).toMatchObject({ status: 'Synced', revision: previous });
  });

  it('a degraded sync succeeds as an operation but leaves the app Degraded', async () => {
    sim.service<ArgoCdSim>('argocd').setNextSyncOutcome('mlflow', 'degrade');
    await call('POST', '/api/v1/applications/mlflow/sync', { revision: 'slow0002' });
    clock.advance(2000);
    const a = await app('mlflow');
    expect(a.status.operationState.phase).toBe('Succeeded');
    expect(a.status.health.status).toBe('Degraded');
    expect(a.status.history.at(-1).revision).toBe('slow0002');
  });

  it('a dry run changes neither revision nor history', async () => {
    const before = await app('mlflow');
    await call('POST', '/api/v1/applications/mlflow/sync', { revision: 'dry0003', dryRun: true });
    clock.advance(2000);
    const after = await app('mlflow');
    expect(after.status.operationState.message).toContain('dry run');
    expect(after.status.sync.revision).toBe(before.status.sync.revision);
    expect(after.status.history).toEqual(before.status.history);
  });

  it('a new HEAD commit makes the app OutOfSync and a plain sync deploys it', async () => {
    await call('POST', '/api/v1/applications/zenml-server/__sim', { headRevision: 'feed0004' });
    expect((await app('zenml-server')).status.sync.status).toBe('OutOfSync');
    await call('POST', '/api/v1/applications/zenml-server/sync', {});
    clock.advance(2000);
    expect((await app('zenml-server')).status.sync).toMatchObject({ status: 'Synced', revision: 'feed0004' });
  });

  it('keeps at most 10 history entries, ids still increasing', async () => {
    for (let i = 0; i < 9; i++) {
      await call('POST', '/api/v1/applications/zenml-server/sync', { revision: `r${i}` });
      clock.advance(2000);
    }
    const h = (await app('zenml-server')).status.history;
    expect(h).toHaveLength(10);
    expect(h.at(-1).revision).toBe('r8');
    expect(h.map((x: any) => x.id)).toEqual([...h.map((x: any) => x.id)].sort((a: number, b: number) => a - b));
  });

  it('answers errors the way Argo CD does', async () => {
    const missing = await call('GET', '/api/v1/applications/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'applications.argoproj.io "nope" not found', code: 5, message: 'applications.argoproj.io "nope" not found' });
    const badType = await call('POST', '/api/v1/applications/mlflow/sync', { prune: 'yes' });
    expect(badType.status).toBe(400);
    expect(badType.json.code).toBe(3);
    expect(badType.json.message).toContain('prune');
    const badCtl = await call('POST', '/api/v1/applications/mlflow/__sim', { nextSync: 'explode' });
    expect(badCtl.status).toBe(400);
    expect((await call('GET', '/api/v1/applications/mlflow', undefined, false)).status).toBe(401);
  });

  it('persists and restores applications', () => {
    const copy = new ArgoCdSim();
    copy.restore(JSON.parse(JSON.stringify(sim.service<ArgoCdSim>('argocd').snapshot())));
    expect((copy.snapshot() as any).applications.map((a: any) => a.history.length)).toEqual([10, 5]);
    expect(sim.summary().argocd).toEqual({ applications: 2, syncing: 0 });
  });
});
