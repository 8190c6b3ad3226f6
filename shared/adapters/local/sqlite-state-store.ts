/**
 * The embedded state store: one SQLite file (WAL, busy_timeout) shared safely by every process
 * of the local stack. Claims and updates run inside BEGIN IMMEDIATE, which takes SQLite's single
 * write lock up front, so concurrent claimers in different processes serialise and exactly one
 * inserts the run. Statements are prepared once per store; the claim path is one insert and one
 * read of a unique index.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Clock } from '../../ports/clock.ts';
import {
  applyRunPatch, stateStoreInput as input,
  type AuditRecord, type ClaimInit, type ClaimResult, type DeadLetter, type Lease, type Run, type RunPatch,
  type RunStatus, type StateStore,
} from '../../ports/state-store.ts';
import type { FlowName } from '../../events/topics.ts';
import { TransientError } from '../../runtime/errors.ts';
import { systemClock } from '../../runtime/system-clock.ts';
import { migrate } from './sqlite/migrations.ts';
import { prepareStatements, type Statements } from './sqlite/statements.ts';

export interface SqliteStateStoreOptions {
  clock?: Clock;
  /** How long a writer waits for another process's write lock before failing (ms). */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

type Params = Record<string, string | number | null>;

export class SqliteStateStore implements StateStore {
  readonly filePath: string;
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly queries = new Map<string, Database.Statement>();
  private readonly stmt: Statements;
  private readonly claimTx: Database.Transaction<(row: Params) => { inserted: boolean; doc: string | undefined }>;
  private readonly updateRunTx: Database.Transaction<(id: string, patch: RunPatch, at: string) => Run>;
  private readonly markReplayedTx: Database.Transaction<(id: string, at: string) => DeadLetter>;
  private readonly putValueTx: Database.Transaction<(params: Params, expected: number | undefined) => { ok: boolean; version: number }>;

  constructor(filePath: string, options: SqliteStateStoreOptions = {}) {
    this.filePath = filePath;
    this.clock = options.clock ?? systemClock;
    if (filePath !== ':memory:') mkdirSync(dirname(resolve(filePath)), { recursive: true });
    this.db = new Database(filePath);
    // busy_timeout first: switching to WAL and migrating both need locks another process may hold.
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db, filePath);

    this.stmt = prepareStatements(this.db);
    const db = this.db;

    this.claimTx = db.transaction((row: Params): { inserted: boolean; doc: string | undefined } => {
      const inserted = this.stmt.insertRun.run(row).changes === 1;
      return { inserted, doc: this.stmt.runByKey.get(row.key) as string | undefined };
    });

    this.updateRunTx = db.transaction((id: string, patch: RunPatch, at: string): Run => {
      const doc = this.stmt.runById.get(id) as string | undefined;
      if (doc === undefined) throw new Error(`updateRun: run ${id} not found`);
      const next = applyRunPatch(JSON.parse(doc) as Run, patch, at);
      this.stmt.writeRun.run({ id, status: next.status, target: next.target ?? null, updatedAt: at, doc: JSON.stringify(next) });
      return next;
    });

    this.markReplayedTx = db.transaction((id: string, at: string): DeadLetter => {
      const current = parseOrNull<DeadLetter>(this.stmt.deadLetterById.get(id));
      if (!current) throw new Error(`markDeadLetterReplayed: dead letter ${id} not found`);
      const next: DeadLetter = { ...current, replayedAt: at, replayCount: current.replayCount + 1 };
      this.stmt.markReplayed.run({ id, doc: JSON.stringify(next) });
      return next;
    });

    this.putValueTx = db.transaction((params: Params, expected: number | undefined): { ok: boolean; version: number } => {
      if (expected === undefined) return { ok: true, version: this.stmt.upsertValue.get(params) as number };
      if (expected === 0) {
        if (this.stmt.insertValue.run(params).changes === 1) return { ok: true, version: 1 };
      } else {
        const version = this.stmt.casValue.get({ ...params, expected }) as number | undefined;
        if (version !== undefined) return { ok: true, version };
      }
      return { ok: false, version: (this.stmt.versionOf.get(params.namespace, params.key) as number | undefined) ?? 0 };
    });
  }

  async claim(key: string, init: ClaimInit): Promise<ClaimResult> {
    input.nonEmpty('claim', 'key', key);
    input.nonEmpty('claim', 'init.id', init.id);
    // Runs are never deleted, so a key already present is a duplicate: answer it without
    // taking the write lock that redeliveries would otherwise contend for.
    const existing = this.stmt.runByKey.get(key) as string | undefined;
    if (existing !== undefined) return { claimed: false, run: JSON.parse(existing) as Run };
    const at = this.now();
    const run: Run = {
      id: init.id, flow: init.flow, key, status: init.status ?? 'running', attempts: init.attempts ?? 0,
      createdAt: at, updatedAt: at, steps: [],
      ...(init.target !== undefined && { target: init.target }),
      ...(init.input !== undefined && { input: init.input }),
      ...(init.leaseExpiresAt !== undefined && { leaseExpiresAt: init.leaseExpiresAt }),
    };
    let outcome: { inserted: boolean; doc: string | undefined };
    try {
      outcome = this.write('claim', () => this.claimTx.immediate({
        id: run.id, key, flow: run.flow, status: run.status, target: run.target ?? null,
        createdAt: at, updatedAt: at, doc: JSON.stringify(run),
      }));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new Error(`claim: run id ${init.id} already belongs to another idempotency key (claiming key ${key})`, { cause: err });
      }
      throw err;
    }
    if (outcome.doc === undefined) throw new Error(`claim: run for key ${key} vanished right after the claim`);
    return { claimed: outcome.inserted, run: JSON.parse(outcome.doc) as Run };
  }

  async acquireLease(target: string, owner: string, ttlMs: number): Promise<Lease | null> {
    this.checkLeaseArgs('acquireLease', target, owner);
    input.ttl('acquireLease', ttlMs);
    const nowMs = this.clock.now().getTime();
    const row = this.write('acquireLease', () => this.stmt.acquireLease.get({ target, owner, expiresMs: nowMs + ttlMs, nowMs })) as { owner: string; expires_ms: number } | undefined;
    return row ? { target, owner: row.owner, expiresAt: new Date(row.expires_ms).toISOString() } : null;
  }

  async renewLease(target: string, owner: string, ttlMs: number): Promise<boolean> {
    this.checkLeaseArgs('renewLease', target, owner);
    input.ttl('renewLease', ttlMs);
    const nowMs = this.clock.now().getTime();
    return this.write('renewLease', () => this.stmt.renewLease.run({ target, owner, expiresMs: nowMs + ttlMs, nowMs })).changes === 1;
  }

  async releaseLease(target: string, owner: string): Promise<boolean> {
    this.checkLeaseArgs('releaseLease', target, owner);
    return this.write('releaseLease', () => this.stmt.releaseLease.run({ target, owner })).changes === 1;
  }

  async getRun(id: string): Promise<Run | null> {
    return parseOrNull<Run>(this.stmt.runById.get(id));
  }

  async getRunByKey(key: string): Promise<Run | null> {
    return parseOrNull<Run>(this.stmt.runByKey.get(key));
  }

  async updateRun(id: string, patch: RunPatch): Promise<Run> {
    return this.write('updateRun', () => this.updateRunTx.immediate(id, patch, this.now()));
  }

  async listRuns(query: { flow?: FlowName; status?: RunStatus; target?: string; limit?: number } = {}): Promise<Run[]> {
    const filters: Array<[string, string | undefined]> = [['flow', query.flow], ['status', query.status], ['target', query.target]];
    return this.select<Run>('runs', filters, [], 'created_at DESC, seq DESC', input.limit('listRuns', query.limit));
  }

  async appendAudit(record: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): Promise<AuditRecord> {
    input.nonEmpty('appendAudit', 'actor', record.actor);
    input.nonEmpty('appendAudit', 'action', record.action);
    const full: AuditRecord = { ...record, id: randomUUID(), at: record.at === undefined ? this.now() : input.iso('appendAudit', 'at', record.at) };
    this.write('appendAudit', () => this.stmt.insertAudit.run({
      id: full.id, at: full.at, flow: full.flow, runId: full.runId ?? null, target: full.target ?? null,
      result: full.result, doc: JSON.stringify(full),
    }));
    return full;
  }

  async queryAudit(query: { runId?: string; flow?: AuditRecord['flow']; target?: string; result?: AuditRecord['result']; since?: string; limit?: number } = {}): Promise<AuditRecord[]> {
    const filters: Array<[string, string | undefined]> = [['run_id', query.runId], ['flow', query.flow], ['target', query.target], ['result', query.result]];
    const since = query.since === undefined ? [] : [['at >= ?', input.iso('queryAudit', 'since', query.since)] as [string, string]];
    return this.select<AuditRecord>('audit', filters, since, 'at DESC, seq DESC', input.limit('queryAudit', query.limit));
  }

  async putDeadLetter(record: Omit<DeadLetter, 'id' | 'at' | 'replayCount'> & { at?: string }): Promise<DeadLetter> {
    input.nonEmpty('putDeadLetter', 'reason', record.reason);
    if (typeof record.raw?.data !== 'string') throw new Error('putDeadLetter: raw.data must be the base64 string of the message data');
    const full: DeadLetter = {
      ...record, id: randomUUID(), replayCount: 0,
      at: record.at === undefined ? this.now() : input.iso('putDeadLetter', 'at', record.at),
    };
    this.write('putDeadLetter', () => this.stmt.insertDeadLetter.run({ id: full.id, at: full.at, flow: full.flow, replayed: full.replayedAt ? 1 : 0, doc: JSON.stringify(full) }));
    return full;
  }

  async listDeadLetters(query: { flow?: FlowName; includeReplayed?: boolean; limit?: number } = {}): Promise<DeadLetter[]> {
    const extra: Array<[string, string | number]> = query.includeReplayed ? [] : [['replayed = ?', 0]];
    return this.select<DeadLetter>('dead_letters', [['flow', query.flow]], extra, 'at DESC, seq DESC', input.limit('listDeadLetters', query.limit));
  }

  async getDeadLetter(id: string): Promise<DeadLetter | null> {
    return parseOrNull<DeadLetter>(this.stmt.deadLetterById.get(id));
  }

  async markDeadLetterReplayed(id: string): Promise<DeadLetter> {
    const at = this.now();
    return this.write('markDeadLetterReplayed', () => this.markReplayedTx.immediate(id, at));
  }

  async getValue<T = unknown>(namespace: string, key: string): Promise<{ value: T; version: number } | null> {
    const row = this.stmt.getValue.get(namespace, key) as { value: string; version: number } | undefined;
    return row ? { value: JSON.parse(row.value) as T, version: row.version } : null;
  }

  async putValue<T = unknown>(namespace: string, key: string, value: T, expectedVersion?: number): Promise<{ ok: boolean; version: number }> {
    input.nonEmpty('putValue', 'namespace', namespace);
    input.nonEmpty('putValue', 'key', key);
    if (expectedVersion !== undefined) input.version('putValue', expectedVersion);
    const params = { namespace, key, value: input.json('putValue', value), at: this.now() };
    return this.write('putValue', () => this.putValueTx.immediate(params, expectedVersion));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /**
   * Another process held the write lock for longer than busy_timeout: the store is fine, just
   * busy, so the caller should retry later (for a handler: a redelivery), not give up.
   */
  private write<T>(where: string, work: () => T): T {
    try {
      return work();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
        throw new TransientError(`state store ${this.filePath} is busy (${where}): another process held the write lock past busy_timeout`, { code, where, cause: err });
      }
      throw err;
    }
  }

  private checkLeaseArgs(method: string, target: string, owner: string): void {
    input.nonEmpty(method, 'target', target);
    input.nonEmpty(method, 'owner', owner);
  }

  /** Filtered, ordered reads; one prepared statement per distinct filter combination, kept. */
  private select<T>(table: string, equals: Array<[string, string | undefined]>, extra: Array<[string, string | number]>, order: string, limit: number | undefined): T[] {
    const clauses: string[] = [];
    const args: Array<string | number> = [];
    for (const [column, value] of equals) {
      if (value === undefined) continue;
      clauses.push(`${column} = ?`);
      args.push(value);
    }
    for (const [clause, value] of extra) {
      clauses.push(clause);
      args.push(value);
    }
    const sql = `SELECT doc FROM ${table}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
    let statement = this.queries.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).pluck();
      this.queries.set(sql, statement);
    }
    return (statement.all(...args, limit ?? -1) as string[]).map((doc) => JSON.parse(doc) as T);
  }
}

function parseOrNull<T>(doc: unknown): T | null {
  return typeof doc === 'string' ? (JSON.parse(doc) as T) : null;
}

/** Opens (creating directories, file and schema as needed) the state store at `filePath`; `:memory:` is allowed. */
export function openSqliteStateStore(filePath: string, options: SqliteStateStoreOptions = {}): SqliteStateStore {
  return new SqliteStateStore(filePath, options);
}
