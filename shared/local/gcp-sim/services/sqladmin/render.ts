/**
 * JSON resources exactly as the Cloud SQL Admin v1 REST reference spells them
 * (https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances#DatabaseInstance,
 * .../rest/v1/operations#Operation, .../rest/v1/backupRuns#BackupRun, .../rest/v1/databases,
 * .../rest/v1/users). Times are RFC 3339 UTC; int64 fields are JSON strings.
 */
import type { BackupRunRecord, DatabaseRecord, InstanceRecord, OperationRecord, UserRecord } from './state.ts';

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Where selfLinks point: the simulator itself, under the API version the caller used. */
export interface LinkBase { origin: string; prefix: '/v1' | '/sql/v1beta4' }

export function linkBase(origin: string, path: string): LinkBase {
  return { origin, prefix: path.startsWith('/sql/v1beta4/') ? '/sql/v1beta4' : '/v1' };
}

const instanceLink = (b: LinkBase, project: string, instance: string) =>
  `${b.origin}${b.prefix}/projects/${project}/instances/${instance}`;

export function renderInstance(i: InstanceRecord, b: LinkBase): Record<string, unknown> {
  return {
    kind: 'sql#instance',
    state: i.state,
    databaseVersion: i.databaseVersion,
    settings: {
      // Defaults a caller may have set otherwise (activationPolicy NEVER stops the instance).
      availabilityType: 'ZONAL',
      pricingPlan: 'PER_USE',
      activationPolicy: 'ALWAYS',
      dataDiskType: 'PD_SSD',
      dataDiskSizeGb: '10',
      ...i.extraSettings,
      kind: 'sql#settings',
      settingsVersion: String(i.settingsVersion),
      tier: i.tier,
      userLabels: { ...i.userLabels },
      backupConfiguration: {
        kind: 'sql#backupConfiguration',
        enabled: i.backupEnabled,
        startTime: i.backupStartTime,
        ...(i.backupLocation ? { location: i.backupLocation } : {}),
        binaryLogEnabled: i.binaryLogEnabled,
        pointInTimeRecoveryEnabled: i.pointInTimeRecoveryEnabled,
        transactionLogRetentionDays: i.transactionLogRetentionDays,
        backupRetentionSettings: { retentionUnit: 'COUNT', retainedBackups: 7 },
      },
    },
    etag: `${i.settingsVersion}-${i.name}`,
    project: i.project,
    name: i.name,
    region: i.region,
    gceZone: `${i.region}-a`,
    connectionName: `${i.project}:${i.region}:${i.name}`,
    backendType: 'SECOND_GEN',
    instanceType: 'CLOUD_SQL_INSTANCE',
    selfLink: instanceLink(b, i.project, i.name),
    createTime: iso(i.createTime),
  };
}

export type OperationStatus = 'PENDING' | 'RUNNING' | 'DONE';

export function operationStatus(op: OperationRecord, now: number): OperationStatus {
  if (now >= op.endTime) return 'DONE';
  if (now >= op.startTime) return 'RUNNING';
  return 'PENDING';
}

export function renderOperation(op: OperationRecord, now: number, b: LinkBase): Record<string, unknown> {
  const status = operationStatus(op, now);
  const out: Record<string, unknown> = {
    kind: 'sql#operation',
    targetLink: instanceLink(b, op.project, op.targetId),
    status,
    user: 'gcp-sim@local.invalid',
    insertTime: iso(op.insertTime),
    operationType: op.operationType,
    name: op.name,
    targetId: op.targetId,
    selfLink: `${b.origin}${b.prefix}/projects/${op.project}/operations/${op.name}`,
    targetProject: op.project,
  };
  if (status !== 'PENDING') out.startTime = iso(op.startTime);
  if (status === 'DONE') out.endTime = iso(op.endTime);
  if (status === 'DONE' && op.error) {
    out.error = { kind: 'sql#operationErrors', errors: [{ kind: 'sql#operationError', code: op.error.code, message: op.error.message }] };
  }
  if (op.exportContext) out.exportContext = op.exportContext;
  if (op.backupContext) out.backupContext = op.backupContext;
  return out;
}

export function renderBackupRun(r: BackupRunRecord, b: LinkBase, live?: { status: string }): Record<string, unknown> {
  const status = live?.status ?? r.status;
  const out: Record<string, unknown> = {
    kind: 'sql#backupRun',
    status,
    enqueuedTime: iso(r.enqueuedTime),
    id: r.id,
    type: r.type,
    windowStartTime: iso(r.windowStartTime),
    instance: r.instance,
    selfLink: `${instanceLink(b, r.project, r.instance)}/backupRuns/${r.id}`,
    location: r.location ?? 'us',
    backupKind: 'SNAPSHOT',
  };
  if (status !== 'ENQUEUED') out.startTime = iso(r.startTime);
  if (status === 'SUCCESSFUL' || status === 'FAILED') out.endTime = iso(r.endTime);
  if (r.description !== undefined) out.description = r.description;
  return out;
}

export function renderDatabase(d: DatabaseRecord, b: LinkBase): Record<string, unknown> {
  return {
    kind: 'sql#database',
    charset: d.charset,
    collation: d.collation,
    etag: `${d.instance}-${d.name}`,
    name: d.name,
    instance: d.instance,
    selfLink: `${instanceLink(b, d.project, d.instance)}/databases/${d.name}`,
    project: d.project,
    ...(d.sqlserverDatabaseDetails ? { sqlserverDatabaseDetails: d.sqlserverDatabaseDetails } : {}),
  };
}

/** Never includes a password: the simulator does not keep one. */
export function renderUser(u: UserRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: 'sql#user', etag: `${u.instance}-${u.name}-${u.host}`, name: u.name, host: u.host, instance: u.instance, project: u.project };
  if (u.type) out.type = u.type;
  return out;
}
