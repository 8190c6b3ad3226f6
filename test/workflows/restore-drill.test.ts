/**
 * restore-drill.yaml on the local engine against gcp-sim, in virtual time: the clone holds the
 * source's databases as of T (its dump holds exactly the write log before T), the RTO is
 * measured, and the clone is gone afterwards whatever step fails (fault matrix).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSqlDump } from '../../shared/local/gcp-sim/services/sqladmin/dump.ts';
import type { FaultRule } from '../../shared/local/gcp-sim/faults.ts';
import { EXPORTS_BUCKET, INSTANCE, PROJECT, failureOf, resultOf, startWorkflowStack, type WorkflowStack } from './harness.ts';

const MINUTE = 60_000;
const DRILL = `${INSTANCE}-drill-202603101200`;
let stack: WorkflowStack;
let start: number;

beforeEach(async () => {
  stack = await startWorkflowStack();
  start = stack.clock.now().getTime();
  // Writes at 60, 30, 20, 10 and 1 minutes before the run; T = run start − 15 min.
  for (const [age, database] of [[60, 'zenml'], [30, 'mlflow'], [20, 'zenml'], [10, 'zenml'], [1, 'mlflow']] as const) {
    stack.sql.recordWrite(PROJECT, INSTANCE, { database, write: `${age}m-before` }, new Date(start - age * MINUTE));
  }
  inventories.push(sqlInventory());
});
afterEach(async () => { inventories.length = 0; await stack.close(); });

const args = () => ({ instance: INSTANCE, drillInstance: DRILL, pointInTime: new Date(start - 15 * MINUTE).toISOString(), exportsBucket: EXPORTS_BUCKET, reason: 'test drill' });

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

describe('restore-drill.yaml', () => {
  it('clones at T, verifies RUNNABLE + databases + a dump holding exactly the writes before T, deletes the clone, reports the RTO', async () => {
    const before = await instanceNames();
    const wallStart = performance.now();
    const result = resultOf(await stack.run('restore-drill', args()));
    const wallMs = performance.now() - wallStart;
    expect(result).toMatchObject({ status: 'verified', drillInstance: DRILL, cleanup: 'deleted', databases: ['zenml', 'mlflow'] });
    expect(result.pointInTime).toBe('2026-03-10T11:45:00.000000Z');
    expect(await instanceNames()).toEqual(before);
    expect(result.rtoSeconds).toBeGreaterThan(0);
    expect(result.rtoSeconds).toBeGreaterThanOrEqual(result.timings.cloneSeconds);
    const dump = parseSqlDump(stack.storage.getObject(EXPORTS_BUCKET, `drills/${DRILL}.sql.gz`)!);
    expect(dump.complete).toBe(true);
    expect(dump.databases.map((d) => [d.name, d.rows.map((r) => (r.entry as { write: string }).write)])).toEqual([
      ['zenml', ['60m-before', '20m-before']],
      ['mlflow', ['30m-before']],
    ]);
    expect(result.dump.size).toBeGreaterThan(0);
    // Figures for the closing note (virtual RTO, wall time of the run).
    console.info(`restore drill: RTO ${result.rtoSeconds} s virtual, ${Math.round(wallMs)} ms wall`);
  });

  describe('fault matrix: transient faults converge and leave no instance behind', () => {
    const transient: Array<[string, FaultRule]> = [
      ['databases.list 503', { method: 'sqladmin.databases.list', times: 1, code: 503 }],
      ['clone 503', { method: 'sqladmin.instances.clone', times: 1, code: 503 }],
      ['clone 409 operationInProgress', { method: 'sqladmin.instances.clone', times: 2, code: 409, reason: 'operationInProgress', message: 'Operation failed because another operation was already in progress.' }],
      ['clone 429', { method: 'sqladmin.instances.clone', times: 1, code: 429 }],
      ['instances.get 500', { method: 'sqladmin.instances.get', times: 2, code: 500 }],
      ['operations.get 503', { method: 'sqladmin.operations.get', times: 1, code: 503 }],
      ['export 503', { method: 'sqladmin.instances.export', times: 1, code: 503 }],
      ['objects.get 503', { method: 'storage.objects.get', times: 1, code: 503 }],
      ['delete 503', { method: 'sqladmin.instances.delete', times: 1, code: 503 }],
      ['delete 409 operationInProgress', { method: 'sqladmin.instances.delete', times: 1, code: 409, reason: 'operationInProgress' }],
    ];
    for (const [name, rule] of transient) {
      it(name, async () => {
        const before = await instanceNames();
        stack.fault(rule);
        const result = resultOf(await stack.run('restore-drill', args()));
        expect(result.status).toBe('verified');
        // The fault was hit (a rule with `times` is removed once used up).
        expect(stack.sim.faults.list()).toEqual([]);
        expect(await instanceNames()).toEqual(before);
        expectInventoryUnchanged();
      });
    }
  });

  describe('fault matrix: permanent faults end in a clear failure and leave no instance behind', () => {
    const permanent: Array<[string, FaultRule, string]> = [
      ['databases.list 403', { method: 'sqladmin.databases.list', code: 403, message: 'denied by test' }, 'read-source'],
      ['clone 403', { method: 'sqladmin.instances.clone', code: 403, message: 'denied by test' }, 'clone'],
      ['clone 400', { method: 'sqladmin.instances.clone', code: 400, message: 'bad by test' }, 'clone'],
      ['clone instances.get 403', { method: 'sqladmin.instances.get', pathContains: DRILL, times: 1, code: 403, message: 'denied by test' }, 'verify-clone'],
      ['clone databases.list 403', { method: 'sqladmin.databases.list', pathContains: DRILL, code: 403, message: 'denied by test' }, 'verify-clone'],
      ['export 403', { method: 'sqladmin.instances.export', code: 403, message: 'denied by test' }, 'dump-clone'],
      ['objects.get 404', { method: 'storage.objects.get', code: 404, message: 'gone by test' }, 'dump-clone'],
    ];
    for (const [name, rule, step] of permanent) {
      it(name, async () => {
        const before = await instanceNames();
        stack.fault(rule);
        const failure = failureOf(await stack.run('restore-drill', args()));
        expect(failure.failedStep).toBe(step);
        expect(failure.message).toMatch(new RegExp(`failed at step ${step}`));
        expect(failure.cleanup).toMatch(/^(deleted|absent)$/);
        stack.sim.faults.clear();
        expect(await instanceNames()).toEqual(before);
        expectInventoryUnchanged();
      });
    }

    it('the clone operation itself failing leaves nothing (the failed clone is undone by Cloud SQL)', async () => {
      stack.sql.failNextOperation({ instance: INSTANCE, operationType: 'CLONE', code: 'INTERNAL_ERROR', message: 'clone failed by test' });
      const failure = failureOf(await stack.run('restore-drill', args()));
      expect(failure).toMatchObject({ failedStep: 'clone', cleanup: 'absent' });
      expect(await instanceNames()).toEqual([INSTANCE]);
    });

    it('a clone that cannot be deleted is reported as a failed cleanup, never as success', async () => {
      stack.fault({ method: 'sqladmin.instances.delete', code: 403, message: 'delete denied by test' });
      const failure = failureOf(await stack.run('restore-drill', args()));
      expect(failure.failedStep).toBe('cleanup');
      expect(failure.cleanup).toMatch(/^failed: .*delete denied by test/);
    });

    it('a point in time outside the recovery window fails before any clone', async () => {
      const failure = failureOf(await stack.run('restore-drill', { ...args(), pointInTime: new Date(start - 30 * 86_400_000).toISOString() }));
      expect(failure.failedStep).toBe('clone');
      expect(await instanceNames()).toEqual([INSTANCE]);
    });

    it('bad arguments are refused before anything happens', async () => {
      expect(failureOf(await stack.run('restore-drill', { instance: INSTANCE })).message).toMatch(/"drillInstance" is required/);
      expect(failureOf(await stack.run('restore-drill', { ...args(), drillInstance: INSTANCE })).message).toMatch(/other than the source/);
    });
  });
});
