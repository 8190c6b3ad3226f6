import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpArgoCd } from '../../../../shared/adapters/gcp/argocd.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { ArgoCdSim } from '../../../../shared/local/gcp-sim/services/argocd.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { PermanentError, TransientError } from '../../../../shared/runtime/errors.ts';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/wire/argocd/argocd-adapter.json', import.meta.url), 'utf8'));

interface Recorded { method: string; path: string; query: Record<string, string>; authorization?: string; contentType?: string; body?: unknown }
const clock = new VirtualClock('2026-03-01T00:00:00Z');
let sim: GcpSim;
let argo: HttpArgoCd;
let tokenCalls = 0;
let recorded: Recorded[] = [];
const realFetch = globalThis.fetch;

function record(): void {
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.origin === sim.url) {
      const headers = new Headers(init?.headers);
      const body = typeof init?.body === 'string' && init.body !== '' ? JSON.parse(init.body) : undefined;
      recorded.push({
        method: init?.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams),
        authorization: headers.get('authorization') ?? undefined,
        ...(headers.get('content-type') ? { contentType: headers.get('content-type')! } : {}),
        ...(body === undefined ? {} : { body }),
      });
    }
    return realFetch(input, init);
  }) as typeof fetch;
}

beforeAll(async () => {
  sim = await startGcpSim({ services: [new ArgoCdSim()], clock, operationDurationMs: 2000 });
  argo = new HttpArgoCd(`${sim.url}/`, async () => { tokenCalls++; return 'wire-token'; }, clock, { timeoutMs: 2000 });
  record();
});
afterEach(() => { recorded = []; sim.faults.clear(); });
afterAll(async () => { globalThis.fetch = realFetch; await sim.close(); });

describe('HttpArgoCd against the gcp-sim Argo CD API', () => {
  it('reads sync status, health, operation phase, revision and history', async () => {
    const app = await argo.getApplication('zenml-server');
    expect(app).toMatchObject({ name: 'zenml-server', syncStatus: 'Synced', healthStatus: 'Healthy', operationPhase: 'Succeeded' });
    expect(app.history).toHaveLength(3);
    expect(app.history[2]!.deployedAt).toBeInstanceOf(Date);
    expect(app.revision).toBe(app.history[2]!.revision);
  });

  it('starts a sync, sees it run, and sees it finish after the operation time', async () => {
    const target = (await argo.getApplication('zenml-server')).history[1]!.revision;
    await argo.sync('zenml-server', { revision: target });
    expect(await argo.getApplication('zenml-server')).toMatchObject({ operationPhase: 'Running', healthStatus: 'Progressing' });
    clock.advance(2000);
    const done = await argo.getApplication('zenml-server');
    expect(done).toMatchObject({ operationPhase: 'Succeeded', healthStatus: 'Healthy', revision: target });
    expect(done.history.at(-1)!.revision).toBe(target);
  });

  it('a sync while another runs is a TransientError (Argo CD answers 400 "another operation is already in progress")', async () => {
    await argo.sync('mlflow');
    const err = await argo.sync('mlflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('another operation is already in progress');
    clock.advance(2000);
  });

  it('an unknown application is a PermanentError; a bad name is refused before any request', async () => {
    const err = await argo.getApplication('does-not-exist').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).code).toBe(404);
    recorded = [];
    await expect(argo.getApplication('Bad/Name')).rejects.toBeInstanceOf(PermanentError);
    expect(recorded).toEqual([]);
  });

  it('asks for the token on every request', async () => {
    const before = tokenCalls;
    await argo.getApplication('mlflow');
    await argo.getApplication('mlflow');
    expect(tokenCalls - before).toBe(2);
  });
});

describe('HttpArgoCd wire format (fixture from the Argo CD API reference)', () => {
  it('GET application', async () => {
    await argo.getApplication('zenml-server');
    expect(recorded).toEqual(fixture.getApplication);
  });

  it('POST sync with a revision', async () => {
    await argo.sync('zenml-server', { revision: '9c2e7a1b5d4f3e2a1b0c9d8e7f6a5b4c3d2e1f0a' });
    expect(recorded).toEqual(fixture.sync);
    clock.advance(2000);
  });

  it('POST sync to the target revision', async () => {
    await argo.sync('mlflow');
    expect(recorded).toEqual(fixture.syncToTarget);
    clock.advance(2000);
  });
});

describe('HttpArgoCd error classes under fault injection', () => {
  it('503 on sync is transient', async () => {
    sim.faults.add({ method: 'argocd.applications.sync', code: 503, times: 1 });
    await expect(argo.sync('zenml-server')).rejects.toBeInstanceOf(TransientError);
  });

  it('403 on get is permanent', async () => {
    sim.faults.add({ method: 'argocd.applications.get', code: 403, times: 1 });
    const err = await argo.getApplication('zenml-server').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('Injected fault on argocd.applications.get');
  });

  it('a slow answer runs into the timeout and is transient', async () => {
    const impatient = new HttpArgoCd(sim.url, async () => 't', clock, { timeoutMs: 50 });
    sim.faults.add({ method: 'argocd.applications.get', delayMs: 400, times: 1 });
    await expect(impatient.getApplication('zenml-server')).rejects.toBeInstanceOf(TransientError);
  });

  it('a refused connection is transient', async () => {
    const nowhere = new HttpArgoCd('http://127.0.0.1:9', async () => 't', clock, { timeoutMs: 2000 });
    await expect(nowhere.getApplication('zenml-server')).rejects.toBeInstanceOf(TransientError);
  });
});
