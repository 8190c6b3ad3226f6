/**
 * The embedded state store: one SQLite file (WAL, busy_timeout) shared safely by every process
 * of the local stack. Claims and updates run inside BEGIN IMMEDIATE, which takes SQLite's single
 * write lock up front, so concurrent claimers in different processes serialise and exactly one
 * inserts the run. Statements are prepared once per store. A delivery costs two transactions of
 * its own: `startRun` (lease + claim) and `finishRun` (final update + outbox + audit + release);
 * runs are stored by field, so an update or a step writes only what changed.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Clock } from '../../ports/clock.ts';
import {
  canonicalStep, checkOutboxMessage, checkParked, checkRunPatch, RESUMABLE_RUN_STATUSES, stateStoreInput as input,
  type AuditRecord, type ClaimInit, type ClaimResult, type DeadLetter, type FinishRunRequest, type FinishRunResult,
  type Lease, type OutboxEntry, type OutboxSettlement, type ParkedDelivery, type Run, type RunPatch, type RunStatus,
  type RunStep, type StartRunRequest, type StartRunResult, type StateStore,
} from '../../ports/state-store.ts';
import type { FlowName } from '../../events/topics.ts';
import { TransientError } from '../../runtime/errors.ts';
import { systemClock } from '../../runtime/system-clock.ts';
import { migrate } from './sqlite/migrations.ts';
import { prepareStatements, RUN_COLUMNS, type Statements } from './sqlite/statements.ts';

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
  private readonly claimTx: Database.Transaction<(row: Params) => { inserted: boolean; row: RunRow | undefined }>;
  private readonly updateRunTx: Database.Transaction<(id: string, patch: RunPatch, at: string) => Run>;
  private readonly startRunTx: Database.Transaction<(request: StartRunRequest, row: Params, nowMs: number) => StartRunResult>;
  private readonly finishRunTx: Database.Transaction<(request: FinishRunRequest, at: string, nowMs: number) => FinishRunResult>;
  private readonly appendStepTx: Database.Transaction<(runId: string, doc: string, at: string) => void>;
  private readonly claimOutboxTx: Database.Transaction<(owner: string, limit: number, claimMs: number, nowMs: number) => OutboxEntry[]>;
  private readonly settleOutboxTx: Database.Transaction<(owner: string, settlement: OutboxSettlement, at: string) => OutboxEntry[]>;
  private readonly patchStatements = new Map<string, Database.Statement>();
  private readonly markReplayedTx: Database.Transaction<(id: string, at: string) => DeadLetter>;
  private readonly parkTx: Database.Transaction<(entry: ParkedDelivery) => ParkedDelivery>;
  private readonly putValueTx: Database.Transaction<(params: Params, expected: number | undefined) => { ok: boolean; version: number }>;

  constructor(filePath: string, options: SqliteStateStoreOptions = {}) {
    this.filePath = filePath;
    this.clock = options.clock ?? systemClock;
    if (filePath !== ':memory:') mkdirSync(dirname(resolve(filePath)), { recursive: true });
    this.db = new Database(filePath);
    // busy_timeout first: switching to WAL and migrating both need locks another process may hold.
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    // WAL: readers never block the writer, and a commit is one append to the log. synchronous =
    // NORMAL then fsyncs only at checkpoints, not at every commit: a committed transaction survives
    // the crash of any process (it is in the OS's page cache, and the next opener replays the log),
    // and a power loss or kernel crash can lose the last commits but never corrupts the file. That
    // is the durability the local stack needs (its processes crash; its machine is a laptop whose
    // Pub/Sub emulator loses everything on power loss anyway), at a fraction of FULL's cost, which
    // fsyncs the log on every commit. Production's durability is Firestore's.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db, filePath);

    this.stmt = prepareStatements(this.db);
    const db = this.db;

    this.claimTx = db.transaction((row: Params): { inserted: boolean; row: RunRow | undefined } => {
      const inserted = this.stmt.insertRun.run(row).changes === 1;
      return { inserted, row: this.stmt.runByKey.get(row.key) as RunRow | undefined };
    });

    this.updateRunTx = db.transaction((id: string, patch: RunPatch, at: string): Run => {
      this.patchRun('updateRun', id, patch, at);
      return this.runOf(id)!;
    });

    this.startRunTx = db.transaction((request: StartRunRequest, row: Params, nowMs: number): StartRunResult => {
      const current = this.stmt.runByKey.get(request.key) as RunRow | undefined;
      if (current && !RESUMABLE_RUN_STATUSES.has(current.status)) return { outcome: 'finished', run: toRun(current) };
      const { target, owner, ttlMs } = request.lease;
      const held = this.stmt.acquireLease.get({ target, owner, expiresMs: nowMs + ttlMs, nowMs }) as { owner: string; expires_ms: number } | undefined;
      if (!held) return { outcome: 'busy', run: current ? toRun(current) : null };
      const lease: Lease = { target, owner, expiresAt: new Date(held.expires_ms).toISOString() };
      // The run is what was written: no read back.
      if (!current) {
        this.stmt.insertRun.run(row);
        return { outcome: 'claimed', run: toRun({ ...(row as unknown as RunRow), created_at: row.createdAt as string, updated_at: row.updatedAt as string, lease_expires_at: row.leaseExpiresAt as string, result: null, error: null, refs: null, steps: '[]' }), lease };
      }
      this.stmt.resumeRun.run({ id: current.id, leaseExpiresAt: row.leaseExpiresAt, updatedAt: row.updatedAt });
      return { outcome: 'resumed', run: { ...toRun(current), status: 'running', attempts: current.attempts + 1, leaseExpiresAt: row.leaseExpiresAt as string, updatedAt: row.updatedAt as string }, lease };
    });

    this.finishRunTx = db.transaction((request: FinishRunRequest, at: string, nowMs: number): FinishRunResult => {
      const runId = request.runId;
      this.patchRun('finishRun', runId, request.patch, at);
      const out: FinishRunResult = { run: this.runOf(runId)! };
      if (request.event) {
        const event = checkOutboxMessage('finishRun', request.event);
        // An older entry of the run still waits: this one is drained after it, never claimed past it.
        const claim = request.claim && this.stmt.outboxOfRun.get(runId) === undefined ? request.claim : undefined;
        out.outbox = toOutbox(this.stmt.insertOutbox.get({
          runId, flow: out.run.flow, topic: event.topic, data: event.dataJson, attributes: JSON.stringify(event.attributes),
          createdAt: at, claimedBy: claim?.owner ?? null, claimedUntilMs: claim ? nowMs + claim.claimMs : null,
        }) as OutboxRow);
      }
      if (request.audit) out.audit = this.insertAudit(request.audit);
      if (request.release) {
        const { target, owner } = request.release;
        if (this.stmt.leaseOwner.get(target) !== owner) out.lease = 'lost';
        else if (this.stmt.anyParked.get(target) !== undefined) out.lease = 'held';
        else {
          this.stmt.releaseLease.run({ target, owner });
          out.lease = 'released';
        }
      }
      return out;
    });

    this.appendStepTx = db.transaction((runId: string, doc: string, at: string): void => {
      if (this.stmt.touchRun.run({ id: runId, updatedAt: at }).changes !== 1) throw new Error(`appendRunStep: run ${runId} not found`);
      this.stmt.appendStep.run({ runId, doc });
    });

    this.claimOutboxTx = db.transaction((owner: string, limit: number, claimMs: number, nowMs: number): OutboxEntry[] => {
      const blocked = new Set<string>();
      const claimed: OutboxEntry[] = [];
      // Bounded scan, oldest first; a run whose oldest entry is not claimable blocks its later ones.
      for (const row of this.stmt.outboxScan.all(Math.max(limit * 4, 200)) as Array<{ seq: number; run_id: string; claimed_until_ms: number | null; next_attempt_ms: number | null }>) {
        if (claimed.length >= limit) break;
        if (blocked.has(row.run_id)) continue;
        const free = (row.claimed_until_ms === null || row.claimed_until_ms <= nowMs) && (row.next_attempt_ms === null || row.next_attempt_ms <= nowMs);
        if (!free) { blocked.add(row.run_id); continue; }
        claimed.push(toOutbox(this.stmt.claimOutbox.get({ seq: row.seq, owner, untilMs: nowMs + claimMs }) as OutboxRow));
      }
      return claimed;
    });

    this.settleOutboxTx = db.transaction((owner: string, settlement: OutboxSettlement, at: string): OutboxEntry[] => {
      for (const id of settlement.published) this.stmt.deleteOutbox.run({ seq: outboxSeq(id), owner });
      for (const id of settlement.released) this.stmt.releaseOutbox.run({ seq: outboxSeq(id), owner });
      const failed: OutboxEntry[] = [];
      for (const f of settlement.failed) {
        const row = this.stmt.failOutbox.get({ seq: outboxSeq(f.id), owner, error: f.error, at, retryMs: Date.parse(f.retryAt) }) as OutboxRow | undefined;
        if (row) failed.push(toOutbox(row));
      }
      return failed;
    });

    this.parkTx = db.transaction((entry: ParkedDelivery): ParkedDelivery => {
      const current = parseOrNull<ParkedDelivery>(this.stmt.parkedByTargetKey.get(entry.target, entry.key));
      const next: ParkedDelivery = current
        ? { ...entry, id: current.id, parkedAt: current.parkedAt < entry.parkedAt ? current.parkedAt : entry.parkedAt }
        : entry;
      this.stmt.upsertParked.run({ id: next.id, target: next.target, key: next.key, parkedAt: next.parkedAt, doc: JSON.stringify(next) });
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
    const existing = this.stmt.runByKey.get(key) as RunRow | undefined;
    if (existing !== undefined) return { claimed: false, run: toRun(existing) };
    let outcome: { inserted: boolean; row: RunRow | undefined };
    try {
      outcome = this.write('claim', () => this.claimTx.immediate(this.runRow(key, init)));
    } catch (err) {
      throw this.idTaken('claim', key, init, err);
    }
    if (outcome.row === undefined) throw new Error(`claim: run for key ${key} vanished right after the claim`);
    return { claimed: outcome.inserted, run: toRun(outcome.row) };
  }

  async startRun(request: StartRunRequest): Promise<StartRunResult> {
    input.nonEmpty('startRun', 'key', request?.key);
    input.nonEmpty('startRun', 'init.id', request.init?.id);
    input.iso('startRun', 'init.leaseExpiresAt', request.init.leaseExpiresAt);
    this.checkLeaseArgs('startRun', request.lease?.target, request.lease?.owner);
    input.ttl('startRun', request.lease.ttlMs);
    // A duplicate of a finished run needs no write lock (runs are never deleted, and a status that
    // is not resumable never becomes resumable again).
    const existing = this.stmt.runByKey.get(request.key) as RunRow | undefined;
    if (existing && !RESUMABLE_RUN_STATUSES.has(existing.status)) return { outcome: 'finished', run: toRun(existing) };
    const row = this.runRow(request.key, { status: 'running', ...request.init });
    try {
      return this.write('startRun', () => this.startRunTx.immediate(request, row, this.clock.now().getTime()));
    } catch (err) {
      throw this.idTaken('startRun', request.key, request.init, err);
    }
  }

  async finishRun(request: FinishRunRequest): Promise<FinishRunResult> {
    input.nonEmpty('finishRun', 'runId', request?.runId);
    if (request.claim) {
      input.nonEmpty('finishRun', 'claim.owner', request.claim.owner);
      input.ttl('finishRun claim', request.claim.claimMs);
    }
    if (request.release) this.checkLeaseArgs('finishRun', request.release.target, request.release.owner);
    if (request.audit) this.checkAudit('finishRun', request.audit);
    return this.write('finishRun', () => this.finishRunTx.immediate(request, this.now(), this.clock.now().getTime()));
  }

  async appendRunStep(runId: string, step: RunStep): Promise<void> {
    input.nonEmpty('appendRunStep', 'runId', runId);
    const doc = JSON.stringify(canonicalStep('appendRunStep', step));
    this.write('appendRunStep', () => this.appendStepTx.immediate(runId, doc, this.now()));
  }

  async claimOutbox(owner: string, options: { limit: number; claimMs: number }): Promise<OutboxEntry[]> {
    input.nonEmpty('claimOutbox', 'owner', owner);
    const limit = input.limit('claimOutbox', options?.limit)!;
    input.ttl('claimOutbox', options.claimMs);
    return this.write('claimOutbox', () => this.claimOutboxTx.immediate(owner, limit, options.claimMs, this.clock.now().getTime()));
  }

  async settleOutbox(owner: string, settlement: OutboxSettlement): Promise<OutboxEntry[]> {
    input.nonEmpty('settleOutbox', 'owner', owner);
    for (const f of settlement.failed) input.iso('settleOutbox', 'failed.retryAt', f.retryAt);
    if (!settlement.published.length && !settlement.failed.length && !settlement.released.length) return [];
    return this.write('settleOutbox', () => this.settleOutboxTx.immediate(owner, settlement, this.now()));
  }

  async listOutbox(query: { runId?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
    const limit = input.limit('listOutbox', query.limit) ?? -1;
    const rows = query.runId === undefined ? this.stmt.listOutbox.all(limit) : this.stmt.listOutboxOfRun.all(query.runId, limit);
    return (rows as OutboxRow[]).map(toOutbox);
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
    return this.runOf(id);
  }

  async getRunByKey(key: string): Promise<Run | null> {
    const row = this.stmt.runByKey.get(key) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  async updateRun(id: string, patch: RunPatch): Promise<Run> {
    return this.write('updateRun', () => this.updateRunTx.immediate(id, patch, this.now()));
  }

  async listRuns(query: { flow?: FlowName; status?: RunStatus; target?: string; limit?: number } = {}): Promise<Run[]> {
    const filters: Array<[string, string | undefined]> = [['flow', query.flow], ['status', query.status], ['target', query.target]];
    return this.select<RunRow>('runs', filters, [], 'created_at DESC, seq DESC', input.limit('listRuns', query.limit), RUN_COLUMNS).map(toRun);
  }

  async appendAudit(record: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): Promise<AuditRecord> {
    this.checkAudit('appendAudit', record);
    return this.write('appendAudit', () => this.insertAudit(record));
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

  async park(entry: Omit<ParkedDelivery, 'id' | 'parkedAt'> & { parkedAt?: string }): Promise<ParkedDelivery> {
    const checked = checkParked(entry);
    const full: ParkedDelivery = {
      ...checked, id: randomUUID(),
      parkedAt: entry.parkedAt === undefined ? this.now() : input.iso('park', 'parkedAt', entry.parkedAt),
    };
    return this.write('park', () => this.parkTx.immediate(full));
  }

  async nextParked(target: string): Promise<ParkedDelivery | null> {
    return parseOrNull<ParkedDelivery>(this.stmt.nextParked.get(input.nonEmpty('nextParked', 'target', target)));
  }

  async getParked(target: string, key: string): Promise<ParkedDelivery | null> {
    return parseOrNull<ParkedDelivery>(this.stmt.parkedByTargetKey.get(target, key));
  }

  async unpark(id: string): Promise<boolean> {
    return this.write('unpark', () => this.stmt.deleteParked.run(id).changes === 1);
  }

  async listParkedTargets(limit?: number): Promise<Array<{ target: string; count: number; oldest: string }>> {
    return this.stmt.parkedTargets.all(input.limit('listParkedTargets', limit) ?? 1000) as Array<{ target: string; count: number; oldest: string }>;
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
  private select<T>(table: string, equals: Array<[string, string | undefined]>, extra: Array<[string, string | number]>, order: string, limit: number | undefined, columns?: string): T[] {
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
    const sql = `SELECT ${columns ?? 'doc'} FROM ${table}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
    let statement = this.queries.get(sql);
    if (!statement) {
      statement = columns ? this.db.prepare(sql) : this.db.prepare(sql).pluck();
      this.queries.set(sql, statement);
    }
    const rows = statement.all(...args, limit ?? -1) as unknown[];
    return columns ? (rows as T[]) : (rows as string[]).map((doc) => JSON.parse(doc) as T);
  }

  private runOf(id: string): Run | null {
    const row = this.stmt.runById.get(id) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  private runRow(key: string, init: ClaimInit): Params {
    const at = this.now();
    return {
      id: init.id, key, flow: init.flow, status: init.status ?? 'running', target: init.target ?? null, attempts: init.attempts ?? 0,
      createdAt: at, updatedAt: at, leaseExpiresAt: init.leaseExpiresAt ?? null,
      input: init.input === undefined ? null : JSON.stringify(init.input),
    };
  }

  private idTaken(method: string, key: string, init: ClaimInit, err: unknown): unknown {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      return new Error(`${method}: run id ${init.id} already belongs to another idempotency key (claiming key ${key})`, { cause: err });
    }
    return err;
  }

  /**
   * Writes the patched columns only (and the steps, when the patch replaces them); the status
   * check reads one column. Inside a transaction.
   */
  private patchRun(method: string, id: string, patch: RunPatch, at: string): void {
    const status = this.stmt.runStatus.get(id) as RunStatus | undefined;
    if (status === undefined) throw new Error(`${method}: run ${id} not found`);
    checkRunPatch(id, status, patch);
    const sets = ['updated_at = @updatedAt'];
    const params: Params = { id, updatedAt: at };
    for (const [field, column] of PATCH_COLUMNS) {
      if (!(field in patch)) continue;
      const value = patch[field];
      sets.push(`${column} = @${field}`);
      params[field] = value === undefined ? null : JSON_FIELDS.has(field) ? JSON.stringify(value) : (value as string | number);
    }
    const sql = `UPDATE runs SET ${sets.join(', ')} WHERE id = @id`;
    let statement = this.patchStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.patchStatements.set(sql, statement);
    }
    statement.run(params);
    if (patch.steps !== undefined) {
      this.stmt.deleteSteps.run(id);
      patch.steps.forEach((step, idx) => this.stmt.insertStep.run({ runId: id, idx, doc: JSON.stringify(canonicalStep(method, step)) }));
    }
  }

  private checkAudit(method: string, record: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): void {
    input.nonEmpty(method, 'actor', record?.actor);
    input.nonEmpty(method, 'action', record.action);
    if (record.at !== undefined) input.iso(method, 'at', record.at);
  }

  private insertAudit(record: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): AuditRecord {
    const full: AuditRecord = { ...record, id: randomUUID(), at: record.at === undefined ? this.now() : input.iso('appendAudit', 'at', record.at) };
    this.stmt.insertAudit.run({
      id: full.id, at: full.at, flow: full.flow, runId: full.runId ?? null, target: full.target ?? null,
      result: full.result, doc: JSON.stringify(full),
    });
    return full;
  }
}

interface RunRow {
  id: string; key: string; flow: FlowName; status: RunStatus; target: string | null; attempts: number;
  created_at: string; updated_at: string; lease_expires_at: string | null;
  input: string | null; result: string | null; error: string | null; refs: string | null; steps: string;
}

interface OutboxRow {
  seq: number; run_id: string; flow: FlowName; topic: string; data: string; attributes: string; created_at: string; attempts: number;
  last_error: string | null; last_attempt_at: string | null; next_attempt_ms: number | null; claimed_by: string | null; claimed_until_ms: number | null;
}

/** Patchable fields and their columns; the JSON ones are stored as JSON text. */
const PATCH_COLUMNS: ReadonlyArray<[keyof RunPatch, string]> = [
  ['status', 'status'], ['target', 'target'], ['attempts', 'attempts'], ['leaseExpiresAt', 'lease_expires_at'],
  ['input', 'input'], ['result', 'result'], ['error', 'error'], ['refs', 'refs'],
];
const JSON_FIELDS: ReadonlySet<keyof RunPatch> = new Set(['input', 'result', 'error', 'refs']);

function toRun(row: RunRow): Run {
  return {
    id: row.id, flow: row.flow, key: row.key, status: row.status, attempts: row.attempts,
    createdAt: row.created_at, updatedAt: row.updated_at, steps: JSON.parse(row.steps) as Run['steps'],
    ...(row.target !== null && { target: row.target }),
    ...(row.lease_expires_at !== null && { leaseExpiresAt: row.lease_expires_at }),
    ...(row.input !== null && { input: JSON.parse(row.input) as unknown }),
    ...(row.result !== null && { result: JSON.parse(row.result) as unknown }),
    ...(row.error !== null && { error: JSON.parse(row.error) as Run['error'] }),
    ...(row.refs !== null && { refs: JSON.parse(row.refs) as Run['refs'] }),
  };
}

function toOutbox(row: OutboxRow): OutboxEntry {
  return {
    id: String(row.seq), runId: row.run_id, flow: row.flow, topic: row.topic, data: JSON.parse(row.data) as unknown,
    attributes: JSON.parse(row.attributes) as Record<string, string>, createdAt: row.created_at, attempts: row.attempts,
    ...(row.last_error !== null && { lastError: row.last_error }),
    ...(row.last_attempt_at !== null && { lastAttemptAt: row.last_attempt_at }),
    ...(row.next_attempt_ms !== null && { nextAttemptAt: new Date(row.next_attempt_ms).toISOString() }),
    ...(row.claimed_by !== null && { claimedBy: row.claimed_by }),
    ...(row.claimed_until_ms !== null && { claimedUntil: new Date(row.claimed_until_ms).toISOString() }),
  };
}

/** An outbox id is its row's seq; anything else names no entry. */
function outboxSeq(id: string): number {
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : -1;
}

function parseOrNull<T>(doc: unknown): T | null {
  return typeof doc === 'string' ? (JSON.parse(doc) as T) : null;
}

/** Opens (creating directories, file and schema as needed) the state store at `filePath`; `:memory:` is allowed. */
export function openSqliteStateStore(filePath: string, options: SqliteStateStoreOptions = {}): SqliteStateStore {
  return new SqliteStateStore(filePath, options);
}
