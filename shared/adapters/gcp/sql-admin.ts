/**
 * SqlAdmin on the real `@google-cloud/sql` v1 clients. The same code runs against Google and,
 * in local mode, against gcp-sim (the endpoint config decides; nothing here branches on mode).
 * Mutations return a Cloud SQL Operation which is polled with a bounded, jittered backoff until
 * DONE; a DONE operation carrying `error` is a PermanentError. Client failures are classified by
 * `callApi` (409 operationInProgress, 429, 5xx and timeouts are transient).
 */
import type { protos } from '@google-cloud/sql';
import type { CallOptions, ClientOptions } from 'google-gax';
import type { Clock } from '../../ports/clock.ts';
import type { ActivationPolicy, SqlActivation } from '../../ports/scale.ts';
import type {
  CloneRequest, ExportRequest, SqlAdmin, SqlBackupRun, SqlDatabase, SqlInstance, SqlInstanceState, SqlUser,
} from '../../ports/sql-admin.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { exportOf, gaxClient, gaxClientOptions, lazy, type GcpEndpointConfig } from './common/endpoint.ts';
import { callApi, isNotFound } from './common/errors.ts';
import { readOperation, waitUntil, type WaitPolicy } from './common/wait.ts';

type V1 = typeof protos.google.cloud.sql.v1;

/** The API's enums, set when the package loads; responses are only read after a client made a call. */
let enums: V1 | undefined;

function sqlEnums(): V1 {
  if (!enums) throw new Error('@google-cloud/sql read before it was loaded');
  return enums;
}
type IOperation = protos.google.cloud.sql.v1.IOperation;
type IDatabaseInstance = protos.google.cloud.sql.v1.IDatabaseInstance;
type IBackupRun = protos.google.cloud.sql.v1.IBackupRun;
type ITimestamp = protos.google.protobuf.ITimestamp;

export interface GcpSqlAdminOptions {
  /**
   * Deadline for each API call, in real milliseconds (default 60 000, the client's configured
   * timeout). google-gax's REST transport does not enforce call timeouts itself, so the adapter
   * races the call against this deadline and cancels it.
   */
  callTimeoutMs?: number;
  /** Page size used when following nextPageToken. */
  pageSize?: number;
}

const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** Hard cap on pages followed, so a server that never stops paging cannot loop us forever. */
const MAX_PAGES = 1_000;

export class GcpSqlAdmin implements SqlAdmin, SqlActivation {
  // The package is imported on first use (once for the five clients), and each client is initialised
  // before its first call (common/endpoint.ts gaxClient).
  private readonly v1 = lazy(async () => {
    const mod = await import('@google-cloud/sql');
    enums = exportOf(mod, 'protos').google.cloud.sql.v1;
    return exportOf(mod, 'v1');
  });
  private readonly instancesClient = gaxClient('sqladmin', async () => new (await this.v1()).SqlInstancesServiceClient(this.clientOptions()));
  private readonly operationsClient = gaxClient('sqladmin', async () => new (await this.v1()).SqlOperationsServiceClient(this.clientOptions()));
  private readonly backupRunsClient = gaxClient('sqladmin', async () => new (await this.v1()).SqlBackupRunsServiceClient(this.clientOptions()));
  private readonly databasesClient = gaxClient('sqladmin', async () => new (await this.v1()).SqlDatabasesServiceClient(this.clientOptions()));
  private readonly usersClient = gaxClient('sqladmin', async () => new (await this.v1()).SqlUsersServiceClient(this.clientOptions()));

  constructor(
    private readonly config: GcpEndpointConfig,
    private readonly clock: Clock,
    private readonly waitPolicy: Partial<WaitPolicy> = {},
    private readonly options: GcpSqlAdminOptions = {},
  ) {}

  private clientOptions(): ClientOptions {
    return gaxClientOptions(this.config) as ClientOptions;
  }

  private get project(): string { return this.config.projectId; }

  private get callOptions(): CallOptions {
    return { timeout: this.callTimeoutMs };
  }

  private get callTimeoutMs(): number {
    return this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  /** One API call: bounded by the deadline, failures classified permanent or transient. */
  private call<T>(where: string, fn: () => Promise<T>): Promise<T> {
    return callApi(where, () => withDeadline(fn, this.callTimeoutMs, where));
  }

  async getInstance(instance: string): Promise<SqlInstance | null> {
    try {
      const [found] = await this.call(`sqladmin.instances.get ${instance}`, async () =>
        (await this.instancesClient()).get({ project: this.project, instance }, this.callOptions));
      return toInstance(found);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async listInstances(): Promise<SqlInstance[]> {
    const out: SqlInstance[] = [];
    await this.eachPage('sqladmin.instances.list', async (pageToken) => {
      const [page] = await (await this.instancesClient()).list({ project: this.project, maxResults: this.options.pageSize, pageToken }, this.callOptions);
      out.push(...(page.items ?? []).map(toInstance));
      return page.nextPageToken;
    });
    return out;
  }

  async patchInstanceLabels(instance: string, labels: Record<string, string | null>): Promise<void> {
    const where = `sqladmin.instances.patch ${instance}`;
    const removals = Object.entries(labels).filter(([, v]) => v === null).map(([k]) => k);
    if (removals.length === 0) {
      const userLabels = Object.fromEntries(Object.entries(labels)) as Record<string, string>;
      const [op] = await this.call(where, async () => (await this.instancesClient()).patch(
        { project: this.project, instance, body: { settings: { userLabels } } }, this.callOptions));
      await this.waitForOperation(where, op);
      return;
    }
    // PATCH merges userLabels, so a key can only be dropped by instances.update (PUT), which
    // replaces the settings and requires the current settingsVersion (optimistic concurrency).
    const updateWhere = `sqladmin.instances.update ${instance}`;
    const [current] = await this.call(`sqladmin.instances.get ${instance}`, async () =>
      (await this.instancesClient()).get({ project: this.project, instance }, this.callOptions));
    const merged: Record<string, string> = { ...(current.settings?.userLabels ?? {}) };
    for (const [k, v] of Object.entries(labels)) {
      if (v === null) delete merged[k]; else merged[k] = v;
    }
    const settings = { ...current.settings, userLabels: merged };
    const [op] = await this.call(updateWhere, async () => (await this.instancesClient()).update(
      { project: this.project, instance, body: { settings } }, this.callOptions));
    await this.waitForOperation(updateWhere, op);
  }

  /** NEVER stops the instance (storage is still billed); ALWAYS starts it again. */
  async setActivationPolicy(instance: string, policy: ActivationPolicy): Promise<ActivationPolicy> {
    const where = `sqladmin.instances.patch ${instance} activationPolicy=${policy}`;
    const [current] = await this.call(`sqladmin.instances.get ${instance}`, async () =>
      (await this.instancesClient()).get({ project: this.project, instance }, this.callOptions));
    const raw = current.settings?.activationPolicy;
    // An instance that never had the field set runs: ALWAYS is the API's default for it.
    const previous = (typeof raw === 'string' && raw !== 'SQL_ACTIVATION_POLICY_UNSPECIFIED' ? raw : 'ALWAYS') as ActivationPolicy;
    if (previous === policy) return previous;
    const [op] = await this.call(where, async () => (await this.instancesClient()).patch(
      { project: this.project, instance, body: { settings: { activationPolicy: policy } } }, this.callOptions));
    await this.waitForOperation(where, op);
    return previous;
  }

  async cloneInstance(source: string, request: CloneRequest): Promise<SqlInstance> {
    const where = `sqladmin.instances.clone ${source} -> ${request.destinationInstanceName}`;
    const cloneContext: protos.google.cloud.sql.v1.ICloneContext = { destinationInstanceName: request.destinationInstanceName };
    if (request.pointInTime) cloneContext.pointInTime = toTimestamp(request.pointInTime);
    const [op] = await this.call(where, async () => (await this.instancesClient()).clone({ project: this.project, instance: source, body: { cloneContext } }, this.callOptions));
    await this.waitForOperation(where, op);
    const clone = await this.getInstance(request.destinationInstanceName);
    if (!clone) throw new PermanentError(`${where}: operation finished but instance ${request.destinationInstanceName} does not exist`, { where });
    return clone;
  }

  async deleteInstance(instance: string): Promise<void> {
    const where = `sqladmin.instances.delete ${instance}`;
    const [op] = await this.call(where, async () => (await this.instancesClient()).delete({ project: this.project, instance }, this.callOptions));
    await this.waitForOperation(where, op);
  }

  async getLatestRecoveryTime(instance: string): Promise<Date> {
    const where = `sqladmin.instances.getLatestRecoveryTime ${instance}`;
    const [res] = await this.call(where, async () => (await this.instancesClient()).getLatestRecoveryTime({ project: this.project, instance }, this.callOptions));
    const at = fromTimestamp(res.latestRecoveryTime);
    if (!at) throw new PermanentError(`${where}: response has no latestRecoveryTime`, { where });
    return at;
  }

  async exportSql(instance: string, request: ExportRequest): Promise<void> {
    const where = `sqladmin.instances.export ${instance} -> ${request.uri}`;
    const exportContext: protos.google.cloud.sql.v1.IExportContext = { fileType: 'SQL', uri: request.uri, databases: request.databases };
    const [op] = await this.call(where, async () => (await this.instancesClient()).export({ project: this.project, instance, body: { exportContext } }, this.callOptions));
    await this.waitForOperation(where, op);
  }

  async restoreBackup(targetInstance: string, backupRunId: string, sourceInstance?: string): Promise<void> {
    const where = `sqladmin.instances.restoreBackup ${targetInstance} <- ${sourceInstance ?? targetInstance}#${backupRunId}`;
    if (!/^\d+$/.test(backupRunId)) throw new PermanentError(`${where}: backup run id must be an integer, got "${backupRunId}"`, { where });
    const restoreBackupContext: protos.google.cloud.sql.v1.IRestoreBackupContext = {
      backupRunId, instanceId: sourceInstance ?? targetInstance, project: this.project,
    };
    const [op] = await this.call(where, async () => (await this.instancesClient()).restoreBackup(
      { project: this.project, instance: targetInstance, body: { restoreBackupContext } }, this.callOptions));
    await this.waitForOperation(where, op);
  }

  async insertBackupRun(instance: string, description?: string): Promise<SqlBackupRun> {
    const where = `sqladmin.backupRuns.insert ${instance}`;
    const body: IBackupRun = description === undefined ? {} : { description };
    const [op] = await this.call(where, async () => (await this.backupRunsClient()).insert({ project: this.project, instance, body }, this.callOptions));
    const done = await this.waitForOperation(where, op);
    const id = done.backupContext?.backupId;
    if (id === undefined || id === null) throw new PermanentError(`${where}: operation ${done.name} has no backupContext.backupId`, { where });
    const run = await this.getBackupRun(instance, String(id));
    if (!run) throw new PermanentError(`${where}: backup run ${String(id)} not found after its operation finished`, { where });
    return run;
  }

  async listBackupRuns(instance: string): Promise<SqlBackupRun[]> {
    const out: SqlBackupRun[] = [];
    await this.eachPage(`sqladmin.backupRuns.list ${instance}`, async (pageToken) => {
      const [page] = await (await this.backupRunsClient()).list({ project: this.project, instance, maxResults: this.options.pageSize, pageToken }, this.callOptions);
      out.push(...(page.items ?? []).map(toBackupRun));
      return page.nextPageToken;
    });
    return out;
  }

  async getBackupRun(instance: string, id: string): Promise<SqlBackupRun | null> {
    try {
      const [run] = await this.call(`sqladmin.backupRuns.get ${instance}#${id}`, async () =>
        (await this.backupRunsClient()).get({ project: this.project, instance, id }, this.callOptions));
      return toBackupRun(run);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async deleteBackupRun(instance: string, id: string): Promise<void> {
    const where = `sqladmin.backupRuns.delete ${instance}#${id}`;
    const [op] = await this.call(where, async () => (await this.backupRunsClient()).delete({ project: this.project, instance, id }, this.callOptions));
    await this.waitForOperation(where, op);
  }

  async listDatabases(instance: string): Promise<SqlDatabase[]> {
    const [res] = await this.call(`sqladmin.databases.list ${instance}`, async () =>
      (await this.databasesClient()).list({ project: this.project, instance }, this.callOptions));
    return (res.items ?? []).map((d) => ({
      name: d.name ?? '', instance: d.instance ?? instance, charset: d.charset ?? '', ...(d.collation ? { collation: d.collation } : {}),
    }));
  }

  async insertDatabase(instance: string, database: { name: string; charset: string; collation?: string }): Promise<void> {
    const where = `sqladmin.databases.insert ${instance}/${database.name}`;
    const body: protos.google.cloud.sql.v1.IDatabase = { name: database.name, charset: database.charset, instance, project: this.project };
    if (database.collation) body.collation = database.collation;
    const [op] = await this.call(where, async () => (await this.databasesClient()).insert({ project: this.project, instance, body }, this.callOptions));
    await this.waitForOperation(where, op);
  }

  async deleteDatabase(instance: string, name: string): Promise<void> {
    const where = `sqladmin.databases.delete ${instance}/${name}`;
    const [op] = await this.call(where, async () => (await this.databasesClient()).delete({ project: this.project, instance, database: name }, this.callOptions));
    await this.waitForOperation(where, op);
  }

  async listUsers(instance: string): Promise<SqlUser[]> {
    const out: SqlUser[] = [];
    await this.eachPage(`sqladmin.users.list ${instance}`, async () => {
      const [res] = await (await this.usersClient()).list({ project: this.project, instance }, this.callOptions);
      out.push(...(res.items ?? []).map((u) => ({ name: u.name ?? '', instance: u.instance ?? instance, ...(u.host ? { host: u.host } : {}) })));
      // users.list takes no pageToken in v1; nextPageToken is documented but unused.
      return undefined;
    });
    return out;
  }

  async insertUser(instance: string, user: { name: string; password: string; host?: string }): Promise<void> {
    const where = `sqladmin.users.insert ${instance}/${user.name}`;
    const body: protos.google.cloud.sql.v1.IUser = { name: user.name, password: user.password, instance, project: this.project };
    if (user.host) body.host = user.host;
    const [op] = await this.call(where, async () => (await this.usersClient()).insert({ project: this.project, instance, body }, this.callOptions));
    await this.waitForOperation(where, op);
  }

  async deleteUser(instance: string, name: string, host?: string): Promise<void> {
    const where = `sqladmin.users.delete ${instance}/${name}`;
    const request: protos.google.cloud.sql.v1.ISqlUsersDeleteRequest = { project: this.project, instance, name };
    if (host !== undefined) request.host = host;
    const [op] = await this.call(where, async () => (await this.usersClient()).delete(request, this.callOptions));
    await this.waitForOperation(where, op);
  }

  /** Polls operations.get until DONE; an operation error is permanent and named in the message. */
  private async waitForOperation(where: string, op: IOperation): Promise<IOperation> {
    const name = op.name;
    if (!name) throw new PermanentError(`${where}: the API returned an operation without a name`, { where });
    let current = op;
    return waitUntil<IOperation>(`${where} (operation ${name})`, this.clock, async () => {
      if (!isDone(current)) {
        const [polled] = await readOperation(() => this.call(`sqladmin.operations.get ${name}`, async () =>
          (await this.operationsClient()).get({ project: this.project, operation: name }, this.callOptions)));
        current = polled;
      }
      if (!isDone(current)) return { done: false };
      const errors = current.error?.errors ?? [];
      if (errors.length > 0) {
        const detail = errors.map((e) => `${e.code ?? 'UNKNOWN'}: ${e.message ?? ''}`.trim()).join('; ');
        throw new PermanentError(`${where}: operation ${name} (${String(current.operationType)}) failed: ${detail}`, { where, code: errors[0]?.code ?? undefined });
      }
      return { done: true, value: current };
    }, this.waitPolicy);
  }

  private async eachPage(where: string, fetchPage: (pageToken: string | undefined) => Promise<string | null | undefined>): Promise<void> {
    let token: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const next = await this.call(where, () => fetchPage(token));
      if (!next) return;
      token = next;
    }
    throw new PermanentError(`${where}: still paging after ${MAX_PAGES} pages`, { where });
  }
}

function isDone(op: IOperation): boolean {
  return op.status === 'DONE' || op.status === (3 as unknown as IOperation['status']);
}

function toTimestamp(d: Date): ITimestamp {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

function fromTimestamp(t: ITimestamp | null | undefined): Date | undefined {
  if (!t || t.seconds === null || t.seconds === undefined) return undefined;
  return new Date(Number(t.seconds) * 1000 + Math.round((t.nanos ?? 0) / 1_000_000));
}

/** google.protobuf wrapper values decode as {value}; plain values are passed through. */
function unwrap<T>(v: { value?: T | null } | T | null | undefined): T | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object' && 'value' in (v as object)) return ((v as { value?: T | null }).value ?? undefined) as T | undefined;
  return v as T;
}

function enumName(value: unknown, values: Record<string, number | string>): string {
  if (typeof value === 'number') return Object.entries(values).find(([, n]) => n === value)?.[0] ?? String(value);
  return String(value ?? '');
}

function toInstance(i: IDatabaseInstance): SqlInstance {
  const v1 = sqlEnums();
  const settings = i.settings ?? {};
  const backup = settings.backupConfiguration ?? {};
  const created = fromTimestamp(i.createTime);
  return {
    name: i.name ?? '',
    project: i.project ?? '',
    region: i.region ?? '',
    databaseVersion: enumName(i.databaseVersion, v1.SqlDatabaseVersion),
    state: enumName(i.state, v1.DatabaseInstance.SqlInstanceState) as SqlInstanceState,
    connectionName: i.connectionName ?? '',
    tier: settings.tier ?? '',
    backupEnabled: unwrap(backup.enabled) ?? false,
    binaryLogEnabled: unwrap(backup.binaryLogEnabled) ?? false,
    pointInTimeRecoveryEnabled: unwrap(backup.pointInTimeRecoveryEnabled) ?? false,
    transactionLogRetentionDays: unwrap(backup.transactionLogRetentionDays) ?? 0,
    ...(backup.startTime ? { backupStartTime: backup.startTime } : {}),
    ...(backup.location ? { backupLocation: backup.location } : {}),
    userLabels: { ...(settings.userLabels ?? {}) },
    ...(created ? { createTime: created } : {}),
  };
}

function toBackupRun(r: IBackupRun): SqlBackupRun {
  const v1 = sqlEnums();
  const run: SqlBackupRun = {
    id: String(r.id ?? ''),
    instance: r.instance ?? '',
    status: enumName(r.status, v1.SqlBackupRunStatus) as SqlBackupRun['status'],
    type: enumName(r.type, v1.SqlBackupRunType) as SqlBackupRun['type'],
  };
  if (r.description) run.description = r.description;
  if (r.location) run.location = r.location;
  const errorDetail = r.error ? [r.error.code, r.error.message].filter(Boolean).join(': ') : '';
  if (errorDetail) run.error = errorDetail;
  const times = { enqueuedTime: r.enqueuedTime, startTime: r.startTime, endTime: r.endTime, windowStartTime: r.windowStartTime };
  for (const [k, t] of Object.entries(times)) {
    const d = fromTimestamp(t);
    if (d) run[k as 'enqueuedTime'] = d;
  }
  return run;
}

/**
 * Races a client call against a real-time deadline (network time, not the injected clock) and
 * cancels the call when the deadline passes; the TimeoutError is classified as transient.
 */
async function withDeadline<T>(fn: () => Promise<T>, ms: number, where: string): Promise<T> {
  const pending = fn();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      (pending as Promise<T> & { cancel?: () => void }).cancel?.();
      const err = new Error(`${where}: no answer within the ${ms} ms call deadline`);
      err.name = 'TimeoutError';
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([pending, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
