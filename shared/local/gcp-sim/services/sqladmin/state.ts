/**
 * What the Cloud SQL simulator remembers. Everything here is plain JSON so the whole state can
 * be snapshotted, persisted and restored; times are epoch milliseconds of the injected clock.
 */

/** One write in an instance's log; the log stands in for the instance's data. */
export interface WriteEntry {
  at: number;
  /** Free-form payload (a row, a statement, a marker); the simulator never interprets it. */
  entry: unknown;
}

export interface InstanceRecord {
  project: string;
  name: string;
  region: string;
  databaseVersion: string;
  tier: string;
  state: 'PENDING_CREATE' | 'RUNNABLE' | 'PENDING_DELETE' | 'MAINTENANCE';
  createTime: number;
  settingsVersion: number;
  userLabels: Record<string, string>;
  backupEnabled: boolean;
  backupStartTime: string;
  /** `backupConfiguration.location`: where backups are stored; absent = the multi-region of the instance's region. */
  backupLocation?: string;
  binaryLogEnabled: boolean;
  pointInTimeRecoveryEnabled: boolean;
  transactionLogRetentionDays: number;
  /** When binary logging / WAL archiving was last switched on: PITR cannot reach before it. */
  logStart: number;
  /** Other `settings` fields a caller set (kept so gets return what was written). */
  extraSettings: Record<string, unknown>;
  writes: WriteEntry[];
  /** The automated backup schedule has been evaluated up to this time. */
  automatedBackupsUntil?: number;
  /** Set on clones: where the data came from. */
  clonedFrom?: { instance: string; pointInTime: number };
}

export type BackupRunType = 'AUTOMATED' | 'ON_DEMAND';

export interface BackupRunRecord {
  id: string;
  project: string;
  instance: string;
  type: BackupRunType;
  description?: string;
  status: 'ENQUEUED' | 'RUNNING' | 'SUCCESSFUL' | 'FAILED' | 'DELETED';
  enqueuedTime: number;
  startTime: number;
  endTime: number;
  windowStartTime: number;
  /** Where the backup is stored: the instance's backup location when the run was taken. */
  location?: string;
  /** The write log as of the backup: what restoreBackup puts back. */
  writes: WriteEntry[];
}

export interface DatabaseRecord {
  project: string;
  instance: string;
  name: string;
  charset: string;
  collation: string;
  /** SQL Server's per-database settings, stored and echoed (the sim runs no SQL Server). */
  sqlserverDatabaseDetails?: { compatibilityLevel?: number; recoveryModel?: string };
}

/** Passwords are never stored: the simulator only records that one was set. */
export interface UserRecord {
  project: string;
  instance: string;
  name: string;
  host: string;
  type?: string;
}

/** The effect an operation has once it reaches DONE (data, not closures, so it survives restore). */
export type OperationEffect =
  | { kind: 'createInstance'; instance: string }
  | { kind: 'deleteInstance'; instance: string }
  | { kind: 'patchInstance'; instance: string; patch: InstancePatch }
  | { kind: 'finishBackup'; instance: string; backupRunId: string }
  | { kind: 'deleteBackup'; instance: string; backupRunId: string }
  | { kind: 'restoreBackup'; instance: string; writes: WriteEntry[]; databases?: DatabaseRecord[] }
  | { kind: 'export'; instance: string; bucket: string; object: string; databases: string[]; fileType: string }
  | { kind: 'createDatabase'; database: DatabaseRecord }
  | { kind: 'deleteDatabase'; instance: string; name: string }
  | { kind: 'createUser'; user: UserRecord }
  | { kind: 'deleteUser'; instance: string; name: string; host: string }
  | { kind: 'none' };

export interface InstancePatch {
  userLabels?: Record<string, string | null>;
  /** PUT (instances.update) replaces the labels instead of merging them. */
  replaceLabels?: boolean;
  tier?: string;
  backupLocation?: string;
  backupEnabled?: boolean;
  binaryLogEnabled?: boolean;
  pointInTimeRecoveryEnabled?: boolean;
  transactionLogRetentionDays?: number;
  extraSettings?: Record<string, unknown>;
}

export interface OperationRecord {
  name: string;
  project: string;
  operationType: string;
  /** Instance the operation targets (targetId); locks are held on `locks`. */
  targetId: string;
  locks: string[];
  insertTime: number;
  startTime: number;
  endTime: number;
  effect: OperationEffect;
  applied: boolean;
  error?: { code: string; message: string };
  exportContext?: Record<string, unknown>;
  backupContext?: { backupId: string; kind: string };
}

export interface SqlAdminState {
  instances: InstanceRecord[];
  backupRuns: BackupRunRecord[];
  databases: DatabaseRecord[];
  users: UserRecord[];
  operations: OperationRecord[];
  nextBackupId: number;
}
