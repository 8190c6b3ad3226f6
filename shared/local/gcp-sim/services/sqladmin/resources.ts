/**
 * The per-instance collections of Cloud SQL Admin v1 and its operations:
 * backupRuns (https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/backupRuns),
 * databases (.../rest/v1/databases: list/get/insert/delete), users (.../rest/v1/users: list/get/insert/delete), operations
 * (.../rest/v1/operations), plus the simulator-only write-log hook.
 */
import type { SimRequest } from '../../router.ts';
import { invalid } from '../../errors.ts';
import type { SqlAdminEngine } from './engine.ts';
import { paginate } from './pagination.ts';
import { iso, operationStatus, renderBackupRun, renderDatabase, renderOperation, renderUser } from './render.ts';
import { body, links, optionalString, reply, requiredString, timestamp } from './request.ts';
import { alreadyExists, notFound } from './sql-errors.ts';
import type { BackupRunRecord, DatabaseRecord } from './state.ts';
import type { AddRoute } from './routes.ts';

export function registerResourceRoutes(add: AddRoute, engine: SqlAdminEngine, origin: () => string): void {
  const op = (req: SimRequest, o: ReturnType<SqlAdminEngine['startOperation']>) =>
    reply(req, renderOperation(o, engine.now(), links(req, origin())), 'Operation');

  /** A backup still being taken reports the status of its operation (ENQUEUED, RUNNING). */
  const liveBackup = (run: BackupRunRecord) => {
    if (run.status !== 'RUNNING') return undefined;
    const o = engine.state.operations.find((x) => x.backupContext?.backupId === run.id);
    if (!o) return undefined;
    const s = operationStatus(o, engine.now());
    return { status: s === 'PENDING' ? 'ENQUEUED' : 'RUNNING' };
  };
  const findRun = (req: SimRequest) => {
    engine.requireInstance(req.params.project!, req.params.instance!);
    const run = engine.state.backupRuns.find((b) => b.project === req.params.project && b.instance === req.params.instance && b.id === req.params.id);
    if (!run) throw notFound(`Backup run ${req.params.id} of instance ${req.params.instance}`);
    return run;
  };

  // backupRuns
  add('GET', '/projects/{project}/instances/{instance}/backupRuns', 'sqladmin.backupRuns.list', (req) => {
    engine.requireInstance(req.params.project!, req.params.instance!);
    const runs = engine.state.backupRuns
      .filter((b) => b.project === req.params.project && b.instance === req.params.instance)
      .sort((a, b) => b.enqueuedTime - a.enqueuedTime || Number(b.id) - Number(a.id));
    const { page, nextPageToken } = paginate(runs, req.query);
    const out: Record<string, unknown> = { kind: 'sql#backupRunsList', items: page.map((r) => renderBackupRun(r, links(req, origin()), liveBackup(r))) };
    if (nextPageToken) out.nextPageToken = nextPageToken;
    return reply(req, out, 'BackupRunsListResponse');
  });
  add('GET', '/projects/{project}/instances/{instance}/backupRuns/{id}', 'sqladmin.backupRuns.get', (req) => {
    const run = findRun(req);
    return reply(req, renderBackupRun(run, links(req, origin()), liveBackup(run)), 'BackupRun');
  });
  add('POST', '/projects/{project}/instances/{instance}/backupRuns', 'sqladmin.backupRuns.insert', (req) => {
    const project = req.params.project!;
    const name = req.params.instance!;
    const instance = engine.requireInstance(project, name);
    const b = body(req, 'BackupRun', false);
    if (b.type !== undefined && b.type !== 'ON_DEMAND') throw invalid(`Invalid value at 'type' (${b.type}): only ON_DEMAND backups can be requested; AUTOMATED ones come from the schedule.`);
    if (instance.state !== 'RUNNABLE') throw invalid(`instance ${name} is ${instance.state}, not RUNNABLE.`);
    engine.assertIdle(project, name);
    const now = engine.now();
    const run = engine.addBackupRun(instance, 'ON_DEMAND', now, now, optionalString(b.description, 'description'), 'RUNNING');
    return op(req, engine.startOperation({
      project, operationType: 'BACKUP_VOLUME', targetId: name, locks: [name],
      backupContext: { backupId: run.id, kind: 'sql#backupContext' },
      effect: { kind: 'finishBackup', instance: name, backupRunId: run.id },
    }));
  });
  add('DELETE', '/projects/{project}/instances/{instance}/backupRuns/{id}', 'sqladmin.backupRuns.delete', (req) => {
    const run = findRun(req);
    engine.assertIdle(run.project, run.instance);
    return op(req, engine.startOperation({
      project: run.project, operationType: 'DELETE_BACKUP', targetId: run.instance, locks: [run.instance],
      effect: { kind: 'deleteBackup', instance: run.instance, backupRunId: run.id },
    }));
  });

  // databases
  add('GET', '/projects/{project}/instances/{instance}/databases', 'sqladmin.databases.list', (req) => {
    engine.requireInstance(req.params.project!, req.params.instance!);
    const items = engine.state.databases.filter((d) => d.project === req.params.project && d.instance === req.params.instance);
    return reply(req, { kind: 'sql#databasesList', items: items.map((d) => renderDatabase(d, links(req, origin()))) }, 'DatabasesListResponse');
  });
  add('GET', '/projects/{project}/instances/{instance}/databases/{database}', 'sqladmin.databases.get', (req) => {
    const { project, instance, database } = req.params as Record<string, string>;
    engine.requireInstance(project, instance);
    const found = engine.state.databases.find((d) => d.project === project && d.instance === instance && d.name === database);
    if (!found) throw notFound(`Database ${database} on instance ${instance}`);
    return reply(req, renderDatabase(found, links(req, origin())), 'Database');
  });
  add('POST', '/projects/{project}/instances/{instance}/databases', 'sqladmin.databases.insert', (req) => {
    const project = req.params.project!;
    const instance = req.params.instance!;
    const i = engine.requireInstance(project, instance);
    const b = body(req, 'Database');
    const name = requiredString(b.name, 'name');
    if (engine.state.databases.some((d) => d.project === project && d.instance === instance && d.name === name)) throw alreadyExists(`Database ${name} on instance ${instance}`);
    engine.assertIdle(project, instance);
    const postgres = i.databaseVersion.startsWith('POSTGRES');
    const database = {
      project, instance, name,
      charset: optionalString(b.charset, 'charset') ?? (postgres ? 'UTF8' : 'utf8mb4'),
      collation: optionalString(b.collation, 'collation') ?? (postgres ? 'en_US.UTF8' : 'utf8mb4_0900_ai_ci'),
      ...sqlserverDetails(b.sqlserverDatabaseDetails),
    };
    return op(req, engine.startOperation({ project, operationType: 'CREATE_DATABASE', targetId: instance, locks: [instance], effect: { kind: 'createDatabase', database } }));
  });
  add('DELETE', '/projects/{project}/instances/{instance}/databases/{database}', 'sqladmin.databases.delete', (req) => {
    const { project, instance, database } = req.params as Record<string, string>;
    engine.requireInstance(project, instance);
    if (!engine.state.databases.some((d) => d.project === project && d.instance === instance && d.name === database)) throw notFound(`Database ${database} on instance ${instance}`);
    engine.assertIdle(project, instance);
    return op(req, engine.startOperation({ project, operationType: 'DELETE_DATABASE', targetId: instance, locks: [instance], effect: { kind: 'deleteDatabase', instance, name: database } }));
  });

  // users
  add('GET', '/projects/{project}/instances/{instance}/users', 'sqladmin.users.list', (req) => {
    engine.requireInstance(req.params.project!, req.params.instance!);
    const items = engine.state.users.filter((u) => u.project === req.params.project && u.instance === req.params.instance);
    return reply(req, { kind: 'sql#usersList', items: items.map(renderUser) }, 'UsersListResponse');
  });
  // users.get names the user in the path; MySQL users are told apart by the `host` query parameter.
  add('GET', '/projects/{project}/instances/{instance}/users/{name}', 'sqladmin.users.get', (req) => {
    const { project, instance, name } = req.params as Record<string, string>;
    engine.requireInstance(project, instance);
    const host = req.query.get('host') ?? '';
    const found = engine.state.users.find((u) => u.project === project && u.instance === instance && u.name === name && u.host === host);
    if (!found) throw notFound(`User ${name}${host ? `@${host}` : ''} on instance ${instance}`);
    return reply(req, renderUser(found), 'User');
  });
  add('POST', '/projects/{project}/instances/{instance}/users', 'sqladmin.users.insert', (req) => {
    const project = req.params.project!;
    const instance = req.params.instance!;
    engine.requireInstance(project, instance);
    const b = body(req, 'User');
    const name = requiredString(b.name, 'name');
    const host = optionalString(b.host, 'host') ?? '';
    if (engine.state.users.some((u) => u.project === project && u.instance === instance && u.name === name && u.host === host)) throw alreadyExists(`User ${name}${host ? `@${host}` : ''} on instance ${instance}`);
    engine.assertIdle(project, instance);
    const type = optionalString(b.type, 'type');
    const user = { project, instance, name, host, ...(type ? { type } : {}) };
    return op(req, engine.startOperation({ project, operationType: 'CREATE_USER', targetId: instance, locks: [instance], effect: { kind: 'createUser', user } }));
  });
  add('DELETE', '/projects/{project}/instances/{instance}/users', 'sqladmin.users.delete', (req) => {
    const project = req.params.project!;
    const instance = req.params.instance!;
    engine.requireInstance(project, instance);
    const name = requiredString(req.query.get('name'), 'name');
    const host = req.query.get('host') ?? '';
    if (!engine.state.users.some((u) => u.project === project && u.instance === instance && u.name === name && u.host === host)) throw notFound(`User ${name}${host ? `@${host}` : ''} on instance ${instance}`);
    engine.assertIdle(project, instance);
    return op(req, engine.startOperation({ project, operationType: 'DELETE_USER', targetId: instance, locks: [instance], effect: { kind: 'deleteUser', instance, name, host } }));
  });

  // operations
  add('GET', '/projects/{project}/operations/{operation}', 'sqladmin.operations.get', (req) => {
    const o = engine.state.operations.find((x) => x.project === req.params.project && x.name === req.params.operation);
    if (!o) throw notFound(`Operation ${req.params.operation}`);
    return op(req, o);
  });
  add('GET', '/projects/{project}/operations', 'sqladmin.operations.list', (req) => {
    const instance = req.query.get('instance');
    const items = engine.state.operations
      .filter((o) => o.project === req.params.project && (!instance || o.targetId === instance || o.locks.includes(engine.key(o.project, instance))))
      .sort((a, b) => b.insertTime - a.insertTime);
    const { page, nextPageToken } = paginate(items, req.query);
    const out: Record<string, unknown> = { kind: 'sql#operationsList', items: page.map((o) => renderOperation(o, engine.now(), links(req, origin()))) };
    if (nextPageToken) out.nextPageToken = nextPageToken;
    return reply(req, out, 'OperationsListResponse');
  });

  // Simulator-only: append to / read an instance's write log (no such method exists in Cloud SQL).
  add('POST', '/projects/{project}/instances/{instance}/__writes', 'sqladmin.sim.writes', (req) => {
    const b = req.json as { entry?: unknown; at?: string; entries?: Array<{ entry: unknown; at?: string }> } | undefined;
    if (!b || typeof b !== 'object') throw invalid('Body must be {"entry": ..., "at"?: RFC3339} or {"entries": [...]}.');
    const list = Array.isArray(b.entries) ? b.entries : [b];
    const written = list.map((w, idx) => {
      if (w.entry === undefined) throw invalid(`Missing 'entry' in write ${idx}.`);
      const at = w.at === undefined ? undefined : timestamp(w.at, `entries[${idx}].at`);
      try {
        return engine.recordWrite(req.params.project!, req.params.instance!, w.entry, at);
      } catch (err) {
        if (err instanceof Error && !('code' in err)) throw invalid(err.message);
        throw err;
      }
    });
    return { status: 200, body: { writes: written.map((w) => ({ at: iso(w.at), entry: w.entry })) } };
  });
  add('GET', '/projects/{project}/instances/{instance}/__writes', 'sqladmin.sim.writes.list', (req) => {
    const i = engine.requireInstance(req.params.project!, req.params.instance!);
    return { status: 200, body: { writes: i.writes.map((w) => ({ at: iso(w.at), entry: w.entry })) } };
  });
}

function sqlserverDetails(raw: unknown): Pick<DatabaseRecord, 'sqlserverDatabaseDetails'> {
  if (raw === undefined || raw === null) return {};
  const d = raw as { compatibilityLevel?: unknown; recoveryModel?: unknown };
  if (typeof raw !== 'object' || (d.compatibilityLevel !== undefined && !Number.isInteger(d.compatibilityLevel)) || (d.recoveryModel !== undefined && typeof d.recoveryModel !== 'string')) {
    throw invalid(`Invalid value at 'sqlserverDatabaseDetails': expected {compatibilityLevel: integer, recoveryModel: string}.`);
  }
  return { sqlserverDatabaseDetails: { ...(d.compatibilityLevel !== undefined ? { compatibilityLevel: d.compatibilityLevel as number } : {}), ...(d.recoveryModel !== undefined ? { recoveryModel: d.recoveryModel as string } : {}) } };
}
