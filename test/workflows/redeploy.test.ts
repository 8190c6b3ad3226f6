import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARGOCD_INTERNAL_URL, ARGOCD_PRIVATE_SERVICE, startWorkflowStack, syncRequests, failureOf, resultOf, type WorkflowStack } from './harness.ts';
import type { FaultRule } from '../../shared/local/gcp-sim/faults.ts';

const APP = 'zenml-server';
const PREVIOUS = 'e3a9d1c7b5f2e4a6c8b0d2f4a6c8e0b2d4f6a8c0';
const NEW_REVISION = 'f00dfeed00000000000000000000000000000001';

let stack: WorkflowStack;
beforeEach(async () => { stack = await startWorkflowStack(); });
afterEach(async () => { await stack.close(); });

async function app(name = APP): Promise<any> {
  return stack.api('GET', `/api/v1/applications/${name}`);
}

describe('redeploy.yaml', () => {
  it('syncs once, waits for Synced/Healthy and publishes RedeployCompleted', async () => {
    const run = await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'alert: zenml down' });
    const result = resultOf(run);
    expect(result).toMatchObject({ app: APP, revision: NEW_REVISION, previousRevision: PREVIOUS, status: 'Synced/Healthy' });
    expect(syncRequests(stack)).toEqual([{ app: APP, body: { prune: false, revision: NEW_REVISION } }]);
    const now = await app();
    expect(now.status.health.status).toBe('Healthy');
    expect(now.status.history.at(-1).revision).toBe(NEW_REVISION);
    expect(stack.events.map((e) => e.kind)).toEqual(['RedeployCompleted']);
    const event = stack.events[0]!;
    expect(event.attributes).toMatchObject({ kind: 'RedeployCompleted', workflow: 'redeploy' });
    expect(event.data).toMatchObject({ app: APP, revision: NEW_REVISION, previousRevision: PREVIOUS, reason: 'alert: zenml down' });
    expect(event.data.durationSeconds).toBeGreaterThan(0);
    // The message went through the REST bridge into the emulator's cp-events subscription.
    expect(stack.emulator.stats().find((s) => s.subscription.endsWith('cp-events-audit'))?.unacked).toBe(1);
  });

  it('without a revision syncs the tracked target and reports the revision it landed on', async () => {
    const result = resultOf(await stack.run('redeploy', { app: 'mlflow', reason: 'restart' }));
    expect(syncRequests(stack)).toEqual([{ app: 'mlflow', body: { prune: false } }]);
    expect(result.revision).toBe('c0ffee1234567890abcdef1234567890abcdef12');
  });

  it.each(['zenml-server/../mlflow', '../../../__sim/faults', 'zenml-server?x=1', 'Zenml'])(
    'refuses the app name %j before any request (it would become a URL path)', async (name) => {
      const before = (await app('mlflow')).status.history;
      const error = failureOf(await stack.run('redeploy', { app: name, reason: 'hostile' }));
      expect(error).toMatchObject({ failedStep: 'validate-arguments' });
      expect(error.message).toMatch(/argument "app" must be an Argo CD application name/);
      expect(stack.requests).toHaveLength(0);
      expect((await app('mlflow')).status.history).toEqual(before);
    });

  it('waits for a sync already in progress instead of failing', async () => {
    await stack.api('POST', `/api/v1/applications/${APP}/sync`, {});
    expect((await app()).status.operationState.phase).toBe('Running');
    const run = await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'overlapping' });
    resultOf(run);
    // The workflow itself sent exactly one sync, after the other one had finished.
    expect(syncRequests(stack)).toHaveLength(1);
    expect(stack.requests.filter((r) => r.method === 'GET' && r.url.includes(`/applications/${APP}`)).length).toBeGreaterThan(1);
    expect((await app()).status.history.at(-1).revision).toBe(NEW_REVISION);
  });

  it('retries a sync refused with "another operation is already in progress"', async () => {
    stack.fault({ method: 'argocd.applications.sync', times: 1, code: 400, message: 'another operation is already in progress' });
    resultOf(await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'race' }));
    expect(syncRequests(stack)).toHaveLength(2);
    expect((await app()).status.history.at(-1).revision).toBe(NEW_REVISION);
  });

  it('rolls back to the previous revision when the sync ends Degraded, then fails', async () => {
    stack.argocd.setNextSyncOutcome(APP, 'degrade');
    const run = await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'bad image' });
    const error = failureOf(run);
    expect(error.failedStep).toBe('wait-synced-healthy');
    expect(error.message).toMatch(/Degraded/);
    expect(error.rolledBack).toBe(true);
    expect(syncRequests(stack).map((s) => s.body.revision)).toEqual([NEW_REVISION, PREVIOUS]);
    const now = await app();
    expect(now.status.history.at(-1).revision).toBe(PREVIOUS);
    expect(now.status.health.status).toBe('Healthy');
    expect(stack.events.map((e) => e.kind)).toEqual(['RedeployFailed']);
    expect(stack.events[0]!.data).toMatchObject({ failedStep: 'wait-synced-healthy', rolledBack: true, previousRevision: PREVIOUS });
  });

  it('rolls back when the sync operation fails', async () => {
    stack.argocd.setNextSyncOutcome(APP, 'fail');
    const error = failureOf(await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'broken manifest' }));
    expect(error.message).toMatch(/ended Failed/);
    expect(syncRequests(stack).map((s) => s.body.revision)).toEqual([NEW_REVISION, PREVIOUS]);
    expect((await app()).status.health.status).toBe('Healthy');
  });

  it('rejects a bad argument with a clear message and touches nothing', async () => {
    const error = failureOf(await stack.run('redeploy', { revision: NEW_REVISION }));
    expect(error.failedStep).toBe('validate-arguments');
    expect(error.message).toMatch(/argument "app" is required/);
    expect(stack.requests).toHaveLength(0);
  });

  const steps: Array<{ step: string; method: string; failedStep: string }> = [
    { step: 'Secret Manager access', method: 'secretmanager.projects.secrets.versions.access', failedStep: 'read-argocd-token' },
    { step: 'app GET', method: 'argocd.applications.get', failedStep: 'wait-for-idle' },
    { step: 'sync', method: 'argocd.applications.sync', failedStep: 'sync' },
    { step: 'publish', method: 'pubsub.projects.topics.publish', failedStep: 'publish-outcome' },
  ];
  for (const { step, method, failedStep } of steps) {
    for (const code of [503, 429] as const) {
      it(`retries a transient ${code} on ${step} and succeeds`, async () => {
        stack.fault({ method, times: 2, code });
        const run = await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'fault' });
        resultOf(run);
        expect(stack.sim.faults.list()).toHaveLength(0);
        expect(syncRequests(stack)).toHaveLength(method === 'argocd.applications.sync' ? 3 : 1);
        expect(stack.events.map((e) => e.kind)).toEqual(['RedeployCompleted']);
      });
    }
    it(`fails naming the step on a permanent failure of ${step}`, async () => {
      const rule: FaultRule = { method, code: 403, message: `denied by test on ${method}` };
      stack.fault(rule);
      const error = failureOf(await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'fault' }));
      expect(error.failedStep).toBe(failedStep);
      expect(error.message).toContain(`failed at step ${failedStep}`);
      expect(error.message).toContain('denied by test');
      // A refused sync changed nothing, so there is nothing to roll back.
      if (failedStep === 'sync') expect(syncRequests(stack)).toHaveLength(1);
      if (failedStep !== 'publish-outcome') {
        expect(stack.events.map((e) => e.kind)).toEqual(['RedeployFailed']);
        expect(stack.events[0]!.data.failedStep).toBe(failedStep);
      }
    });
  }
});

describe('redeploy.yaml with Argo CD inside the VPC (ARGOCD_PRIVATE_SERVICE)', () => {
  // These replace the stack of the outer beforeEach with one whose Argo CD has only an internal name.
  const withPrivateArgoCd = async (registered: boolean) => {
    await stack.close();
    stack = await startWorkflowStack({ privateArgoCd: { registered } });
  };

  it('sends every Argo CD call through the Service Directory service and succeeds', async () => {
    await withPrivateArgoCd(true);
    const result = resultOf(await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'private network' }));
    expect(result).toMatchObject({ app: APP, revision: NEW_REVISION, status: 'Synced/Healthy' });
    expect(syncRequests(stack)).toEqual([{ app: APP, body: { prune: false, revision: NEW_REVISION } }]);
    const argo = stack.requests.filter((r) => new URL(r.url).pathname.startsWith('/api/v1/applications/'));
    expect(argo.length).toBeGreaterThan(1);
    // The internal name is never dialled: each call went to the service's endpoint.
    expect(argo.every((r) => new URL(r.url).origin === new URL(stack.sim.url).origin)).toBe(true);
    expect(stack.requests.some((r) => r.url.startsWith(ARGOCD_INTERNAL_URL))).toBe(false);
  });

  it('fails at its first Argo CD call, naming the service, when the service is not registered', async () => {
    await withPrivateArgoCd(false);
    const error = failureOf(await stack.run('redeploy', { app: APP, revision: NEW_REVISION, reason: 'private network' }));
    expect(error.failedStep).toBe('wait-for-idle');
    expect(error.message).toContain(`${ARGOCD_PRIVATE_SERVICE} is not registered`);
    expect(syncRequests(stack)).toHaveLength(0);
  });
});
