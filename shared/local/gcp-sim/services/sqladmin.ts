/**
 * Cloud SQL Admin v1 for gcp-sim (https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1),
 * served at `/v1/projects/{project}/...` and at the v1beta4 alias `/sql/v1beta4/projects/...`.
 *
 * Each instance keeps a timestamped write log that stands in for its data. A PITR clone to T
 * creates a new instance holding the source's writes strictly before T; T must lie inside the
 * recovery window (see sqladmin/recovery.ts) or the real Cloud SQL error comes back. One admin
 * operation runs per instance at a time (409 operationInProgress otherwise); operations go
 * PENDING → RUNNING → DONE in the injected clock's time.
 *
 * Simulator-only hooks (not part of Cloud SQL): `POST|GET .../instances/{instance}/__writes`
 * (route ids `sqladmin.sim.writes`, `sqladmin.sim.writes.list`) and the methods
 * `recordWrite`, `writes`, `failNextOperation` on this class.
 */
import type { Router } from '../router.ts';
import type { SimContext, SimService } from '../service.ts';
import { SqlAdminEngine, type OperationFailure } from './sqladmin/engine.ts';
import { registerInstanceRoutes } from './sqladmin/instances.ts';
import { registerResourceRoutes } from './sqladmin/resources.ts';
import { routeAdder } from './sqladmin/routes.ts';
import type { InstanceRecord, SqlAdminState, WriteEntry } from './sqladmin/state.ts';

const DAY_MS = 86_400_000;

export interface SeedInstance {
  project: string;
  name: string;
  region?: string;
  tier?: string;
  databaseVersion?: string;
  transactionLogRetentionDays?: number;
  backupEnabled?: boolean;
  binaryLogEnabled?: boolean;
  pointInTimeRecoveryEnabled?: boolean;
  /** HH:MM UTC of the daily automated backup; default 03:00. */
  backupStartTime?: string;
  /** `backupConfiguration.location` (Terraform sets the backup region). */
  backupLocation?: string;
  userLabels?: Record<string, string>;
  /** How long before the clock's start the instance was created; default 7 days (so a week of automated backups exists). */
  ageMs?: number;
  databases?: Array<{ name: string; charset?: string; collation?: string }>;
  users?: Array<{ name: string; host?: string }>;
  writes?: Array<{ entry: unknown; at?: Date | string | number }>;
}

export interface SqlAdminSimOptions {
  seedInstances?: SeedInstance[];
}

export class SqlAdminSim implements SimService {
  readonly name = 'sqladmin';
  private engine?: SqlAdminEngine;
  private pendingRestore?: unknown;

  constructor(private readonly options: SqlAdminSimOptions = {}) {}

  register(router: Router, ctx: SimContext): void {
    const engine = new SqlAdminEngine(ctx);
    this.engine = engine;
    for (const seed of this.options.seedInstances ?? []) this.seed(engine, seed);
    if (this.pendingRestore !== undefined) this.restore(this.pendingRestore);
    const add = routeAdder(router, () => engine.advance());
    registerInstanceRoutes(add, engine, ctx.baseUrl);
    registerResourceRoutes(add, engine, ctx.baseUrl);
  }

  /** Appends a write to an instance's log (at defaults to now; never in the future). */
  recordWrite(project: string, instance: string, entry: unknown, at?: Date): WriteEntry {
    const e = this.requireEngine();
    e.advance();
    return e.recordWrite(project, instance, entry, at?.getTime());
  }

  /** The instance's write log, oldest first. */
  writes(project: string, instance: string): Array<{ at: Date; entry: unknown }> {
    const e = this.requireEngine();
    e.advance();
    return e.requireInstance(project, instance).writes.map((w) => ({ at: new Date(w.at), entry: w.entry }));
  }

  /** Makes the next matching operation end DONE with `error` set (and without its effect). */
  failNextOperation(failure: OperationFailure): void {
    this.requireEngine().failNextOperation(failure);
  }

  /** Simulator-only: the instances as Cloud Monitoring's system metrics see them. */
  instanceInventory(): Array<{ project: string; name: string; tier: string; state: string; createTime: number; settings: Record<string, unknown> }> {
    if (!this.engine) return [];
    this.engine.advance();
    return this.engine.state.instances.map((i) => ({ project: i.project, name: i.name, tier: i.tier, state: i.state, createTime: i.createTime, settings: { ...i.extraSettings } }));
  }

  snapshot(): unknown {
    const e = this.requireEngine();
    e.advance();
    return { ...structuredClone(e.state), exports: structuredClone(e.exports) };
  }

  restore(snapshot: unknown): void {
    if (!this.engine) { this.pendingRestore = snapshot; return; }
    const s = snapshot as Partial<SqlAdminState> & { exports?: SqlAdminEngine['exports'] };
    const required = ['instances', 'backupRuns', 'databases', 'users', 'operations'] as const;
    for (const key of required) {
      if (!Array.isArray(s?.[key])) throw new Error(`sqladmin snapshot is missing the array "${key}"`);
    }
    this.engine.state = structuredClone({
      instances: s.instances!, backupRuns: s.backupRuns!, databases: s.databases!, users: s.users!, operations: s.operations!,
      nextBackupId: typeof s.nextBackupId === 'number' ? s.nextBackupId : 1,
    });
    this.engine.exports = structuredClone(s.exports ?? []);
  }

  summary(): Record<string, number> {
    const e = this.requireEngine();
    e.advance();
    const now = e.now();
    return {
      instances: e.state.instances.length,
      databases: e.state.databases.length,
      users: e.state.users.length,
      backupRuns: e.state.backupRuns.length,
      operations: e.state.operations.length,
      operationsRunning: e.state.operations.filter((o) => o.endTime > now).length,
    };
  }

  private requireEngine(): SqlAdminEngine {
    if (!this.engine) throw new Error('SqlAdminSim is not registered with a gcp-sim server yet');
    return this.engine;
  }

  private seed(engine: SqlAdminEngine, seed: SeedInstance): void {
    const now = engine.now();
    const created = now - (seed.ageMs ?? 7 * DAY_MS);
    const record: InstanceRecord = {
      project: seed.project,
      name: seed.name,
      region: seed.region ?? 'us-central1',
      databaseVersion: seed.databaseVersion ?? 'POSTGRES_15',
      tier: seed.tier ?? 'db-custom-1-3840',
      state: 'RUNNABLE',
      createTime: created,
      settingsVersion: 1,
      userLabels: { ...(seed.userLabels ?? {}) },
      backupEnabled: seed.backupEnabled ?? true,
      backupStartTime: seed.backupStartTime ?? '03:00',
      ...(seed.backupLocation ? { backupLocation: seed.backupLocation } : {}),
      binaryLogEnabled: seed.binaryLogEnabled ?? (seed.databaseVersion ?? 'POSTGRES').startsWith('MYSQL'),
      pointInTimeRecoveryEnabled: seed.pointInTimeRecoveryEnabled ?? !(seed.databaseVersion ?? 'POSTGRES').startsWith('MYSQL'),
      transactionLogRetentionDays: seed.transactionLogRetentionDays ?? 7,
      logStart: created,
      extraSettings: {},
      writes: (seed.writes ?? []).map((w) => ({ at: w.at === undefined ? now : new Date(w.at).getTime(), entry: w.entry })).sort((a, b) => a.at - b.at),
    };
    if (engine.findInstance(record.project, record.name)) throw new Error(`sqladmin seed: duplicate instance ${record.project}/${record.name}`);
    engine.state.instances.push(record);
    const postgres = record.databaseVersion.startsWith('POSTGRES');
    for (const d of seed.databases ?? []) {
      engine.state.databases.push({ project: record.project, instance: record.name, name: d.name, charset: d.charset ?? (postgres ? 'UTF8' : 'utf8mb4'), collation: d.collation ?? (postgres ? 'en_US.UTF8' : 'utf8mb4_0900_ai_ci') });
    }
    for (const u of seed.users ?? []) engine.state.users.push({ project: record.project, instance: record.name, name: u.name, host: u.host ?? '' });
    engine.runAutomatedBackups(now);
  }
}
