/**
 * Cloud SQL Admin, in the terms the domain needs. Adapters map these to the
 * sqladmin v1 REST resources; names below follow that API's field names where one exists.
 */
export type SqlInstanceState =
  | 'SQL_INSTANCE_STATE_UNSPECIFIED' | 'RUNNABLE' | 'SUSPENDED' | 'PENDING_DELETE'
  | 'PENDING_CREATE' | 'MAINTENANCE' | 'FAILED' | 'ONLINE_MAINTENANCE';

export interface SqlInstance {
  name: string;
  project: string;
  region: string;
  databaseVersion: string;
  state: SqlInstanceState;
  /** `project:region:instance`, what the Cloud SQL connectors and the apps' secret use. */
  connectionName: string;
  tier: string;
  backupEnabled: boolean;
  binaryLogEnabled: boolean;
  pointInTimeRecoveryEnabled: boolean;
  transactionLogRetentionDays: number;
  /** HH:MM UTC at which the automated backup window starts (`backupConfiguration.startTime`). */
  backupStartTime?: string;
  /** Where backups are stored (`backupConfiguration.location`); absent means the multi-region nearest the instance. */
  backupLocation?: string;
  userLabels: Record<string, string>;
  createTime?: Date;
}

export interface SqlBackupRun {
  id: string;
  instance: string;
  status: 'SQL_BACKUP_RUN_STATUS_UNSPECIFIED' | 'ENQUEUED' | 'OVERDUE' | 'RUNNING' | 'FAILED' | 'SUCCESSFUL' | 'SKIPPED'
    | 'DELETION_PENDING' | 'DELETION_FAILED' | 'DELETED';
  type: 'AUTOMATED' | 'ON_DEMAND' | 'SQL_BACKUP_RUN_TYPE_UNSPECIFIED';
  description?: string;
  enqueuedTime?: Date;
  startTime?: Date;
  endTime?: Date;
  windowStartTime?: Date;
  /** Where the backup is stored (a region or multi-region). */
  location?: string;
  error?: string;
}

export interface SqlDatabase {
  name: string;
  instance: string;
  charset: string;
  collation?: string;
}

export interface SqlUser {
  name: string;
  host?: string;
  instance: string;
}

export interface CloneRequest {
  destinationInstanceName: string;
  /** Point in time to recover to; absent means "now". */
  pointInTime?: Date;
}

export interface ExportRequest {
  /** `gs://bucket/path` of the dump. */
  uri: string;
  databases: string[];
}

export interface SqlAdmin {
  getInstance(instance: string): Promise<SqlInstance | null>;
  listInstances(): Promise<SqlInstance[]>;
  /** Merges labels into settings.userLabels (a null value removes the key). Waits for the operation. */
  patchInstanceLabels(instance: string, labels: Record<string, string | null>): Promise<void>;
  /** Clones (optionally to a point in time) and waits until the new instance's operation is DONE. */
  cloneInstance(source: string, request: CloneRequest): Promise<SqlInstance>;
  deleteInstance(instance: string): Promise<void>;
  getLatestRecoveryTime(instance: string): Promise<Date>;
  exportSql(instance: string, request: ExportRequest): Promise<void>;
  restoreBackup(targetInstance: string, backupRunId: string, sourceInstance?: string): Promise<void>;

  insertBackupRun(instance: string, description?: string): Promise<SqlBackupRun>;
  /** Every backup run, following nextPageToken to the end. */
  listBackupRuns(instance: string): Promise<SqlBackupRun[]>;
  getBackupRun(instance: string, id: string): Promise<SqlBackupRun | null>;
  deleteBackupRun(instance: string, id: string): Promise<void>;

  listDatabases(instance: string): Promise<SqlDatabase[]>;
  insertDatabase(instance: string, database: { name: string; charset: string; collation?: string }): Promise<void>;
  deleteDatabase(instance: string, name: string): Promise<void>;

  listUsers(instance: string): Promise<SqlUser[]>;
  insertUser(instance: string, user: { name: string; password: string; host?: string }): Promise<void>;
  deleteUser(instance: string, name: string, host?: string): Promise<void>;
}
