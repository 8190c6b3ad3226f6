/**
 * The Cloud SQL Admin fields and parameters gcp-sim models, per method id (see accepts.ts).
 * `settings` is taken whole: the settings the sim does not act on are stored and echoed
 * (extraSettings), so nothing is dropped. Output-only fields a caller echoes from a GET set nothing.
 * Passwords (rootPassword, users' password) are write-only in the API and never read back, so
 * storing none of them drops nothing a caller can observe.
 */
import type { Accepts } from '../../accepts.ts';

const INSTANCE_OUTPUT = {
  kind: true, state: true, etag: true, project: true, gceZone: true, connectionName: true, backendType: true, instanceType: true,
  selfLink: true, createTime: true, ipAddresses: true, serverCaCert: true, serviceAccountEmailAddress: true, databaseInstalledVersion: true,
} as const;
const INSTANCE = { ...INSTANCE_OUTPUT, name: true, region: true, databaseVersion: true, settings: true, rootPassword: true } as const;
const PAGE = ['maxResults', 'pageToken'];

export const SQL_ACCEPTS: Record<string, Accepts> = {
  'sqladmin.instances.list': { query: PAGE },
  'sqladmin.instances.get': {},
  'sqladmin.instances.insert': { body: INSTANCE },
  'sqladmin.instances.patch': { body: INSTANCE },
  'sqladmin.instances.update': { body: INSTANCE },
  'sqladmin.instances.delete': {},
  'sqladmin.instances.clone': { body: { cloneContext: { kind: true, destinationInstanceName: true, pointInTime: true, pitrTimestampMs: true } } },
  'sqladmin.instances.export': { body: { exportContext: { kind: true, uri: true, databases: true, fileType: true } } },
  'sqladmin.instances.restoreBackup': { body: { restoreBackupContext: { kind: true, backupRunId: true, instanceId: true, project: true } } },
  'sqladmin.projects.instances.getLatestRecoveryTime': {},
  'sqladmin.backupRuns.list': { query: PAGE },
  'sqladmin.backupRuns.get': {},
  'sqladmin.backupRuns.insert': { body: { kind: true, type: true, description: true, instance: true, project: true } },
  'sqladmin.backupRuns.delete': {},
  'sqladmin.databases.list': {},
  'sqladmin.databases.get': {},
  'sqladmin.databases.insert': {
    body: { kind: true, name: true, charset: true, collation: true, instance: true, project: true, sqlserverDatabaseDetails: { compatibilityLevel: true, recoveryModel: true } },
  },
  'sqladmin.databases.delete': {},
  'sqladmin.users.list': {},
  'sqladmin.users.get': { query: ['host'] },
  'sqladmin.users.insert': { body: { kind: true, name: true, host: true, type: true, password: true, instance: true, project: true } },
  'sqladmin.users.delete': { query: ['host', 'name'] },
  'sqladmin.operations.get': {},
  'sqladmin.operations.list': { query: ['instance', ...PAGE] },
  'sqladmin.sim.writes': { body: true },
  'sqladmin.sim.writes.list': {},
};
