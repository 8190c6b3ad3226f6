import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ARGOCD_INTERNAL_URL, DB_SECRET, INSTANCE, PROJECT, failureOf, resultOf, startWorkflowStack, syncRequests, type PublishedEvent, type WorkflowStack,
} from './harness.ts';
import type { FaultRule } from '../../shared/local/gcp-sim/faults.ts';

const MINUTE = 60_000;
/** Minutes before the run's start at which the source instance was written to. */
const WRITE_AGES = [60, 30, 10, 6, 4, 1];
const CLONE = `${INSTANCE}-pitr-202603101200`;
const ORIGINAL_CONNECTION = { instance: INSTANCE, instanceConnectionName: `${PROJECT}:us-central1:${INSTANCE}`, database: 'zenml', user: 'zenml', ipType: 'PRIVATE' };

let stack: WorkflowStack;
let start: number;

beforeEach(async () => {
  stack = await startWorkflowStack();
  start = stack.clock.now().getTime();
  for (const age of WRITE_AGES) stack.sql.recordWrite(PROJECT, INSTANCE, { write: `${age}m-before` }, new Date(start - age * MINUTE));
});
afterEach(async () => { await stack.close(); });

/** Answers the approval request the way `stackctl approve|reject` does. */
function answerApprovals(approved: boolean): void {
  stack.onEvent = async (event: PublishedEvent) => {
    if (event.kind !== 'ApprovalRequested') return;
    const res = await fetch(String(event.data.callbackUrl), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ approved, approver: 'test@example.com' }),
    });
    expect(res.status).toBe(200);
  };
}

/** An incident that started 2 minutes before the run: T = incident start − 300 s = 7 minutes before the run. */
function incidentArgs(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { instance: INSTANCE, incidentStartedAt: new Date(start - 2 * MINUTE).toISOString(), reason: 'metadata corrupted', requireApproval: true, ...extra };
}

async function instanceNames(): Promise<string[]> {
  const list = await stack.api('GET', `/v1/projects/${PROJECT}/instances`);
  return (list.items ?? []).map((i: { name: string }) => i.name).sort();
}

async function expectSecretBackToOriginal(): Promise<void> {
  expect(JSON.parse(await stack.secretPayload(DB_SECRET))).toEqual(ORIGINAL_CONNECTION);
}

describe('pitr-restore.yaml', () => {
  it('once approved, restores to incident start − margin on a new instance, repoints the secret, redeploys both apps', async () => {
    answerApprovals(true);
    const result = resultOf(await stack.run('pitr-restore', incidentArgs()));

    expect(result).toMatchObject({ status: 'restored', changed: true, newInstance: CLONE, pointInTime: '2026-03-10T11:53:00.000000Z' });
    expect(await instanceNames()).toEqual([INSTANCE, CLONE]);
    // The clone holds exactly the source's writes strictly before T (7 minutes before the run).
    expect(stack.sql.writes(PROJECT, CLONE).map((w) => w.entry)).toEqual([{ write: '60m-before' }, { write: '30m-before' }, { write: '10m-before' }]);
    expect(stack.sql.writes(PROJECT, INSTANCE)).toHaveLength(WRITE_AGES.length);
    const clone = await stack.api('GET', `/v1/projects/${PROJECT}/instances/${CLONE}`);
    expect(clone.state).toBe('RUNNABLE');

    // New secret version pointing at the clone; the previous one kept and enabled.
    expect(JSON.parse(await stack.secretPayload(DB_SECRET))).toEqual({ ...ORIGINAL_CONNECTION, instance: CLONE, instanceConnectionName: clone.connectionName });
    expect(JSON.parse(await stack.secretPayload(DB_SECRET, '1'))).toEqual(ORIGINAL_CONNECTION);
    expect((await stack.secretVersions(DB_SECRET)).map((v) => v.state)).toEqual(['ENABLED', 'ENABLED']);

    // Both apps redeployed once, each through a child execution of redeploy.yaml.
    expect(syncRequests(stack).map((s) => s.app).sort()).toEqual(['mlflow', 'zenml-server']);
    expect(stack.engine.manager.list('redeploy').map((e) => e.state)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(stack.health.hits).toBe(1);

    // The old instance is kept and labelled, never deleted.
    const old = await stack.api('GET', `/v1/projects/${PROJECT}/instances/${INSTANCE}`);
    expect(old.settings.userLabels).toMatchObject({ 'retired-by': 'pitr-202603101200', stack: 'zenml', 'managed-by': 'terraform' });

    expect(stack.events.map((e) => e.kind)).toEqual(['ApprovalRequested', 'RedeployCompleted', 'RedeployCompleted', 'PitrRestoreCompleted']);
    const approval = stack.events[0]!.data;
    expect(approval.plan).toMatchObject({ source: INSTANCE, pointInTime: '2026-03-10T11:53:00.000000Z', newInstance: CLONE });
    const completed = stack.events.at(-1)!.data as Record<string, any>;
    expect(completed).toMatchObject({ instance: INSTANCE, newInstance: CLONE, previousSecretVersion: `projects/${PROJECT}/secrets/${DB_SECRET}/versions/1` });
    expect(Object.keys(completed.timings).sort()).toEqual(['approvalSeconds', 'cloneSeconds', 'healthCheckSeconds', 'planSeconds', 'redeploySeconds', 'repointSeconds', 'verifySeconds']);
    expect(completed.timings.cloneSeconds).toBeGreaterThan(0);
    expect(completed.rtoSeconds).toBeGreaterThanOrEqual(completed.timings.cloneSeconds + completed.timings.redeploySeconds);
  });

  it('runs without approval when none is required', async () => {
    const result = resultOf(await stack.run('pitr-restore', incidentArgs({ requireApproval: false })));
    expect(result.status).toBe('restored');
    expect(stack.events.map((e) => e.kind)).not.toContain('ApprovalRequested');
    expect(result.timings.approvalSeconds).toBeUndefined();
  });

  it('a rejection ends cleanly with nothing changed', async () => {
    answerApprovals(false);
    const before = stack.stableState();
    const result = resultOf(await stack.run('pitr-restore', incidentArgs()));
    expect(result).toMatchObject({ status: 'rejected', approver: 'test@example.com', changed: false });
    expect(stack.stableState()).toEqual(before);
    expect(stack.events.map((e) => e.kind)).toEqual(['ApprovalRequested', 'PitrRestoreCancelled']);
    expect(stack.events[1]!.data.cause).toBe('rejected');
  });

  it('ignores a malformed approval answer and keeps waiting for a real one', async () => {
    stack.onEvent = async (event) => {
      if (event.kind !== 'ApprovalRequested') return;
      for (const body of [{ approve: 'yes' }, { approved: true, approver: 'test@example.com' }]) {
        await fetch(String(event.data.callbackUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      }
    };
    const run = await stack.run('pitr-restore', incidentArgs());
    expect(resultOf(run).status).toBe('restored');
    expect(run.logs.some((l) => JSON.stringify(l.payload).includes('ignored a malformed approval answer'))).toBe(true);
  });

  it('an approval timeout ends cleanly with nothing changed', async () => {
    const before = stack.stableState();
    const result = resultOf(await stack.run('pitr-restore', incidentArgs({ approvalTimeoutSeconds: 600 })));
    expect(result).toMatchObject({ status: 'approval-timeout', changed: false });
    expect(stack.clock.now().getTime() - start).toBeGreaterThanOrEqual(600_000);
    expect(stack.stableState()).toEqual(before);
    expect(stack.events.map((e) => e.kind)).toEqual(['ApprovalRequested', 'PitrRestoreCancelled']);
  });

  it('refuses a point in time outside the recovery window before any change, giving the window', async () => {
    const before = stack.stableState();
    for (const pointInTime of [new Date(start - 8 * 86_400_000).toISOString(), new Date(start + 3_600_000).toISOString()]) {
      const error = failureOf(await stack.run('pitr-restore', { instance: INSTANCE, pointInTime, reason: 'too far', requireApproval: true }));
      expect(error.failedStep).toBe('choose-point-in-time');
      expect(error.message).toMatch(/is outside the recovery window of zenml-metadata: \[2026-03-0\d.*, 2026-03-10T12:00:00\.000000Z\] \(transaction logs kept 7 days\)/);
    }
    expect(stack.stableState()).toEqual(before);
    expect(stack.events.map((e) => e.kind)).toEqual(['PitrRestoreFailed', 'PitrRestoreFailed']);
  });

  it('rejects a malformed argument with a clear message', async () => {
    const error = failureOf(await stack.run('pitr-restore', { instance: INSTANCE, reason: 'no time given' }));
    expect(error).toMatchObject({ failedStep: 'validate-arguments' });
    expect(error.message).toMatch(/one of "pointInTime" or "incidentStartedAt"/);
    expect(stack.requests).toHaveLength(0);
  });

  it.each([
    [{ instance: '../../../__sim/faults' }, /argument "instance" must be a Cloud SQL instance id/],
    [{ instance: 'zenml-metadata/../other' }, /argument "instance" must be a Cloud SQL instance id/],
    [{ secretId: 'a/../b' }, /argument "secretId" must be a Secret Manager secret id/],
    [{ apps: ['zenml-server/../mlflow'] }, /argument "apps" must be a list of Argo CD application names/],
  ])('refuses a path in an argument that reaches a URL or a resource name (%j) and sends nothing', async (over, message) => {
    const error = failureOf(await stack.run('pitr-restore', { instance: INSTANCE, incidentStartedAt: '2026-03-10T11:00:00Z', reason: 'hostile', requireApproval: false, ...over }));
    expect(error).toMatchObject({ failedStep: 'validate-arguments' });
    expect(error.message).toMatch(message);
    expect(stack.requests).toHaveLength(0);
  });

  describe('transient failures are retried and the restore succeeds', () => {
    const cases: Array<{ step: string; rule: FaultRule }> = [
      { step: 'read instance / verify clone', rule: { method: 'sqladmin.instances.get', times: 2, code: 503 } },
      { step: 'recovery window', rule: { method: 'sqladmin.projects.instances.getLatestRecoveryTime', times: 2, code: 429 } },
      { step: 'approval publish', rule: { method: 'pubsub.projects.topics.publish', times: 2, code: 503 } },
      { step: 'clone (503)', rule: { method: 'sqladmin.instances.clone', times: 2, code: 503 } },
      { step: 'clone (409 operationInProgress)', rule: { method: 'sqladmin.instances.clone', times: 2, code: 409 } },
      { step: 'secret read', rule: { method: 'secretmanager.projects.secrets.versions.access', times: 2, code: 503 } },
      { step: 'secret repoint', rule: { method: 'secretmanager.projects.secrets.addVersion', times: 2, code: 429 } },
      { step: 'redeploy child execution', rule: { method: 'workflowexecutions.projects.locations.workflows.executions.create', times: 2, code: 503 } },
      { step: 'Argo CD sync inside redeploy', rule: { method: 'argocd.applications.sync', times: 2, code: 503 } },
      { step: 'retire label', rule: { method: 'sqladmin.instances.patch', times: 2, code: 503 } },
    ];
    for (const { step, rule } of cases) {
      it(step, async () => {
        answerApprovals(true);
        stack.fault(rule);
        const result = resultOf(await stack.run('pitr-restore', incidentArgs()));
        expect(result.status).toBe('restored');
        expect(stack.sim.faults.list()).toHaveLength(0);
        expect(await instanceNames()).toEqual([INSTANCE, CLONE]);
        expect(JSON.parse(await stack.secretPayload(DB_SECRET)).instance).toBe(CLONE);
        expect(stack.events.at(-1)!.kind).toBe('PitrRestoreCompleted');
      });
    }

    it('health check answering 503 before ZenML is up', async () => {
      stack.health.codes = [503, 503, 200];
      answerApprovals(true);
      expect(resultOf(await stack.run('pitr-restore', incidentArgs())).status).toBe('restored');
      expect(stack.health.hits).toBe(3);
    });
  });

  describe('a permanent failure after the repoint puts the previous secret back and redeploys', () => {
    async function expectRolledBack(failedStep: string): Promise<Record<string, any>> {
      const error = failureOf(await stack.run('pitr-restore', incidentArgs()));
      expect(error.failedStep).toBe(failedStep);
      expect(error.message).toContain(`failed at step ${failedStep}`);
      expect(error.rollback).toMatchObject({ attempted: true, secretRestored: true, appsRedeployed: true, error: null });
      await expectSecretBackToOriginal();
      const versions = await stack.secretVersions(DB_SECRET);
      // v1 original, v2 the clone (now disabled), v3 the original payload again.
      expect(versions.map((v) => `${v.name.split('/').pop()}:${v.state}`).sort()).toEqual(['1:ENABLED', '2:DISABLED', '3:ENABLED']);
      const failed = stack.events.find((e) => e.kind === 'PitrRestoreFailed');
      expect(failed?.data).toMatchObject({ failedStep, newInstance: CLONE });
      return error;
    }

    it('health check never passes', async () => {
      answerApprovals(true);
      stack.health.codes = [503];
      await expectRolledBack('health-check');
      // Each app: one redeploy onto the clone, one back onto the previous secret.
      expect(syncRequests(stack).map((s) => s.app).sort()).toEqual(['mlflow', 'mlflow', 'zenml-server', 'zenml-server']);
    }, 30_000);

    it('a redeploy ends Degraded', async () => {
      answerApprovals(true);
      stack.argocd.setNextSyncOutcome('zenml-server', 'degrade');
      const error = await expectRolledBack('redeploy-apps');
      expect(error.message).toMatch(/Degraded/);
      expect(stack.engine.manager.list('redeploy').map((e) => e.state)).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    });

    it('the Workflow Executions API refuses the redeploy', async () => {
      answerApprovals(true);
      stack.fault({ method: 'workflowexecutions.projects.locations.workflows.executions.create', times: 1, code: 403, message: 'permission denied by test' });
      const error = await expectRolledBack('redeploy-apps');
      expect(error.message).toContain('permission denied by test');
    });
  });

  describe('a permanent failure before the repoint changes no secret', () => {
    it('clone refused', async () => {
      answerApprovals(true);
      stack.fault({ method: 'sqladmin.instances.clone', code: 403, message: 'clone denied by test' });
      const error = failureOf(await stack.run('pitr-restore', incidentArgs()));
      expect(error).toMatchObject({ failedStep: 'clone', rollback: { attempted: false } });
      expect(error.message).toContain('clone denied by test');
      expect(await instanceNames()).toEqual([INSTANCE]);
      await expectSecretBackToOriginal();
      expect(await stack.secretVersions(DB_SECRET)).toHaveLength(1);
      expect(syncRequests(stack)).toHaveLength(0);
    });

    it('secret version refused', async () => {
      answerApprovals(true);
      stack.fault({ method: 'secretmanager.projects.secrets.addVersion', code: 403, message: 'addVersion denied by test' });
      const error = failureOf(await stack.run('pitr-restore', incidentArgs()));
      expect(error).toMatchObject({ failedStep: 'repoint-secret', rollback: { attempted: false } });
      await expectSecretBackToOriginal();
      expect(syncRequests(stack)).toHaveLength(0);
    });
  });
});

describe('pitr-restore.yaml with Argo CD inside the VPC', () => {
  it('its redeploy child executions reach Argo CD through the Service Directory service', async () => {
    await stack.close();
    stack = await startWorkflowStack({ privateArgoCd: {} });
    start = stack.clock.now().getTime();
    for (const age of WRITE_AGES) stack.sql.recordWrite(PROJECT, INSTANCE, { write: `${age}m-before` }, new Date(start - age * MINUTE));
    answerApprovals(true);
    const result = resultOf(await stack.run('pitr-restore', incidentArgs()));
    expect(result).toMatchObject({ status: 'restored', newInstance: CLONE });
    expect(syncRequests(stack).map((s) => s.app).sort()).toEqual(['mlflow', 'zenml-server']);
    expect(stack.requests.some((r) => r.url.startsWith(ARGOCD_INTERNAL_URL))).toBe(false);
  });
});
