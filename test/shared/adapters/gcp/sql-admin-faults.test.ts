/**
 * Fault injection through gcp-sim proves how GcpSqlAdmin classifies failures: 409
 * operationInProgress, 429, 500, 503 and client timeouts are transient; 400, 403 and 404 are
 * permanent (except where 404 is an answer: getInstance and getBackupRun return null).
 * Every adapter method is exercised for every class, the fault hitting the method's own call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { SqlAdminSim } from '../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { GcpSqlAdmin } from '../../../../shared/adapters/gcp/sql-admin.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { ControlPlaneError, isPermanent, isTransient } from '../../../../shared/runtime/errors.ts';

const PROJECT = 'fault-project';

/** Each adapter method, the route id of the call it makes first, and how to invoke it. */
const METHODS: Array<{ route: string; name: string; run: (a: GcpSqlAdmin) => Promise<unknown>; nullOn404?: boolean }> = [
  { route: 'sqladmin.instances.get', name: 'getInstance', run: (a) => a.getInstance('db'), nullOn404: true },
  { route: 'sqladmin.instances.list', name: 'listInstances', run: (a) => a.listInstances() },
  { route: 'sqladmin.instances.patch', name: 'patchInstanceLabels', run: (a) => a.patchInstanceLabels('db', { a: 'b' }) },
  { route: 'sqladmin.instances.clone', name: 'cloneInstance', run: (a) => a.cloneInstance('db', { destinationInstanceName: 'db-clone' }) },
  { route: 'sqladmin.instances.delete', name: 'deleteInstance', run: (a) => a.deleteInstance('db') },
  { route: 'sqladmin.projects.instances.getLatestRecoveryTime', name: 'getLatestRecoveryTime', run: (a) => a.getLatestRecoveryTime('db') },
  { route: 'sqladmin.instances.export', name: 'exportSql', run: (a) => a.exportSql('db', { uri: 'gs://b/o.sql', databases: [] }) },
  { route: 'sqladmin.instances.restoreBackup', name: 'restoreBackup', run: (a) => a.restoreBackup('db', '1') },
  { route: 'sqladmin.backupRuns.insert', name: 'insertBackupRun', run: (a) => a.insertBackupRun('db') },
  { route: 'sqladmin.backupRuns.list', name: 'listBackupRuns', run: (a) => a.listBackupRuns('db') },
  { route: 'sqladmin.backupRuns.get', name: 'getBackupRun', run: (a) => a.getBackupRun('db', '1'), nullOn404: true },
  { route: 'sqladmin.backupRuns.delete', name: 'deleteBackupRun', run: (a) => a.deleteBackupRun('db', '1') },
  { route: 'sqladmin.databases.list', name: 'listDatabases', run: (a) => a.listDatabases('db') },
  { route: 'sqladmin.databases.insert', name: 'insertDatabase', run: (a) => a.insertDatabase('db', { name: 'x', charset: 'utf8mb4' }) },
  { route: 'sqladmin.databases.delete', name: 'deleteDatabase', run: (a) => a.deleteDatabase('db', 'x') },
  { route: 'sqladmin.users.list', name: 'listUsers', run: (a) => a.listUsers('db') },
  { route: 'sqladmin.users.insert', name: 'insertUser', run: (a) => a.insertUser('db', { name: 'u', password: 'p' }) },
  { route: 'sqladmin.users.delete', name: 'deleteUser', run: (a) => a.deleteUser('db', 'u', '%') },
];

async function failure(promise: Promise<unknown>): Promise<ControlPlaneError> {
  const outcome = await promise.then((value) => ({ value }), (error: unknown) => ({ error }));
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ControlPlaneError);
  return outcome.error as ControlPlaneError;
}

describe('GcpSqlAdmin error classification under fault injection', () => {
  let sim: GcpSim;
  let admin: GcpSqlAdmin;
  const clock = new VirtualClock('2026-03-10T12:00:00Z');

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new SqlAdminSim({ seedInstances: [{ project: PROJECT, name: 'db' }] })], clock, operationDurationMs: 10_000 });
    admin = new GcpSqlAdmin({ projectId: PROJECT, region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock, { initialDelayMs: 1_000, timeoutMs: 120_000 });
  });
  afterAll(async () => { await sim.close(); });
  beforeEach(() => { sim.faults.clear(); });

  for (const code of [409, 429, 500, 503] as const) {
    it(`classifies ${code} as transient for every method`, async () => {
      for (const m of METHODS) {
        sim.faults.add({ method: m.route, times: 1, code, ...(code === 409 ? { reason: 'operationInProgress' } : {}) });
        const err = await failure(m.run(admin));
        expect({ method: m.name, transient: isTransient(err), code: err.code }).toEqual({ method: m.name, transient: true, code });
      }
    });
  }

  it('classifies the simulator\'s own 409 operationInProgress as transient', async () => {
    // Another client patches the instance; nobody polls it, so virtual time stands still.
    const started = await fetch(`${sim.url}/v1/projects/${PROJECT}/instances/db`, {
      method: 'PATCH', headers: { authorization: 'Bearer other-client', 'content-type': 'application/json' }, body: JSON.stringify({ settings: { userLabels: { first: '1' } } }),
    });
    expect(started.status).toBe(200);
    const err = await failure(admin.exportSql('db', { uri: 'gs://b/o.sql', databases: [] }));
    expect(isTransient(err)).toBe(true);
    expect(err.message).toContain('Operation failed because another operation was already in progress.');
    clock.advance(10_000);
  });

  for (const code of [400, 403, 404] as const) {
    it(`classifies ${code} as permanent for every method${code === 404 ? ' (null where 404 means absent)' : ''}`, async () => {
      for (const m of METHODS) {
        sim.faults.add({ method: m.route, times: 1, code });
        if (code === 404 && m.nullOn404) {
          expect(await m.run(admin)).toBeNull();
          continue;
        }
        const err = await failure(m.run(admin));
        expect({ method: m.name, permanent: isPermanent(err), code: err.code }).toEqual({ method: m.name, permanent: true, code });
      }
    });
  }

  it('classifies a failure while polling the operation as transient and the operation error as permanent', async () => {
    sim.faults.add({ method: 'sqladmin.operations.get', times: 1, code: 503 });
    const polled = await failure(admin.patchInstanceLabels('db', { again: '1' }));
    expect({ transient: isTransient(polled), message: polled.message }).toMatchObject({ transient: true });
    // The abandoned patch is still running on the instance; let it finish first.
    clock.advance(10_000);
    sim.service<SqlAdminSim>('sqladmin').failNextOperation({ instance: 'db', operationType: 'UPDATE', code: 'INTERNAL_ERROR', message: 'disk detached' });
    const opError = await failure(admin.patchInstanceLabels('db', { again: '2' }));
    expect(isPermanent(opError)).toBe(true);
    expect(opError.message).toContain('INTERNAL_ERROR: disk detached');
  });
  it('classifies a client timeout on a slow answer as transient', async () => {
    // Last in the file: a delayed request is still served after the client gave up on it.
    const impatient = new GcpSqlAdmin({ projectId: PROJECT, region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock, {}, { callTimeoutMs: 300 });
    await impatient.getInstance('db');
    for (const m of [METHODS[0]!, METHODS[3]!]) {
      sim.faults.add({ method: m.route, times: 1, delayMs: 2_000 });
      const err = await failure(m.run(impatient));
      expect(err.message).toContain('call deadline');
      expect({ method: m.name, transient: isTransient(err) }).toEqual({ method: m.name, transient: true });
    }
  });

});
