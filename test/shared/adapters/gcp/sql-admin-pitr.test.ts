/**
 * The PITR acceptance criteria, end to end through GcpSqlAdmin and @google-cloud/sql:
 * a clone to T is a new instance holding exactly the writes before T; a T outside the
 * recovery window is refused with Cloud SQL's error (permanent); a clone while another
 * operation runs on the source gets 409 operationInProgress (transient).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { SqlAdminSim } from '../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { GcpSqlAdmin } from '../../../../shared/adapters/gcp/sql-admin.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { isPermanent, isTransient } from '../../../../shared/runtime/errors.ts';

const PROJECT = 'pitr-project';
const DAY = 86_400_000;

describe('PITR clone through the adapter', () => {
  const clock = new VirtualClock('2026-05-20T10:00:00Z');
  let sim: GcpSim;
  let sqlSim: SqlAdminSim;
  let admin: GcpSqlAdmin;

  beforeAll(async () => {
    sqlSim = new SqlAdminSim({ seedInstances: [{ project: PROJECT, name: 'meta', databaseVersion: 'MYSQL_8_0', transactionLogRetentionDays: 3, ageMs: 10 * DAY }] });
    sim = await startGcpSim({ services: [sqlSim], clock, operationDurationMs: 45_000 });
    admin = new GcpSqlAdmin({ projectId: PROJECT, region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock, { initialDelayMs: 5_000 });
    const now = clock.now().getTime();
    for (let minute = 10; minute >= 1; minute--) sqlSim.recordWrite(PROJECT, 'meta', { seq: 11 - minute }, new Date(now - minute * 60_000));
  });
  afterAll(async () => { await sim.close(); });

  it('creates a new instance holding exactly the writes before T', async () => {
    const t = new Date(clock.now().getTime() - 4 * 60_000);
    const clone = await admin.cloneInstance('meta', { destinationInstanceName: 'meta-restore', pointInTime: t });
    expect(clone).toMatchObject({ name: 'meta-restore', state: 'RUNNABLE', databaseVersion: 'MYSQL_8_0' });
    // Writes at minutes -10..-5 precede T (-4); the write stamped exactly at T is excluded.
    expect(sqlSim.writes(PROJECT, 'meta-restore').map((w) => w.entry)).toEqual([1, 2, 3, 4, 5, 6].map((seq) => ({ seq })));
    expect(sqlSim.writes(PROJECT, 'meta')).toHaveLength(10);
  });

  it('is refused outside the recovery window with the Cloud SQL error, as a permanent failure', async () => {
    const window = await admin.getLatestRecoveryTime('meta');
    expect(window.getTime()).toBe(clock.now().getTime());
    const tooOld = await admin.cloneInstance('meta', { destinationInstanceName: 'too-old', pointInTime: new Date(clock.now().getTime() - 4 * DAY) })
      .then(() => { throw new Error('expected the clone to be refused'); }, (e: unknown) => e as Error);
    expect(isPermanent(tooOld)).toBe(true);
    expect(tooOld.message).toContain("A successful backup that's required for carrying out the CLONE operation can't be found");
    const future = await admin.cloneInstance('meta', { destinationInstanceName: 'future', pointInTime: new Date(clock.now().getTime() + 60_000) })
      .then(() => { throw new Error('expected the clone to be refused'); }, (e: unknown) => e as Error);
    expect(isPermanent(future)).toBe(true);
    expect(future.message).toContain('after the latest recovery time');
    expect(await admin.getInstance('too-old')).toBeNull();
  });

  it('gets 409 operationInProgress (transient) while another operation runs on the source', async () => {
    // Another client starts an on-demand backup; nobody polls it, so virtual time stands still.
    const started = await fetch(`${sim.url}/v1/projects/${PROJECT}/instances/meta/backupRuns`, {
      method: 'POST', headers: { authorization: 'Bearer other-client', 'content-type': 'application/json' }, body: JSON.stringify({ description: 'pre-restore' }),
    });
    expect(started.status).toBe(200);
    const err = await admin.cloneInstance('meta', { destinationInstanceName: 'meta-second', pointInTime: new Date(clock.now().getTime() - 60_000) })
      .then(() => { throw new Error('expected the clone to be refused'); }, (e: unknown) => e as Error);
    expect(isTransient(err)).toBe(true);
    expect(err.message).toContain('Operation failed because another operation was already in progress.');
    clock.advance(45_000);
    const retried = await admin.cloneInstance('meta', { destinationInstanceName: 'meta-second', pointInTime: new Date(clock.now().getTime() - 60_000) });
    expect(retried.state).toBe('RUNNABLE');
  });
});
