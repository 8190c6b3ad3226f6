/**
 * Every GcpSqlAdmin method against gcp-sim through the real @google-cloud/sql client, in
 * virtual time: operations take 30 s of clock time and the adapter's polling sleeps move it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { SqlAdminSim } from '../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { GcpSqlAdmin } from '../../../../shared/adapters/gcp/sql-admin.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { PermanentError, isPermanent } from '../../../../shared/runtime/errors.ts';

const PROJECT = 'demo-project';
const START = new Date('2026-03-10T12:00:00Z');

describe('GcpSqlAdmin against gcp-sim', () => {
  let sim: GcpSim;
  let sqlSim: SqlAdminSim;
  let admin: GcpSqlAdmin;
  const clock = new VirtualClock(START);

  beforeAll(async () => {
    sqlSim = new SqlAdminSim({
      seedInstances: [
        { project: PROJECT, name: 'zenml-db', region: 'europe-west1', databaseVersion: 'MYSQL_8_0', tier: 'db-g1-small', userLabels: { team: 'ml' }, databases: [{ name: 'zenml' }], users: [{ name: 'zenml', host: '%' }] },
        { project: PROJECT, name: 'mlflow-db', databaseVersion: 'POSTGRES_15' },
        { project: 'other-project', name: 'elsewhere' },
      ],
    });
    sim = await startGcpSim({ services: [sqlSim], clock, operationDurationMs: 30_000 });
    admin = new GcpSqlAdmin({ projectId: PROJECT, region: 'europe-west1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock, { initialDelayMs: 1_000, maxDelayMs: 5_000, timeoutMs: 600_000 }, { pageSize: 1 });
  });
  afterAll(async () => { await sim.close(); });

  it('gets an instance with its settings decoded from the wire', async () => {
    const i = await admin.getInstance('zenml-db');
    expect(i).toMatchObject({
      name: 'zenml-db', project: PROJECT, region: 'europe-west1', databaseVersion: 'MYSQL_8_0', state: 'RUNNABLE',
      connectionName: `${PROJECT}:europe-west1:zenml-db`, tier: 'db-g1-small', backupEnabled: true, binaryLogEnabled: true,
      pointInTimeRecoveryEnabled: false, transactionLogRetentionDays: 7, userLabels: { team: 'ml' },
    });
    expect(i?.createTime?.getTime()).toBe(START.getTime() - 7 * 86_400_000);
  });

  it('returns null for a missing instance', async () => {
    expect(await admin.getInstance('nope')).toBeNull();
  });

  it('lists every instance of the project, following pages of one', async () => {
    const names = (await admin.listInstances()).map((i) => i.name).sort();
    expect(names).toEqual(['mlflow-db', 'zenml-db']);
  });

  it('merges labels with PATCH and removes them with PUT', async () => {
    await admin.patchInstanceLabels('zenml-db', { env: 'dev', owner: 'ops' });
    expect((await admin.getInstance('zenml-db'))?.userLabels).toEqual({ team: 'ml', env: 'dev', owner: 'ops' });
    await admin.patchInstanceLabels('zenml-db', { owner: null, env: 'prod' });
    expect((await admin.getInstance('zenml-db'))?.userLabels).toEqual({ team: 'ml', env: 'prod' });
  });

  it('lists automated backups over several pages and takes an on-demand one', async () => {
    const before = await admin.listBackupRuns('zenml-db');
    expect(before.length).toBe(7);
    expect(before.every((r) => r.type === 'AUTOMATED' && r.status === 'SUCCESSFUL')).toBe(true);
    const run = await admin.insertBackupRun('zenml-db', 'before upgrade');
    expect(run).toMatchObject({ type: 'ON_DEMAND', status: 'SUCCESSFUL', description: 'before upgrade', instance: 'zenml-db' });
    expect(await admin.getBackupRun('zenml-db', run.id)).toMatchObject({ id: run.id, type: 'ON_DEMAND' });
    const after = await admin.listBackupRuns('zenml-db');
    expect(after.map((r) => r.id)).toContain(run.id);
    await admin.deleteBackupRun('zenml-db', run.id);
    expect(await admin.getBackupRun('zenml-db', run.id)).toBeNull();
  });

  it('inserts, lists and deletes databases', async () => {
    await admin.insertDatabase('zenml-db', { name: 'analytics', charset: 'utf8mb4', collation: 'utf8mb4_bin' });
    expect(await admin.listDatabases('zenml-db')).toEqual([
      { name: 'zenml', instance: 'zenml-db', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci' },
      { name: 'analytics', instance: 'zenml-db', charset: 'utf8mb4', collation: 'utf8mb4_bin' },
    ]);
    await admin.deleteDatabase('zenml-db', 'analytics');
    expect((await admin.listDatabases('zenml-db')).map((d) => d.name)).toEqual(['zenml']);
  });

  it('inserts, lists and deletes users, never reading a password back', async () => {
    await admin.insertUser('zenml-db', { name: 'reporter', password: 'not-a-real-password', host: '10.0.0.%' });
    const users = await admin.listUsers('zenml-db');
    expect(users).toEqual([{ name: 'zenml', host: '%', instance: 'zenml-db' }, { name: 'reporter', host: '10.0.0.%', instance: 'zenml-db' }]);
    expect(JSON.stringify(sim.state())).not.toContain('not-a-real-password');
    await admin.deleteUser('zenml-db', 'reporter', '10.0.0.%');
    expect((await admin.listUsers('zenml-db')).map((u) => u.name)).toEqual(['zenml']);
  });

  it('reports the latest recovery time as now', async () => {
    expect((await admin.getLatestRecoveryTime('zenml-db')).getTime()).toBe(clock.now().getTime());
  });

  it('clones to a point in time: a new instance with exactly the writes before T', async () => {
    const t0 = clock.now().getTime();
    sqlSim.recordWrite(PROJECT, 'mlflow-db', { row: 1 }, new Date(t0 - 3_000));
    sqlSim.recordWrite(PROJECT, 'mlflow-db', { row: 2 }, new Date(t0 - 2_000));
    sqlSim.recordWrite(PROJECT, 'mlflow-db', { row: 3 }, new Date(t0 - 1_000));
    const clone = await admin.cloneInstance('mlflow-db', { destinationInstanceName: 'mlflow-db-pitr', pointInTime: new Date(t0 - 2_000) });
    expect(clone).toMatchObject({ name: 'mlflow-db-pitr', state: 'RUNNABLE', databaseVersion: 'POSTGRES_15' });
    expect(sqlSim.writes(PROJECT, 'mlflow-db-pitr').map((w) => w.entry)).toEqual([{ row: 1 }]);
    expect(sqlSim.writes(PROJECT, 'mlflow-db').map((w) => w.entry)).toEqual([{ row: 1 }, { row: 2 }, { row: 3 }]);
  });

  it('restores a backup onto an instance', async () => {
    const [latest] = await admin.listBackupRuns('mlflow-db-pitr').then(async (runs) => runs.length ? runs : [await admin.insertBackupRun('mlflow-db-pitr')]);
    sqlSim.recordWrite(PROJECT, 'mlflow-db-pitr', { row: 'after backup' });
    await admin.restoreBackup('mlflow-db-pitr', latest!.id);
    expect(sqlSim.writes(PROJECT, 'mlflow-db-pitr').map((w) => w.entry)).toEqual([{ row: 1 }]);
  });

  it('exports SQL (kept by the simulator when no storage service is registered)', async () => {
    await admin.exportSql('zenml-db', { uri: 'gs://backups/zenml.sql', databases: ['zenml'] });
    expect((sim.state().sqladmin as { exports: unknown[] }).exports).toEqual([expect.objectContaining({ bucket: 'backups', object: 'zenml.sql' })]);
  });

  it('turns an operation that ends with an error into a PermanentError naming it', async () => {
    sqlSim.failNextOperation({ instance: 'zenml-db', operationType: 'EXPORT', code: 'ERROR_RDBMS', message: 'export ran out of disk' });
    const err = await admin.exportSql('zenml-db', { uri: 'gs://backups/again.sql', databases: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/EXPORT.*ERROR_RDBMS: export ran out of disk/);
  });

  it('deletes an instance', async () => {
    await admin.deleteInstance('mlflow-db-pitr');
    expect(await admin.getInstance('mlflow-db-pitr')).toBeNull();
    const err = await admin.deleteInstance('mlflow-db-pitr').catch((e: unknown) => e);
    expect(isPermanent(err)).toBe(true);
  });
});
