/**
 * The Cloud SQL Admin simulator over plain HTTP: the wire shapes, the v1beta4 alias, enum
 * encodings, operations in virtual time, one operation per instance, point-in-time recovery,
 * backup schedule and pagination, and the export into the Storage simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { parseSqlDump } from '../../../../../shared/local/gcp-sim/services/sqladmin/dump.ts';
import { SqlAdminSim, type SqlAdminSimOptions } from '../../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { StorageSim } from '../../../../../shared/local/gcp-sim/services/storage.ts';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';

const P = 'proj-1';
const START = '2026-03-10T12:00:00.000Z';
const DAY = 86_400_000;
const OP_MS = 60_000;

let sim: GcpSim | undefined;
afterEach(async () => { await sim?.close(); sim = undefined; });

async function boot(options: SqlAdminSimOptions = {}, extra: { storage?: boolean } = {}) {
  const clock = new VirtualClock(START);
  const sql = new SqlAdminSim({ seedInstances: [{ project: P, name: 'db', databaseVersion: 'MYSQL_8_0' }], ...options });
  sim = await startGcpSim({ services: extra.storage ? [sql, new StorageSim()] : [sql], clock, operationDurationMs: OP_MS });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim!.url}${path}`, {
      method,
      headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() as any };
  };
  return { clock, sql, call };
}

describe('SqlAdminSim wire format', () => {
  it('serves instances under v1 and the v1beta4 alias with the documented fields', async () => {
    const { call } = await boot();
    const v1 = await call('GET', `/v1/projects/${P}/instances/db`);
    const beta = await call('GET', `/sql/v1beta4/projects/${P}/instances/db`);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      kind: 'sql#instance', state: 'RUNNABLE', databaseVersion: 'MYSQL_8_0', name: 'db', project: P, region: 'us-central1',
      connectionName: `${P}:us-central1:db`,
      settings: { kind: 'sql#settings', settingsVersion: '1', backupConfiguration: { enabled: true, binaryLogEnabled: true, transactionLogRetentionDays: 7 } },
    });
    expect(v1.body.selfLink).toBe(`${sim!.url}/v1/projects/${P}/instances/db`);
    expect(beta.body.selfLink).toBe(`${sim!.url}/sql/v1beta4/projects/${P}/instances/db`);
    expect({ ...beta.body, selfLink: '' }).toEqual({ ...v1.body, selfLink: '' });
  });

  it('answers with integer enums when asked ($alt=json;enum-encoding=int) and accepts integers on input', async () => {
    const { call } = await boot({}, { storage: true });
    const got = await call('GET', `/v1/projects/${P}/instances/db?$alt=json%3Benum-encoding=int`);
    expect(got.body).toMatchObject({ state: 1, databaseVersion: 20, settings: { availabilityType: 1, backupConfiguration: { backupRetentionSettings: { retentionUnit: 1 } } } });
    await call('POST', '/storage/v1/b?project=p', { name: 'dumps' });
    const exp = await call('POST', `/v1/projects/${P}/instances/db/export?$alt=json%3Benum-encoding=int`, { exportContext: { uri: 'gs://dumps/a.sql', fileType: 1 } });
    expect(exp.status).toBe(200);
    expect(exp.body).toMatchObject({ kind: 'sql#operation', operationType: 2, status: 1, exportContext: { fileType: 1 } });
    const bad = await call('POST', `/v1/projects/${P}/instances/db/export`, { exportContext: { uri: 'gs://dumps/a.sql', fileType: 99 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("'exportContext.fileType'");
  });

  it('runs operations PENDING → RUNNING → DONE on the clock and applies effects only when DONE', async () => {
    const { call, clock } = await boot();
    const op = await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'db-copy' } });
    expect(op.body).toMatchObject({ kind: 'sql#operation', status: 'PENDING', operationType: 'CLONE', targetId: 'db', targetProject: P, insertTime: START });
    expect(op.body.startTime).toBeUndefined();
    expect(op.body.selfLink).toBe(`${sim!.url}/v1/projects/${P}/operations/${op.body.name}`);
    expect((await call('GET', `/v1/projects/${P}/instances/db-copy`)).body.state).toBe('PENDING_CREATE');
    clock.advance(OP_MS / 2);
    const running = await call('GET', `/v1/projects/${P}/operations/${op.body.name}`);
    expect(running.body).toMatchObject({ status: 'RUNNING', startTime: '2026-03-10T12:00:12.000Z' });
    clock.advance(OP_MS / 2);
    const done = await call('GET', `/v1/projects/${P}/operations/${op.body.name}`);
    expect(done.body).toMatchObject({ status: 'DONE', endTime: '2026-03-10T12:01:00.000Z' });
    expect(done.body.error).toBeUndefined();
    expect((await call('GET', `/v1/projects/${P}/instances/db-copy`)).body.state).toBe('RUNNABLE');
    const listed = await call('GET', `/v1/projects/${P}/operations?instance=db`);
    expect(listed.body).toMatchObject({ kind: 'sql#operationsList', items: [{ name: op.body.name }] });
    expect((await call('GET', `/v1/projects/${P}/operations/nope`)).status).toBe(404);
  });

  it('allows one operation per instance: a second mutation gets 409 operationInProgress', async () => {
    const { call, clock } = await boot();
    await call('PATCH', `/v1/projects/${P}/instances/db`, { settings: { userLabels: { a: '1' } } });
    const second = await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'db-2' } });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({ error: {
      code: 409, status: 'ABORTED', message: 'Operation failed because another operation was already in progress.',
      errors: [{ message: 'Operation failed because another operation was already in progress.', domain: 'global', reason: 'operationInProgress' }],
    } });
    expect((await call('GET', `/v1/projects/${P}/instances/db-2`)).status).toBe(404);
    clock.advance(OP_MS);
    expect((await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'db-2' } })).status).toBe(200);
    expect((await call('GET', `/v1/projects/${P}/instances/db`)).body.settings.userLabels).toEqual({ a: '1' });
  });

  it('patch merges labels, a null label value removes the key, PUT replaces them', async () => {
    const { call, clock } = await boot({ seedInstances: [{ project: P, name: 'db', userLabels: { keep: 'x', drop: 'y' } }] });
    await call('PATCH', `/v1/projects/${P}/instances/db`, { settings: { userLabels: { drop: null, add: 'z' } } });
    clock.advance(OP_MS);
    const got = await call('GET', `/v1/projects/${P}/instances/db`);
    expect(got.body.settings).toMatchObject({ userLabels: { keep: 'x', add: 'z' }, settingsVersion: '2' });
    await call('PUT', `/v1/projects/${P}/instances/db`, { settings: { tier: 'db-g1-small', userLabels: { only: 'this' } } });
    clock.advance(OP_MS);
    expect((await call('GET', `/v1/projects/${P}/instances/db`)).body.settings).toMatchObject({ userLabels: { only: 'this' }, tier: 'db-g1-small' });
  });

  it('rejects bad input with the field that was wrong', async () => {
    const { call } = await boot();
    expect((await call('POST', `/v1/projects/${P}/instances`, { name: 'Bad_Name', settings: { tier: 'x' } })).body.error.message).toContain("'name'");
    expect((await call('POST', `/v1/projects/${P}/instances`, { name: 'ok' })).body.error.message).toContain("'settings.tier'");
    expect((await call('POST', `/v1/projects/${P}/instances/db/clone`, {})).body.error.message).toContain("'cloneContext'");
    const dup = await call('POST', `/v1/projects/${P}/instances`, { name: 'db', settings: { tier: 'x' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ message: 'The Cloud SQL instance already exists.', errors: [{ reason: 'instanceAlreadyExists' }] });
    const missing = await call('GET', `/v1/projects/${P}/instances/none`);
    expect(missing.body.error).toMatchObject({ code: 404, message: 'The Cloud SQL instance does not exist.', errors: [{ reason: 'instanceDoesNotExist' }] });
  });
});

describe('SqlAdminSim point-in-time recovery', () => {
  const writesOf = async (call: Awaited<ReturnType<typeof boot>>['call'], name: string) =>
    (await call('GET', `/v1/projects/${P}/instances/${name}/__writes`)).body.writes.map((w: { entry: unknown }) => w.entry);

  it('a clone to T holds exactly the writes strictly before T', async () => {
    const { call, clock, sql } = await boot();
    await call('POST', `/v1/projects/${P}/instances/db/__writes`, { entries: [
      { entry: 'w1', at: '2026-03-10T11:00:00Z' }, { entry: 'w2', at: '2026-03-10T11:30:00Z' }, { entry: 'w3', at: '2026-03-10T11:45:00Z' },
    ] });
    const op = await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'db-pitr', pointInTime: '2026-03-10T11:30:00Z' } });
    expect(op.status).toBe(200);
    clock.advance(OP_MS);
    sql.recordWrite(P, 'db', 'w4');
    expect(await writesOf(call, 'db-pitr')).toEqual(['w1']);
    expect(await writesOf(call, 'db')).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect((await call('GET', `/v1/projects/${P}/instances/db-pitr`)).body).toMatchObject({ state: 'RUNNABLE', databaseVersion: 'MYSQL_8_0' });
  });

  it('reports the recovery window and refuses a T outside it with the Cloud SQL error', async () => {
    const { call } = await boot({ seedInstances: [{ project: P, name: 'db', databaseVersion: 'MYSQL_8_0', transactionLogRetentionDays: 2, ageMs: 10 * DAY }] });
    const w = await call('GET', `/v1/projects/${P}/instances/db/getLatestRecoveryTime`);
    expect(w.body).toEqual({ kind: 'sql#getLatestRecoveryTime', latestRecoveryTime: START, earliestRecoveryTime: '2026-03-08T12:00:00.000Z' });
    const tooOld = await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'x', pointInTime: '2026-03-08T11:59:59Z' } });
    expect(tooOld.status).toBe(400);
    expect(tooOld.body.error.errors[0].reason).toBe('errorBackupNotFound');
    expect(tooOld.body.error.message).toMatch(/^A successful backup that's required for carrying out the CLONE operation can't be found/);
    const future = await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'x', pointInTime: '2026-03-10T12:00:01Z' } });
    expect(future.status).toBe(400);
    expect(future.body.error.message).toMatch(/^Invalid request: cloneContext.pointInTime .* is after the latest recovery time/);
    const edge = await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'x', pointInTime: '2026-03-08T12:00:00Z' } });
    expect(edge.status).toBe(200);
  });

  it('refuses PITR before the first backup of a new instance and when binary logging is off', async () => {
    const { call, clock } = await boot({ seedInstances: [{ project: P, name: 'nolog', databaseVersion: 'MYSQL_8_0', binaryLogEnabled: false }] });
    const off = await call('POST', `/v1/projects/${P}/instances/nolog/clone`, { cloneContext: { destinationInstanceName: 'x', pointInTime: '2026-03-10T11:00:00Z' } });
    expect(off.status).toBe(400);
    expect(off.body.error.errors[0].reason).toBe('errorBinlogNotEnabled');
    await call('POST', `/v1/projects/${P}/instances`, { name: 'fresh', databaseVersion: 'POSTGRES_15', settings: { tier: 'db-f1-micro', backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true } } });
    clock.advance(OP_MS);
    const noBackup = await call('GET', `/v1/projects/${P}/instances/fresh/getLatestRecoveryTime`);
    expect(noBackup.status).toBe(400);
    expect(noBackup.body.error.errors[0].reason).toBe('errorBackupNotFound');
  });

  it('gets a 409 for a clone while another operation runs on the same source', async () => {
    const { call } = await boot();
    expect((await call('POST', `/v1/projects/${P}/instances/db/backupRuns`, { description: 'pre' })).status).toBe(200);
    const clone = await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'db-pitr', pointInTime: '2026-03-10T11:00:00Z' } });
    expect(clone.status).toBe(409);
    expect(clone.body.error.errors[0].reason).toBe('operationInProgress');
  });
});

describe('SqlAdminSim backups, databases, users, export, state', () => {
  it('takes a daily automated backup, keeps seven, and pages through them', async () => {
    const { call, clock } = await boot();
    const first = await call('GET', `/v1/projects/${P}/instances/db/backupRuns`);
    expect(first.body.items).toHaveLength(7);
    expect(first.body.items[0]).toMatchObject({ kind: 'sql#backupRun', type: 'AUTOMATED', status: 'SUCCESSFUL', windowStartTime: '2026-03-10T03:00:00.000Z', instance: 'db' });
    clock.advance(DAY);
    const later = await call('GET', `/v1/projects/${P}/instances/db/backupRuns`);
    expect(later.body.items).toHaveLength(7);
    expect(later.body.items[0].windowStartTime).toBe('2026-03-11T03:00:00.000Z');
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await call('GET', `/v1/projects/${P}/instances/db/backupRuns?maxResults=3${token ? `&pageToken=${token}` : ''}`);
      seen.push(...page.body.items.map((r: { id: string }) => r.id));
      token = page.body.nextPageToken;
      if (!token) break;
    }
    expect(seen).toEqual(later.body.items.map((r: { id: string }) => r.id));
    expect((await call('GET', `/v1/projects/${P}/instances/db/backupRuns?pageToken=garbage`)).status).toBe(400);
  });

  it('distinguishes ON_DEMAND runs and shows them ENQUEUED → RUNNING → SUCCESSFUL', async () => {
    const { call, clock } = await boot();
    const op = await call('POST', `/v1/projects/${P}/instances/db/backupRuns`, { description: 'manual' });
    expect(op.body).toMatchObject({ operationType: 'BACKUP_VOLUME', backupContext: { kind: 'sql#backupContext' } });
    const id = op.body.backupContext.backupId;
    expect((await call('GET', `/v1/projects/${P}/instances/db/backupRuns/${id}`)).body).toMatchObject({ type: 'ON_DEMAND', status: 'ENQUEUED', description: 'manual' });
    clock.advance(OP_MS / 2);
    expect((await call('GET', `/v1/projects/${P}/instances/db/backupRuns/${id}`)).body.status).toBe('RUNNING');
    clock.advance(OP_MS / 2);
    expect((await call('GET', `/v1/projects/${P}/instances/db/backupRuns/${id}`)).body.status).toBe('SUCCESSFUL');
    const del = await call('DELETE', `/v1/projects/${P}/instances/db/backupRuns/${id}`);
    expect(del.body.operationType).toBe('DELETE_BACKUP');
    clock.advance(OP_MS);
    expect((await call('GET', `/v1/projects/${P}/instances/db/backupRuns/${id}`)).status).toBe(404);
  });

  it('manages databases and users; users are deleted by name and host and passwords never come back', async () => {
    const { call, clock } = await boot();
    expect((await call('POST', `/v1/projects/${P}/instances/db/databases`, { name: 'app', charset: 'utf8mb4', collation: 'utf8mb4_bin' })).body.operationType).toBe('CREATE_DATABASE');
    clock.advance(OP_MS);
    expect((await call('GET', `/v1/projects/${P}/instances/db/databases`)).body).toMatchObject({ kind: 'sql#databasesList', items: [{ kind: 'sql#database', name: 'app', charset: 'utf8mb4', collation: 'utf8mb4_bin' }] });
    expect((await call('POST', `/v1/projects/${P}/instances/db/users`, { name: 'app', host: '%', password: 'hunter2-not-real' })).body.operationType).toBe('CREATE_USER');
    clock.advance(OP_MS);
    const users = await call('GET', `/v1/projects/${P}/instances/db/users`);
    expect(users.body.items).toEqual([{ kind: 'sql#user', etag: 'db-app-%', name: 'app', host: '%', instance: 'db', project: P }]);
    expect(JSON.stringify(sim!.state())).not.toContain('hunter2');
    expect((await call('DELETE', `/v1/projects/${P}/instances/db/users?name=app&host=10.0.0.1`)).status).toBe(404);
    expect((await call('DELETE', `/v1/projects/${P}/instances/db/users?name=app&host=%25`)).body.operationType).toBe('DELETE_USER');
    expect((await call('DELETE', `/v1/projects/${P}/instances/db/databases/app`)).status).toBe(409);
    clock.advance(OP_MS);
    expect((await call('DELETE', `/v1/projects/${P}/instances/db/databases/app`)).body.operationType).toBe('DELETE_DATABASE');
    clock.advance(OP_MS);
    expect((await call('GET', `/v1/projects/${P}/instances/db/users`)).body.items).toEqual([]);
    expect((await call('GET', `/v1/projects/${P}/instances/db/databases`)).body.items).toEqual([]);
  });

  it('gets one database and one user (by name and host) under v1 and v1beta4, 404 when absent', async () => {
    const { call } = await boot({ seedInstances: [{ project: P, name: 'db', databaseVersion: 'MYSQL_8_0', databases: [{ name: 'app', charset: 'utf8mb4' }], users: [{ name: 'svc', host: '%' }, { name: 'svc', host: '10.0.0.1' }] }] });
    for (const base of ['/v1', '/sql/v1beta4']) {
      const db = await call('GET', `${base}/projects/${P}/instances/db/databases/app`);
      expect(db.status).toBe(200);
      expect(db.body).toMatchObject({ kind: 'sql#database', name: 'app', instance: 'db', project: P, charset: 'utf8mb4' });
      expect(db.body.selfLink).toBe(`${sim!.url}${base}/projects/${P}/instances/db/databases/app`);
      const user = await call('GET', `${base}/projects/${P}/instances/db/users/svc?host=10.0.0.1`);
      expect(user.status).toBe(200);
      expect(user.body).toEqual({ kind: 'sql#user', etag: 'db-svc-10.0.0.1', name: 'svc', host: '10.0.0.1', instance: 'db', project: P });
    }
    const missingDb = await call('GET', `/v1/projects/${P}/instances/db/databases/nope`);
    expect(missingDb.status).toBe(404);
    expect(missingDb.body.error.message).toContain('Database nope on instance db');
    expect((await call('GET', `/v1/projects/${P}/instances/db/users/svc`)).status).toBe(404);
    expect((await call('GET', `/v1/projects/${P}/instances/ghost/databases/app`)).status).toBe(404);
  });

  it('writes the SQL dump into the Storage simulator, or fails the operation when the bucket is missing', async () => {
    const { call, clock, sql } = await boot({}, { storage: true });
    sql.recordWrite(P, 'db', { id: 1, note: "it's" });
    sql.recordWrite(P, 'db', { database: 'other', id: 2 });
    await call('POST', `/v1/projects/${P}/instances/db/databases`, { name: 'app' });
    clock.advance(OP_MS);
    await call('POST', '/storage/v1/b?project=p', { name: 'dumps' });
    const first = await call('POST', `/v1/projects/${P}/instances/db/export`, { exportContext: { uri: 'gs://dumps/db.sql', fileType: 'SQL', databases: ['app'] } });
    clock.advance(OP_MS);
    // Effects are applied when the simulator next sees a request (as a client polling the operation does).
    expect((await call('GET', `/v1/projects/${P}/operations/${first.body.name}`)).body.status).toBe('DONE');
    const storage = sim!.service<StorageSim>('storage');
    const dump = storage.getObject('dumps', 'db.sql')?.toString('utf8') ?? '';
    // MySQL quoting; the write for another database is not in this one.
    expect(dump).toContain('-- Current Database: `app`');
    expect(dump).toContain(`INSERT INTO \`__sim_write_log\` VALUES ('${START}', '{"id":1,"note":"it''s"}');`);
    expect(dump).not.toContain('"id":2');
    // A .gz URI gets a gzip file, as Cloud SQL does.
    const gz = await call('POST', `/v1/projects/${P}/instances/db/export`, { exportContext: { uri: 'gs://dumps/db.sql.gz', fileType: 'SQL' } });
    clock.advance(OP_MS);
    await call('GET', `/v1/projects/${P}/operations/${gz.body.name}`);
    const parsed = parseSqlDump(storage.getObject('dumps', 'db.sql.gz')!);
    expect(storage.getObject('dumps', 'db.sql.gz')!.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(parsed).toEqual({ complete: true, databases: [{ name: 'app', rows: [{ at: START, entry: { id: 1, note: "it's" } }] }] });
    const op = await call('POST', `/v1/projects/${P}/instances/db/export`, { exportContext: { uri: 'gs://missing/db.sql' } });
    clock.advance(OP_MS);
    const done = await call('GET', `/v1/projects/${P}/operations/${op.body.name}`);
    expect(done.body).toMatchObject({ status: 'DONE', error: { kind: 'sql#operationErrors', errors: [{ kind: 'sql#operationError', code: 'ERROR_EXPORT_FAILED' }] } });
  });

  it('snapshots and restores its whole state, and summarises it', async () => {
    const { call, clock, sql } = await boot();
    sql.recordWrite(P, 'db', 'kept');
    await call('POST', `/v1/projects/${P}/instances/db/users`, { name: 'u' });
    clock.advance(OP_MS);
    const snap = JSON.parse(JSON.stringify(sql.snapshot()));
    expect(sql.summary()).toMatchObject({ instances: 1, users: 1, databases: 0, backupRuns: 7, operations: 1, operationsRunning: 0 });
    await sim!.close();
    const restored = new SqlAdminSim();
    sim = await startGcpSim({ services: [restored], clock, operationDurationMs: OP_MS });
    restored.restore(snap);
    expect(restored.writes(P, 'db').map((w) => w.entry)).toEqual(['kept']);
    expect(restored.summary()).toMatchObject({ instances: 1, users: 1, backupRuns: 7 });
    expect(() => restored.restore({ instances: [] })).toThrow(/backupRuns/);
  });

  it('a failed clone operation ends DONE with error and leaves no destination behind', async () => {
    const { call, clock, sql } = await boot();
    sql.failNextOperation({ instance: 'db', operationType: 'CLONE', code: 'ERROR_RDBMS', message: 'clone failed in the simulator' });
    const op = await call('POST', `/v1/projects/${P}/instances/db/clone`, { cloneContext: { destinationInstanceName: 'db-x' } });
    expect((await call('GET', `/v1/projects/${P}/instances/db-x`)).body.state).toBe('PENDING_CREATE');
    clock.advance(OP_MS);
    const done = await call('GET', `/v1/projects/${P}/operations/${op.body.name}`);
    expect(done.body.error).toEqual({ kind: 'sql#operationErrors', errors: [{ kind: 'sql#operationError', code: 'ERROR_RDBMS', message: 'clone failed in the simulator' }] });
    expect((await call('GET', `/v1/projects/${P}/instances/db-x`)).status).toBe(404);
  });

  it('survives a restart through the server\'s persist file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqladmin-sim-'));
    try {
      const clock = new VirtualClock(START);
      const file = join(dir, 'state.json');
      const first = new SqlAdminSim({ seedInstances: [{ project: P, name: 'db' }] });
      sim = await startGcpSim({ services: [first], clock, operationDurationMs: 0, persistFile: file });
      first.recordWrite(P, 'db', 'persisted');
      await fetch(`${sim.url}/v1/projects/${P}/instances/db/databases`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'kept' }) });
      await sim.close();
      const second = new SqlAdminSim();
      sim = await startGcpSim({ services: [second], clock, operationDurationMs: 0, persistFile: file });
      expect(second.writes(P, 'db').map((w) => w.entry)).toEqual(['persisted']);
      expect(second.summary()).toMatchObject({ instances: 1, databases: 1, backupRuns: 7 });
    } finally {
      await sim?.close();
      sim = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
