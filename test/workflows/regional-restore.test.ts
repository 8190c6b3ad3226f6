/**
 * regional-restore.yaml on the local engine against gcp-sim: after approval, the newest successful
 * backup is restored into a new instance in the backup region, the apps are repointed and
 * redeployed; every failure removes the new instance (no instance left behind).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../shared/local/gcp-sim/faults.ts';
import { BACKUP_REGION, DB_SECRET, INSTANCE, PROJECT, failureOf, resultOf, startWorkflowStack, syncRequests, type PublishedEvent, type WorkflowStack } from './harness.ts';

const NEW = `${INSTANCE}-dr-202603101200`;
const ORIGINAL_CONNECTION = { instance: INSTANCE, instanceConnectionName: `${PROJECT}:us-central1:${INSTANCE}`, database: 'zenml', user: 'zenml', ipType: 'PRIVATE' };
let stack: WorkflowStack;

beforeEach(async () => {
  stack = await startWorkflowStack();
  // One write, then an on-demand backup (the newest), then a write the backup does not hold.
  stack.sql.recordWrite(PROJECT, INSTANCE, { database: 'zenml', write: 'before-backup' });
  await stack.api('POST', `/v1/projects/${PROJECT}/instances/${INSTANCE}/backupRuns`, { description: 'test backup' });
  stack.clock.advance(5_000);
  stack.sql.recordWrite(PROJECT, INSTANCE, { database: 'zenml', write: 'after-backup' });
  inventories.push(sqlInventory());
});
afterEach(async () => { inventories.length = 0; await stack.close(); });

function answerApprovals(approved: boolean): void {
  stack.onEvent = async (event: PublishedEvent) => {
    if (event.kind !== 'ApprovalRequested') return;
    await fetch(String(event.data.callbackUrl), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ approved, approver: 'oncall@example.com' }),
    });
  };
}

async function instanceNames(): Promise<string[]> {
  const list = await stack.api('GET', `/v1/projects/${PROJECT}/instances`);
  const names = (list.items ?? []).map((i: { name: string }) => i.name).sort();
  return names;
}

const inventories: unknown[] = [];
function sqlInventory(): unknown {
  const state = stack.stableState() as { sqladmin: { instances: Array<Record<string, unknown>>; databases: unknown[]; users: unknown[] } };
  return {
    instances: state.sqladmin.instances.map((i) => i.name).sort(),
    databases: state.sqladmin.databases.map((d) => JSON.stringify(d)).sort(),
    users: state.sqladmin.users.map((u) => JSON.stringify(u)).sort(),
  };
}

/** The whole Cloud SQL inventory of gcp-sim (instances, their databases and users), not only the names: the one after setup equals the one now (no instance, database or user left behind). */
function expectInventoryUnchanged(): void {
  expect(sqlInventory()).toEqual(inventories[0]);
}

describe('regional-restore.yaml', () => {
  it('after approval, restores the newest backup into a new instance in the backup region and repoints the apps', async () => {
    answerApprovals(true);
    const runs = (await stack.api('GET', `/v1/projects/${PROJECT}/instances/${INSTANCE}/backupRuns`)).items as Array<{ id: string; endTime: string; location: string }>;
    const newest = runs.sort((a, b) => b.endTime.localeCompare(a.endTime))[0]!;
    expect(newest.location).toBe(BACKUP_REGION);
    const result = resultOf(await stack.run('regional-restore', { instance: INSTANCE, reason: 'us-central1 is down' }));
    expect(result).toMatchObject({ status: 'restored', newInstance: NEW, region: BACKUP_REGION, backupRunId: newest.id });
    const restored = await stack.api('GET', `/v1/projects/${PROJECT}/instances/${NEW}`);
    expect(restored).toMatchObject({ state: 'RUNNABLE', region: BACKUP_REGION, databaseVersion: 'MYSQL_8_0' });
    expect(restored.settings.userLabels).toMatchObject({ 'restored-from': INSTANCE });
    // The data is the backup's: the write after the backup is not there.
    expect(stack.sql.writes(PROJECT, NEW).map((w) => (w.entry as { write: string }).write)).toEqual(['before-backup']);
    const dbs = (await stack.api('GET', `/v1/projects/${PROJECT}/instances/${NEW}/databases`)).items.map((d: { name: string }) => d.name).sort();
    expect(dbs).toEqual(['mlflow', 'zenml']);
    expect(JSON.parse(await stack.secretPayload(DB_SECRET))).toEqual({ ...ORIGINAL_CONNECTION, instance: NEW, instanceConnectionName: `${PROJECT}:${BACKUP_REGION}:${NEW}` });
    expect(syncRequests(stack).map((s) => s.app).sort()).toEqual(['mlflow', 'zenml-server']);
    expect(stack.events.map((e) => e.kind)).toEqual(['ApprovalRequested', 'RedeployCompleted', 'RedeployCompleted', 'RegionalRestoreCompleted']);
    expect(result.rtoSeconds).toBeGreaterThan(0);
    expect(await instanceNames()).toEqual([INSTANCE, NEW].sort());
  });

  it('a rejection changes nothing', async () => {
    answerApprovals(false);
    const before = stack.stableState();
    const result = resultOf(await stack.run('regional-restore', { instance: INSTANCE }));
    expect(result).toMatchObject({ status: 'rejected', changed: false });
    expect(stack.stableState()).toEqual(before);
    expect(stack.events.map((e) => e.kind)).toEqual(['ApprovalRequested', 'RegionalRestoreCancelled']);
  });

  describe('fault matrix', () => {
    const transient: Array<[string, FaultRule]> = [
      ['backupRuns.list 503', { method: 'sqladmin.backupRuns.list', times: 1, code: 503 }],
      ['instances.insert 429', { method: 'sqladmin.instances.insert', times: 1, code: 429 }],
      ['restoreBackup 409 operationInProgress', { method: 'sqladmin.instances.restoreBackup', times: 1, code: 409, reason: 'operationInProgress' }],
      ['restoreBackup 503', { method: 'sqladmin.instances.restoreBackup', times: 1, code: 503 }],
      ['addVersion 503', { method: 'secretmanager.projects.secrets.addVersion', times: 1, code: 503 }],
    ];
    for (const [name, rule] of transient) {
      it(`transient ${name} converges`, async () => {
        answerApprovals(true);
        stack.fault(rule);
        expect(resultOf(await stack.run('regional-restore', { instance: INSTANCE })).status).toBe('restored');
        expect(stack.sim.faults.list()).toEqual([]);
        expect(await instanceNames()).toEqual([INSTANCE, NEW].sort());
      });
    }
    const permanent: Array<[string, FaultRule, string]> = [
      ['instances.insert 403', { method: 'sqladmin.instances.insert', code: 403, message: 'denied by test' }, 'create-instance'],
      ['restoreBackup 403', { method: 'sqladmin.instances.restoreBackup', code: 403, message: 'denied by test' }, 'restore-backup'],
      ['secret access 403', { method: 'secretmanager.projects.secrets.versions.access', code: 403, message: 'denied by test' }, 'read-secret'],
    ];
    for (const [name, rule, step] of permanent) {
      it(`permanent ${name} fails at ${step} and leaves no instance behind`, async () => {
        answerApprovals(true);
        stack.fault(rule);
        const failure = failureOf(await stack.run('regional-restore', { instance: INSTANCE }));
        expect(failure.failedStep).toBe(step);
        expect(failure.message).toMatch(/denied by test/);
        stack.sim.faults.clear();
        expect(await instanceNames()).toEqual([INSTANCE]);
        expectInventoryUnchanged();
        expect(JSON.parse(await stack.secretPayload(DB_SECRET))).toEqual(ORIGINAL_CONNECTION);
      });
    }

    it('a failed health check after the repoint puts the secret back, redeploys and deletes the new instance', async () => {
      answerApprovals(true);
      stack.health.codes = [503];
      const failure = failureOf(await stack.run('regional-restore', { instance: INSTANCE, healthTimeoutSeconds: 60 }));
      expect(failure).toMatchObject({ failedStep: 'health-check', rollback: { attempted: true, secretRestored: true, appsRedeployed: true, instanceDeleted: true } });
      expect(JSON.parse(await stack.secretPayload(DB_SECRET))).toEqual(ORIGINAL_CONNECTION);
      expect(await instanceNames()).toEqual([INSTANCE]);
      expect(stack.events.map((e) => e.kind).at(-1)).toBe('RegionalRestoreFailed');
    });

    it('the restore operation itself failing deletes the new instance', async () => {
      answerApprovals(true);
      stack.sql.failNextOperation({ instance: NEW, operationType: 'RESTORE_VOLUME', code: 'INTERNAL_ERROR', message: 'restore failed by test' });
      const failure = failureOf(await stack.run('regional-restore', { instance: INSTANCE }));
      expect(failure).toMatchObject({ failedStep: 'restore-backup', rollback: { instanceDeleted: true } });
      expect(await instanceNames()).toEqual([INSTANCE]);
    });

    it('an instance without a successful backup fails before any change', async () => {
      answerApprovals(true);
      const failure = failureOf(await stack.run('regional-restore', { instance: INSTANCE, backupRunId: '1' }));
      expect(failure).toMatchObject({ failedStep: 'choose-backup' });
      expect(failure.message).toMatch(/nothing was changed/);
      expect(await instanceNames()).toEqual([INSTANCE]);
    });
  });
});
