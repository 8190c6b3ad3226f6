/**
 * The Cloud SQL simulator's state machine: instances with their write logs, operations that
 * take simulated time (PENDING → RUNNING → DONE) and apply their effect when they finish,
 * one admin operation per instance, and the daily automated backup schedule. Time comes only
 * from the injected clock; `advance()` runs before every request so state is always consistent
 * with "now" (effects are applied lazily but in the order the operations finish).
 */
import type { SimContext, SimService } from '../../service.ts';
import { operationInProgress, instanceNotFound } from './sql-errors.ts';
import { operationStatus } from './render.ts';
import { sqlDump } from './dump.ts';
import type {
  BackupRunRecord, InstancePatch, InstanceRecord, OperationEffect, OperationRecord, SqlAdminState, WriteEntry,
} from './state.ts';

const DAY_MS = 86_400_000;
/** How long an automated backup takes, in clock time. */
const AUTOMATED_BACKUP_MS = 60_000;
/** Cloud SQL keeps 7 automated backups by default (backupRetentionSettings.retainedBackups). */
const RETAINED_AUTOMATED = 7;

/** Storage simulator surface used by exports; implemented by the `storage` service when present. */
export interface ObjectSink {
  putObject(bucket: string, name: string, data: Buffer, contentType?: string): unknown;
}

export interface OperationFailure { project?: string; instance: string; operationType?: string; code: string; message: string }

export interface NewOperation {
  project: string;
  operationType: string;
  targetId: string;
  locks: string[];
  effect: OperationEffect;
  exportContext?: Record<string, unknown>;
  backupContext?: { backupId: string; kind: string };
}

export class SqlAdminEngine {
  state: SqlAdminState = { instances: [], backupRuns: [], databases: [], users: [], operations: [], nextBackupId: 1 };
  /** Export dumps kept here when no storage simulator is registered, so nothing is lost. */
  exports: Array<{ bucket: string; object: string; bytes: number; at: number }> = [];
  private failures: OperationFailure[] = [];

  constructor(private readonly ctx: SimContext) {}

  now(): number { return this.ctx.clock.now().getTime(); }

  key(project: string, instance: string): string { return `${project}/${instance}`; }

  findInstance(project: string, name: string): InstanceRecord | undefined {
    return this.state.instances.find((i) => i.project === project && i.name === name);
  }

  requireInstance(project: string, name: string): InstanceRecord {
    const found = this.findInstance(project, name);
    if (!found) throw instanceNotFound();
    return found;
  }

  /** An operation that has not reached DONE on this instance, if any. */
  activeOperation(project: string, instance: string): OperationRecord | undefined {
    const key = this.key(project, instance);
    const now = this.now();
    return this.state.operations.find((op) => op.locks.includes(key) && operationStatus(op, now) !== 'DONE');
  }

  assertIdle(project: string, ...instances: string[]): void {
    for (const name of instances) if (this.activeOperation(project, name)) throw operationInProgress();
  }

  failNextOperation(failure: OperationFailure): void { this.failures.push(failure); }

  startOperation(spec: NewOperation): OperationRecord {
    const now = this.now();
    const duration = Math.max(0, this.ctx.operationDurationMs);
    const op: OperationRecord = {
      name: this.ctx.newId(),
      project: spec.project,
      operationType: spec.operationType,
      targetId: spec.targetId,
      locks: spec.locks.map((name) => this.key(spec.project, name)),
      insertTime: now,
      startTime: now + Math.round(duration * 0.2),
      endTime: now + duration,
      effect: spec.effect,
      applied: false,
      ...(spec.exportContext ? { exportContext: spec.exportContext } : {}),
      ...(spec.backupContext ? { backupContext: spec.backupContext } : {}),
    };
    const failureIndex = this.failures.findIndex((f) => f.instance === spec.targetId
      && (f.project === undefined || f.project === spec.project)
      && (f.operationType === undefined || f.operationType === spec.operationType));
    if (failureIndex >= 0) {
      const [failure] = this.failures.splice(failureIndex, 1);
      op.error = { code: failure!.code, message: failure!.message };
    }
    this.state.operations.push(op);
    this.advance();
    return op;
  }

  /** Applies every finished operation's effect (in finishing order) and runs the backup schedule. */
  advance(): void {
    const now = this.now();
    const due = this.state.operations.filter((op) => !op.applied && op.endTime <= now).sort((a, b) => a.endTime - b.endTime);
    for (const op of due) {
      this.runAutomatedBackups(op.endTime);
      op.applied = true;
      if (op.error) this.undo(op.effect); else this.apply(op);
    }
    this.runAutomatedBackups(now);
  }

  private apply(op: OperationRecord): void {
    const effect = op.effect;
    const at = op.endTime;
    switch (effect.kind) {
      case 'createInstance': {
        const i = this.findInstance(op.project, effect.instance);
        if (i) { i.state = 'RUNNABLE'; i.createTime = at; i.logStart = at; }
        return;
      }
      case 'deleteInstance': {
        const p = op.project;
        const n = effect.instance;
        this.state.instances = this.state.instances.filter((i) => !(i.project === p && i.name === n));
        this.state.databases = this.state.databases.filter((d) => !(d.project === p && d.instance === n));
        this.state.users = this.state.users.filter((u) => !(u.project === p && u.instance === n));
        this.state.backupRuns = this.state.backupRuns.filter((b) => !(b.project === p && b.instance === n));
        return;
      }
      case 'patchInstance': {
        const i = this.findInstance(op.project, effect.instance);
        if (i) this.applyPatch(i, effect.patch, at);
        return;
      }
      case 'finishBackup': {
        const run = this.state.backupRuns.find((b) => b.project === op.project && b.id === effect.backupRunId);
        const i = this.findInstance(op.project, effect.instance);
        if (run) { run.status = 'SUCCESSFUL'; run.startTime = op.startTime; run.endTime = at; run.writes = i ? i.writes.filter((w) => w.at <= at) : []; }
        return;
      }
      case 'deleteBackup':
        this.state.backupRuns = this.state.backupRuns.filter((b) => !(b.project === op.project && b.id === effect.backupRunId));
        return;
      case 'restoreBackup': {
        const i = this.findInstance(op.project, effect.instance);
        // Restoring replaces the data and restarts logging: PITR cannot reach back past it.
        if (i) { i.writes = effect.writes.map((w) => ({ ...w })); i.logStart = at; }
        if (i && effect.databases) {
          this.state.databases = this.state.databases.filter((d) => !(d.project === op.project && d.instance === effect.instance));
          this.state.databases.push(...effect.databases.map((d) => ({ ...d })));
        }
        return;
      }
      case 'export':
        this.writeExport(op, effect);
        return;
      case 'createDatabase':
        this.state.databases.push({ ...effect.database });
        return;
      case 'deleteDatabase':
        this.state.databases = this.state.databases.filter((d) => !(d.project === op.project && d.instance === effect.instance && d.name === effect.name));
        return;
      case 'createUser':
        this.state.users.push({ ...effect.user });
        return;
      case 'deleteUser':
        this.state.users = this.state.users.filter((u) => !(u.project === op.project && u.instance === effect.instance && u.name === effect.name && u.host === effect.host));
        return;
      case 'none':
        return;
    }
  }

  /** A failed operation leaves no trace of what it started (e.g. the clone's placeholder). */
  private undo(effect: OperationEffect): void {
    if (effect.kind === 'createInstance') {
      this.state.instances = this.state.instances.filter((i) => !(i.name === effect.instance && i.state === 'PENDING_CREATE'));
    }
    if (effect.kind === 'finishBackup') {
      const run = this.state.backupRuns.find((b) => b.id === effect.backupRunId);
      if (run) run.status = 'FAILED';
    }
    if (effect.kind === 'deleteInstance') {
      const i = this.state.instances.find((x) => x.name === effect.instance && x.state === 'PENDING_DELETE');
      if (i) i.state = 'RUNNABLE';
    }
  }

  private applyPatch(i: InstanceRecord, patch: InstancePatch, at: number): void {
    if (patch.userLabels) {
      const merged: Record<string, string> = patch.replaceLabels ? {} : { ...i.userLabels };
      for (const [k, v] of Object.entries(patch.userLabels)) {
        if (v === null) delete merged[k]; else merged[k] = v;
      }
      i.userLabels = merged;
    }
    if (patch.tier !== undefined) i.tier = patch.tier;
    if (patch.backupLocation !== undefined) i.backupLocation = patch.backupLocation;
    if (patch.backupEnabled !== undefined) i.backupEnabled = patch.backupEnabled;
    const wasLogging = this.loggingOn(i);
    if (patch.binaryLogEnabled !== undefined) i.binaryLogEnabled = patch.binaryLogEnabled;
    if (patch.pointInTimeRecoveryEnabled !== undefined) i.pointInTimeRecoveryEnabled = patch.pointInTimeRecoveryEnabled;
    if (!wasLogging && this.loggingOn(i)) i.logStart = at;
    if (patch.transactionLogRetentionDays !== undefined) i.transactionLogRetentionDays = patch.transactionLogRetentionDays;
    if (patch.extraSettings) i.extraSettings = { ...i.extraSettings, ...patch.extraSettings };
    i.settingsVersion += 1;
  }

  private loggingOn(i: InstanceRecord): boolean {
    return i.databaseVersion.startsWith('MYSQL') ? i.binaryLogEnabled : i.pointInTimeRecoveryEnabled;
  }

  private writeExport(op: OperationRecord, effect: Extract<OperationEffect, { kind: 'export' }>): void {
    const i = this.findInstance(op.project, effect.instance);
    const databases = effect.databases.length
      ? effect.databases
      : this.state.databases.filter((d) => d.project === op.project && d.instance === effect.instance).map((d) => d.name);
    const data = sqlDump({
      project: op.project, instance: effect.instance, databaseVersion: i?.databaseVersion ?? 'MYSQL_8_0', databases,
      writes: i?.writes ?? [], at: op.endTime, gzip: effect.object.endsWith('.gz'),
    });
    const storage = this.ctx.service('storage') as (SimService & Partial<ObjectSink>) | undefined;
    if (storage && typeof storage.putObject === 'function') {
      try {
        storage.putObject(effect.bucket, effect.object, data, effect.object.endsWith('.gz') ? 'application/gzip' : 'application/sql');
      } catch (err) {
        op.error = { code: 'ERROR_EXPORT_FAILED', message: `Export to gs://${effect.bucket}/${effect.object} failed: ${(err as Error).message}` };
      }
      return;
    }
    this.exports.push({ bucket: effect.bucket, object: effect.object, bytes: data.length, at: op.endTime });
  }

  /**
   * Daily automated backups at `backupConfiguration.startTime` (UTC) for RUNNABLE instances with
   * backups enabled, keeping the newest seven. Evaluated up to `until`, never twice for a day.
   */
  runAutomatedBackups(until: number): void {
    for (const i of this.state.instances) {
      if (i.state !== 'RUNNABLE' || !i.backupEnabled) continue;
      const from = Math.max(i.automatedBackupsUntil ?? i.createTime, i.createTime);
      if (until <= from) continue;
      const [hh, mm] = i.backupStartTime.split(':').map(Number);
      const offset = ((hh ?? 0) * 60 + (mm ?? 0)) * 60_000;
      let windowStart = Math.floor((from - offset) / DAY_MS) * DAY_MS + offset;
      if (windowStart < from) windowStart += DAY_MS;
      for (; windowStart + AUTOMATED_BACKUP_MS <= until; windowStart += DAY_MS) {
        this.addBackupRun(i, 'AUTOMATED', windowStart, windowStart + AUTOMATED_BACKUP_MS);
      }
      // Only mark time as scheduled up to the last window that could complete.
      i.automatedBackupsUntil = Math.min(until, windowStart);
      const automated = this.state.backupRuns
        .filter((b) => b.project === i.project && b.instance === i.name && b.type === 'AUTOMATED')
        .sort((a, b) => b.enqueuedTime - a.enqueuedTime);
      const expired = new Set(automated.slice(RETAINED_AUTOMATED));
      if (expired.size) this.state.backupRuns = this.state.backupRuns.filter((b) => !expired.has(b));
    }
  }

  addBackupRun(i: InstanceRecord, type: BackupRunRecord['type'], start: number, end: number, description?: string, status: BackupRunRecord['status'] = 'SUCCESSFUL'): BackupRunRecord {
    const run: BackupRunRecord = {
      id: this.newBackupId(start),
      project: i.project,
      instance: i.name,
      type,
      status,
      enqueuedTime: start,
      startTime: start,
      endTime: end,
      windowStartTime: start,
      location: backupLocationOf(i),
      writes: status === 'SUCCESSFUL' ? i.writes.filter((w) => w.at <= end) : [],
      ...(description !== undefined ? { description } : {}),
    };
    this.state.backupRuns.push(run);
    return run;
  }

  /** Cloud SQL backup run ids are int64 values derived from time; keep them unique. */
  private newBackupId(at: number): string {
    let id = Math.max(at, this.state.nextBackupId);
    while (this.state.backupRuns.some((b) => b.id === String(id))) id++;
    this.state.nextBackupId = id + 1;
    return String(id);
  }

  recordWrite(project: string, instance: string, entry: unknown, at?: number): WriteEntry {
    const i = this.requireInstance(project, instance);
    const now = this.now();
    const when = at ?? now;
    if (!Number.isFinite(when)) throw new Error(`write time for ${instance} is not a valid time`);
    if (when > now) throw new Error(`write time ${new Date(when).toISOString()} for ${instance} is in the future (now ${new Date(now).toISOString()})`);
    const write = { at: when, entry };
    i.writes.push(write);
    i.writes.sort((a, b) => a.at - b.at);
    return write;
  }
}

/** With no backup location set, Cloud SQL stores backups in the multi-region nearest the instance. */
export function backupLocationOf(i: InstanceRecord): string {
  if (i.backupLocation) return i.backupLocation;
  const continent = i.region.split('-')[0] ?? 'us';
  return continent === 'europe' ? 'eu' : continent === 'asia' ? 'asia' : 'us';
}
