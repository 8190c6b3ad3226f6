/**
 * instances.* of Cloud SQL Admin v1
 * (https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances): get, list, insert,
 * patch, update, delete, clone, export, restoreBackup and getLatestRecoveryTime.
 */
import type { SimRequest } from '../../router.ts';
import { invalid } from '../../errors.ts';
import type { SqlAdminEngine } from './engine.ts';
import { checkPointInTime, recoveryWindow } from './recovery.ts';
import { iso, renderInstance, renderOperation } from './render.ts';
import { body, instanceName, links, optionalString, reply, requiredString, timestamp } from './request.ts';
import { instanceAlreadyExists, notFound } from './sql-errors.ts';
import type { InstancePatch, InstanceRecord } from './state.ts';
import type { AddRoute } from './routes.ts';
import { paginate } from './pagination.ts';

export function registerInstanceRoutes(add: AddRoute, engine: SqlAdminEngine, origin: () => string): void {
  const op = (req: SimRequest, o: ReturnType<SqlAdminEngine['startOperation']>) =>
    reply(req, renderOperation(o, engine.now(), links(req, origin())), 'Operation');

  add('GET', '/projects/{project}/instances', 'sqladmin.instances.list', (req) => {
    if (req.query.get('filter')) throw invalid(`gcp-sim does not implement instances.list filter ("${req.query.get('filter')}"); list without a filter.`);
    const items = engine.state.instances.filter((i) => i.project === req.params.project).sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextPageToken } = paginate(items, req.query);
    const out: Record<string, unknown> = { kind: 'sql#instancesList', items: page.map((i) => renderInstance(i, links(req, origin()))) };
    if (nextPageToken) out.nextPageToken = nextPageToken;
    return reply(req, out, 'InstancesListResponse');
  });

  add('GET', '/projects/{project}/instances/{instance}', 'sqladmin.instances.get', (req) =>
    reply(req, renderInstance(engine.requireInstance(req.params.project!, req.params.instance!), links(req, origin())), 'DatabaseInstance'));

  add('POST', '/projects/{project}/instances', 'sqladmin.instances.insert', (req) => {
    const b = body(req, 'DatabaseInstance');
    const project = req.params.project!;
    const name = instanceName(b.name, 'name');
    if (engine.findInstance(project, name)) throw instanceAlreadyExists();
    const settings = (b.settings ?? {}) as Record<string, any>;
    const tier = requiredString(settings.tier, 'settings.tier');
    const backup = (settings.backupConfiguration ?? {}) as Record<string, any>;
    const record: InstanceRecord = {
      project,
      name,
      region: optionalString(b.region, 'region') ?? 'us-central1',
      databaseVersion: optionalString(b.databaseVersion, 'databaseVersion') ?? 'MYSQL_8_0',
      tier,
      state: 'PENDING_CREATE',
      createTime: engine.now(),
      settingsVersion: 1,
      userLabels: labels(settings.userLabels, 'settings.userLabels'),
      backupEnabled: bool(backup.enabled, 'settings.backupConfiguration.enabled') ?? false,
      backupStartTime: backupStartTime(backup.startTime),
      ...(backupLocation(backup.location) ? { backupLocation: backupLocation(backup.location) } : {}),
      binaryLogEnabled: bool(backup.binaryLogEnabled, 'settings.backupConfiguration.binaryLogEnabled') ?? false,
      pointInTimeRecoveryEnabled: bool(backup.pointInTimeRecoveryEnabled, 'settings.backupConfiguration.pointInTimeRecoveryEnabled') ?? false,
      transactionLogRetentionDays: retentionDays(backup.transactionLogRetentionDays) ?? 7,
      logStart: engine.now(),
      extraSettings: extraSettings(settings),
      writes: [],
    };
    engine.state.instances.push(record);
    return op(req, engine.startOperation({ project, operationType: 'CREATE', targetId: name, locks: [name], effect: { kind: 'createInstance', instance: name } }));
  });

  const update = (replace: boolean) => (req: SimRequest) => {
    const project = req.params.project!;
    const name = req.params.instance!;
    engine.requireInstance(project, name);
    const b = body(req, 'DatabaseInstance');
    if (b.name !== undefined && b.name !== name) throw invalid(`Invalid value at 'name' ("${b.name}"): it must match the instance in the URL (${name}).`);
    const patch = instancePatch((b.settings ?? {}) as Record<string, any>, replace);
    engine.assertIdle(project, name);
    return op(req, engine.startOperation({ project, operationType: 'UPDATE', targetId: name, locks: [name], effect: { kind: 'patchInstance', instance: name, patch } }));
  };
  add('PATCH', '/projects/{project}/instances/{instance}', 'sqladmin.instances.patch', update(false));
  add('PUT', '/projects/{project}/instances/{instance}', 'sqladmin.instances.update', update(true));

  add('DELETE', '/projects/{project}/instances/{instance}', 'sqladmin.instances.delete', (req) => {
    const project = req.params.project!;
    const name = req.params.instance!;
    const i = engine.requireInstance(project, name);
    engine.assertIdle(project, name);
    i.state = 'PENDING_DELETE';
    return op(req, engine.startOperation({ project, operationType: 'DELETE', targetId: name, locks: [name], effect: { kind: 'deleteInstance', instance: name } }));
  });

  add('POST', '/projects/{project}/instances/{instance}/clone', 'sqladmin.instances.clone', (req) => {
    const project = req.params.project!;
    const source = engine.requireInstance(project, req.params.instance!);
    const ctx = (body(req, 'InstancesCloneRequest').cloneContext ?? undefined) as Record<string, any> | undefined;
    if (!ctx) throw invalid(`Missing required field 'cloneContext'.`);
    const destination = instanceName(ctx.destinationInstanceName, 'cloneContext.destinationInstanceName');
    if (ctx.binLogCoordinates) throw invalid(`gcp-sim does not implement cloneContext.binLogCoordinates; use cloneContext.pointInTime.`);
    const now = engine.now();
    let pointInTime: number | undefined;
    if (ctx.pointInTime !== undefined && ctx.pointInTime !== null) pointInTime = timestamp(ctx.pointInTime, 'cloneContext.pointInTime');
    else if (ctx.pitrTimestampMs !== undefined && ctx.pitrTimestampMs !== null && String(ctx.pitrTimestampMs) !== '0') pointInTime = Number(ctx.pitrTimestampMs);
    engine.assertIdle(project, source.name);
    if (engine.findInstance(project, destination)) throw instanceAlreadyExists();
    if (pointInTime !== undefined) checkPointInTime(source, engine.state.backupRuns, now, pointInTime);
    const cut = pointInTime ?? now;
    // Strictly before T: a write stamped exactly at T is not part of the recovered data
    // (mysqlbinlog --stop-datetime semantics).
    const writes = source.writes.filter((w) => (pointInTime === undefined ? w.at <= cut : w.at < cut)).map((w) => ({ ...w }));
    engine.state.instances.push({
      ...structuredClone({ ...source, writes: [] as typeof source.writes }),
      name: destination,
      state: 'PENDING_CREATE',
      createTime: now,
      settingsVersion: 1,
      logStart: now,
      writes,
      automatedBackupsUntil: undefined,
      clonedFrom: { instance: source.name, pointInTime: cut },
    });
    for (const d of engine.state.databases.filter((x) => x.project === project && x.instance === source.name)) {
      engine.state.databases.push({ ...d, instance: destination });
    }
    for (const u of engine.state.users.filter((x) => x.project === project && x.instance === source.name)) {
      engine.state.users.push({ ...u, instance: destination });
    }
    return op(req, engine.startOperation({ project, operationType: 'CLONE', targetId: source.name, locks: [source.name, destination], effect: { kind: 'createInstance', instance: destination } }));
  });

  add('POST', '/projects/{project}/instances/{instance}/export', 'sqladmin.instances.export', (req) => {
    const project = req.params.project!;
    const name = req.params.instance!;
    const instance = engine.requireInstance(project, name);
    const ctx = body(req, 'InstancesExportRequest').exportContext as Record<string, any> | undefined;
    if (!ctx) throw invalid(`Missing required field 'exportContext'.`);
    const uri = requiredString(ctx.uri, 'exportContext.uri');
    const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!match) throw invalid(`Invalid value at 'exportContext.uri' ("${uri}"): expected gs://bucketName/fileName.`);
    const fileType = ctx.fileType ?? 'SQL';
    if (fileType !== 'SQL') throw invalid(`gcp-sim only implements exportContext.fileType SQL, got ${fileType}.`);
    const databases = Array.isArray(ctx.databases) ? ctx.databases.map((d: unknown, i: number) => requiredString(d, `exportContext.databases[${i}]`)) : [];
    for (const d of databases) {
      if (!engine.state.databases.some((x) => x.project === project && x.instance === name && x.name === d)) throw notFound(`Database ${d} on instance ${name}`);
    }
    if (instance.state !== 'RUNNABLE') throw invalid(`instance ${name} is ${instance.state}, not RUNNABLE.`);
    engine.assertIdle(project, name);
    const exportContext = { kind: 'sql#exportContext', uri, databases, fileType: 'SQL' };
    return op(req, engine.startOperation({
      project, operationType: 'EXPORT', targetId: name, locks: [name], exportContext,
      effect: { kind: 'export', instance: name, bucket: match[1]!, object: match[2]!, databases, fileType: 'SQL' },
    }));
  });

  add('POST', '/projects/{project}/instances/{instance}/restoreBackup', 'sqladmin.instances.restoreBackup', (req) => {
    const project = req.params.project!;
    const target = req.params.instance!;
    engine.requireInstance(project, target);
    const ctx = body(req, 'InstancesRestoreBackupRequest').restoreBackupContext as Record<string, any> | undefined;
    if (!ctx) throw invalid(`Missing required field 'restoreBackupContext' (gcp-sim does not implement 'backup' or 'backupdrBackup').`);
    const id = requiredString(ctx.backupRunId === undefined ? undefined : String(ctx.backupRunId), 'restoreBackupContext.backupRunId');
    const sourceName = optionalString(ctx.instanceId, 'restoreBackupContext.instanceId') ?? target;
    const sourceProject = optionalString(ctx.project, 'restoreBackupContext.project') ?? project;
    const run = engine.state.backupRuns.find((b) => b.project === sourceProject && b.instance === sourceName && b.id === id);
    if (!run || run.status !== 'SUCCESSFUL') throw notFound(`Successful backup run ${id} of instance ${sourceName}`);
    engine.assertIdle(project, target);
    return op(req, engine.startOperation({
      project, operationType: 'RESTORE_VOLUME', targetId: target, locks: [target],
      // Restoring replaces all data, databases included, with the backup's (the source's databases stand in for them).
      effect: {
        kind: 'restoreBackup', instance: target, writes: run.writes.map((w) => ({ ...w })),
        databases: engine.state.databases.filter((d) => d.project === sourceProject && d.instance === sourceName).map((d) => ({ ...d, project, instance: target })),
      },
    }));
  });

  add('GET', '/projects/{project}/instances/{instance}/getLatestRecoveryTime', 'sqladmin.projects.instances.getLatestRecoveryTime', (req) => {
    const instance = engine.requireInstance(req.params.project!, req.params.instance!);
    const w = recoveryWindow(instance, engine.state.backupRuns, engine.now());
    return reply(req, { kind: 'sql#getLatestRecoveryTime', latestRecoveryTime: iso(w.latest), earliestRecoveryTime: iso(w.earliest) }, 'SqlInstancesGetLatestRecoveryTimeResponse');
  });
}

function labels(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`Invalid value at '${where}': expected a map of strings.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalid(`Invalid value at '${where}.${k}': expected a string.`);
    out[k] = v;
  }
  return out;
}

function bool(value: unknown, where: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`Invalid value at '${where}' (${JSON.stringify(value)}): expected true or false.`);
  return value;
}

function retentionDays(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 35) {
    throw invalid(`Invalid value at 'settings.backupConfiguration.transactionLogRetentionDays' (${JSON.stringify(value)}): expected 1 to 35 days.`);
  }
  return n;
}

/** A region (us-east1) or multi-region (us, eu, asia) name, as Cloud SQL accepts for backup location. */
function backupLocation(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^([a-z]+-[a-z]+\d|us|eu|asia)$/.test(value)) {
    throw invalid(`Invalid value at 'settings.backupConfiguration.location' (${JSON.stringify(value)}): expected a region such as us-east1 or a multi-region (us, eu, asia).`);
  }
  return value;
}

function backupStartTime(value: unknown): string {
  if (value === undefined || value === null || value === '') return '03:00';
  if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
    throw invalid(`Invalid value at 'settings.backupConfiguration.startTime' (${JSON.stringify(value)}): expected HH:MM (UTC).`);
  }
  return value;
}

const MODELLED_SETTINGS = new Set(['tier', 'userLabels', 'backupConfiguration', 'kind', 'settingsVersion']);

function extraSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([k]) => !MODELLED_SETTINGS.has(k)));
}

function instancePatch(settings: Record<string, any>, replace: boolean): InstancePatch {
  const patch: InstancePatch = { replaceLabels: replace };
  if (settings.userLabels !== undefined) {
    const raw = settings.userLabels as Record<string, unknown> | null;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`Invalid value at 'settings.userLabels': expected a map of strings.`);
    const userLabels: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (v !== null && typeof v !== 'string') throw invalid(`Invalid value at 'settings.userLabels.${k}': expected a string or null.`);
      userLabels[k] = v as string | null;
    }
    patch.userLabels = userLabels;
  } else if (replace) {
    patch.userLabels = {};
  }
  if (settings.tier !== undefined) patch.tier = requiredString(settings.tier, 'settings.tier');
  const backup = settings.backupConfiguration as Record<string, any> | undefined;
  if (backup) {
    const location = backupLocation(backup.location);
    if (location !== undefined) patch.backupLocation = location;
    const enabled = bool(backup.enabled, 'settings.backupConfiguration.enabled');
    if (enabled !== undefined) patch.backupEnabled = enabled;
    const binlog = bool(backup.binaryLogEnabled, 'settings.backupConfiguration.binaryLogEnabled');
    if (binlog !== undefined) patch.binaryLogEnabled = binlog;
    const pitr = bool(backup.pointInTimeRecoveryEnabled, 'settings.backupConfiguration.pointInTimeRecoveryEnabled');
    if (pitr !== undefined) patch.pointInTimeRecoveryEnabled = pitr;
    const days = retentionDays(backup.transactionLogRetentionDays);
    if (days !== undefined) patch.transactionLogRetentionDays = days;
  }
  const extra = extraSettings(settings);
  if (Object.keys(extra).length) patch.extraSettings = extra;
  return patch;
}
