/**
 * The production state store on Firestore (Native mode). Firestore sits outside the metadata
 * database, so restoring Cloud SQL never rolls back the control plane's own memory.
 *
 * Exactly-one semantics come from Firestore itself: a claim is one atomic batch of two
 * `create()` writes (the idempotency key and the run), which fails with ALREADY_EXISTS for every
 * claimer but the first. A free lease is one create(); a taken one, renewals, releases, run
 * updates and replays run in transactions; versioned kv writes are create() or an update guarded
 * by the last update time (a lock-free compare-and-set).
 * Values whose shape the port leaves open (`input`, `result`, audit `details`, kv values) are
 * stored as JSON text so they come back exactly as the SQLite store returns them.
 *
 * Queries that filter on one field and order by another need composite indexes in production
 * (see `FIRESTORE_INDEXES`; Firestore merges them for several equality filters); the emulator
 * does not ask for them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Firestore, type CollectionReference, type DocumentData, type Query } from '@google-cloud/firestore';
import type { Clock } from '../../ports/clock.ts';
import {
  applyRunPatch, stateStoreInput as input,
  type AuditRecord, type ClaimInit, type ClaimResult, type DeadLetter, type Lease, type Run, type RunPatch,
  type RunStatus, type StateStore,
} from '../../ports/state-store.ts';
import type { FlowName } from '../../events/topics.ts';
import { ControlPlaneError, PermanentError, TransientError } from '../../runtime/errors.ts';
import { systemClock } from '../../runtime/system-clock.ts';

export interface FirestoreStateStoreOptions {
  projectId: string;
  /** Named database; Firestore's `(default)` when absent. */
  databaseId?: string;
  /** Prepended to every collection name, so several deployments (or test runs) share a database. */
  collectionPrefix?: string;
  clock?: Clock;
}

export const FIRESTORE_COLLECTIONS = ['runs', 'idempotencyKeys', 'leases', 'audit', 'deadLetters', 'kv'] as const;
type CollectionName = (typeof FIRESTORE_COLLECTIONS)[number];

/** Composite indexes the queries need in production (Terraform `google_firestore_index`). */
export const FIRESTORE_INDEXES: ReadonlyArray<{ collection: CollectionName; fields: ReadonlyArray<[string, 'ASCENDING' | 'DESCENDING']> }> = [
  ...(['flow', 'status', 'target'] as const).map((f) => ({ collection: 'runs' as const, fields: [[f, 'ASCENDING'], ['createdAt', 'DESCENDING']] as Array<[string, 'ASCENDING' | 'DESCENDING']> })),
  ...(['runId', 'flow', 'target', 'result'] as const).map((f) => ({ collection: 'audit' as const, fields: [[f, 'ASCENDING'], ['at', 'DESCENDING']] as Array<[string, 'ASCENDING' | 'DESCENDING']> })),
  { collection: 'deadLetters', fields: [['replayed', 'ASCENDING'], ['at', 'DESCENDING']] },
  { collection: 'deadLetters', fields: [['flow', 'ASCENDING'], ['at', 'DESCENDING']] },
];

/** Canonical gRPC codes Firestore reports. */
const CODE = { DEADLINE_EXCEEDED: 4, ALREADY_EXISTS: 6, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, UNAVAILABLE: 14 } as const;
const TRANSIENT_CODES: ReadonlySet<number> = new Set([CODE.ABORTED, CODE.UNAVAILABLE, CODE.DEADLINE_EXCEEDED, CODE.RESOURCE_EXHAUSTED]);

/**
 * Maps what the Firestore client throws onto the runtime's error classes: contention,
 * unavailability, deadlines and quota are transient (a redelivery may succeed); any other
 * status is permanent. Errors without a status (ours, programming errors) pass through.
 */
export function mapFirestoreError(err: unknown, where: string): unknown {
  if (err instanceof ControlPlaneError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return err;
  const message = `firestore ${where} failed: ${(err as Error).message ?? String(err)}`;
  return TRANSIENT_CODES.has(code)
    ? new TransientError(message, { code, where, cause: err })
    : new PermanentError(message, { code, where, cause: err });
}

/** Firestore document ids may not contain '/', be '.' or '..', or look like `__x__`; hashing any string makes a safe, fixed-size id. */
export function hashedDocId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function requireDocId(method: string, field: string, value: string): string {
  input.nonEmpty(method, field, value);
  if (value.includes('/') || value === '.' || value === '..' || /^__.*__$/.test(value) || Buffer.byteLength(value) > 1500) {
    throw new Error(`${method}: ${field} ${JSON.stringify(value)} cannot be a Firestore document id (no '/', not '.' or '..', not __x__, at most 1500 bytes)`);
  }
  return value;
}

let idCounter = 0;
/** Ids that sort by creation, so equal timestamps still list newest first (Firestore breaks ties by document id). */
function sortableId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  return `${Date.now().toString(36).padStart(9, '0')}${idCounter.toString(36).padStart(4, '0')}${randomBytes(5).toString('hex')}`;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function runToDoc(run: Run): DocumentData {
  const { input: runInput, result, ...rest } = run;
  return withoutUndefined({
    ...rest,
    inputJson: runInput === undefined ? undefined : JSON.stringify(runInput),
    resultJson: result === undefined ? undefined : JSON.stringify(result),
  });
}

function docToRun(data: DocumentData): Run {
  const { inputJson, resultJson, ...rest } = data;
  return withoutUndefined({
    ...(rest as Run),
    input: typeof inputJson === 'string' ? JSON.parse(inputJson) : undefined,
    result: typeof resultJson === 'string' ? JSON.parse(resultJson) : undefined,
  });
}

function auditToDoc(record: AuditRecord): DocumentData {
  const { details, ...rest } = record;
  return withoutUndefined({ ...rest, detailsJson: details === undefined ? undefined : JSON.stringify(details) });
}

function docToAudit(data: DocumentData): AuditRecord {
  const { detailsJson, ...rest } = data;
  return withoutUndefined({ ...(rest as AuditRecord), details: typeof detailsJson === 'string' ? JSON.parse(detailsJson) : undefined });
}

function deadLetterToDoc(letter: DeadLetter): DocumentData {
  return { ...withoutUndefined(letter), raw: withoutUndefined(letter.raw), replayed: letter.replayedAt !== undefined };
}

function docToDeadLetter(data: DocumentData): DeadLetter {
  const { replayed: _replayed, ...rest } = data;
  return rest as DeadLetter;
}

export class FirestoreStateStore implements StateStore {
  private readonly options: FirestoreStateStoreOptions;
  private readonly clock: Clock;
  private client?: Firestore;
  private closed = false;

  constructor(options: FirestoreStateStoreOptions) {
    input.nonEmpty('FirestoreStateStore', 'projectId', options.projectId);
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /** The client is made on first use, once per store: no connection at import or construction time. */
  private db(): Firestore {
    if (this.closed) throw new Error(`FirestoreStateStore for project ${this.options.projectId} is closed`);
    this.client ??= new Firestore({
      projectId: this.options.projectId,
      ...(this.options.databaseId !== undefined && { databaseId: this.options.databaseId }),
      ignoreUndefinedProperties: true,
      // Against the emulator no credential is needed; naming the universe up front stops
      // google-gax from looking for one, which would probe the GCE metadata server.
      ...(process.env.FIRESTORE_EMULATOR_HOST && { universeDomain: 'googleapis.com' }),
    });
    return this.client;
  }

  private col(name: CollectionName): CollectionReference {
    return this.db().collection(`${this.options.collectionPrefix ?? ''}${name}`);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async guard<T>(where: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw mapFirestoreError(err, where);
    }
  }

  async claim(key: string, init: ClaimInit): Promise<ClaimResult> {
    input.nonEmpty('claim', 'key', key);
    requireDocId('claim', 'init.id', init.id);
    const at = this.now();
    const run: Run = withoutUndefined({
      id: init.id, flow: init.flow, key, status: init.status ?? 'running', attempts: init.attempts ?? 0,
      createdAt: at, updatedAt: at, steps: [], target: init.target, input: init.input, leaseExpiresAt: init.leaseExpiresAt,
    });
    const keyRef = this.col('idempotencyKeys').doc(hashedDocId(key));
    return this.guard('claim', async () => {
      try {
        await this.db().batch()
          .create(keyRef, { key, runId: run.id, createdAt: at })
          .create(this.col('runs').doc(run.id), runToDoc(run))
          .commit();
        return { claimed: true, run };
      } catch (err) {
        if ((err as { code?: unknown }).code !== CODE.ALREADY_EXISTS) throw err;
      }
      const existing = await this.getRunByKey(key);
      if (!existing) throw new Error(`claim: run id ${init.id} already belongs to another idempotency key (claiming key ${key})`);
      return { claimed: false, run: existing };
    });
  }

  async acquireLease(target: string, owner: string, ttlMs: number): Promise<Lease | null> {
    input.nonEmpty('acquireLease', 'target', target);
    input.nonEmpty('acquireLease', 'owner', owner);
    input.ttl('acquireLease', ttlMs);
    const ref = this.col('leases').doc(hashedDocId(target));
    const leaseFrom = (nowMs: number) => ({ target, owner, expiresAt: new Date(nowMs + ttlMs).toISOString(), expiresAtMs: nowMs + ttlMs });
    return this.guard('acquireLease', async () => {
      // A free target is one create(); only a taken one needs a transaction to inspect it.
      const fresh = leaseFrom(this.clock.now().getTime());
      try {
        await ref.create(fresh);
        return { target, owner, expiresAt: fresh.expiresAt };
      } catch (err) {
        if ((err as { code?: unknown }).code !== CODE.ALREADY_EXISTS) throw err;
      }
      return this.db().runTransaction(async (tx) => {
        const nowMs = this.clock.now().getTime();
        const current = (await tx.get(ref)).data();
        if (current && current.owner !== owner && (current.expiresAtMs as number) > nowMs) return null;
        const lease = leaseFrom(nowMs);
        tx.set(ref, lease);
        return { target, owner, expiresAt: lease.expiresAt };
      });
    });
  }

  async renewLease(target: string, owner: string, ttlMs: number): Promise<boolean> {
    input.nonEmpty('renewLease', 'target', target);
    input.nonEmpty('renewLease', 'owner', owner);
    input.ttl('renewLease', ttlMs);
    const ref = this.col('leases').doc(hashedDocId(target));
    return this.guard('renewLease', () => this.db().runTransaction(async (tx) => {
      const nowMs = this.clock.now().getTime();
      const current = (await tx.get(ref)).data();
      if (!current || current.owner !== owner || (current.expiresAtMs as number) <= nowMs) return false;
      tx.update(ref, { expiresAt: new Date(nowMs + ttlMs).toISOString(), expiresAtMs: nowMs + ttlMs });
      return true;
    }));
  }

  async releaseLease(target: string, owner: string): Promise<boolean> {
    input.nonEmpty('releaseLease', 'target', target);
    input.nonEmpty('releaseLease', 'owner', owner);
    const ref = this.col('leases').doc(hashedDocId(target));
    return this.guard('releaseLease', () => this.db().runTransaction(async (tx) => {
      const current = (await tx.get(ref)).data();
      if (!current || current.owner !== owner) return false;
      tx.delete(ref);
      return true;
    }));
  }

  async getRun(id: string): Promise<Run | null> {
    if (!id || id.includes('/')) return null;
    return this.guard('getRun', async () => {
      const data = (await this.col('runs').doc(id).get()).data();
      return data ? docToRun(data) : null;
    });
  }

  async getRunByKey(key: string): Promise<Run | null> {
    if (!key) return null;
    return this.guard('getRunByKey', async () => {
      const pointer = (await this.col('idempotencyKeys').doc(hashedDocId(key)).get()).data();
      return pointer ? this.getRun(pointer.runId as string) : null;
    });
  }

  async updateRun(id: string, patch: RunPatch): Promise<Run> {
    requireDocId('updateRun', 'id', id);
    const ref = this.col('runs').doc(id);
    return this.guard('updateRun', () => this.db().runTransaction(async (tx) => {
      const data = (await tx.get(ref)).data();
      if (!data) throw new Error(`updateRun: run ${id} not found`);
      const next = applyRunPatch(docToRun(data), patch, this.now());
      tx.set(ref, runToDoc(next));
      return next;
    }));
  }

  async listRuns(query: { flow?: FlowName; status?: RunStatus; target?: string; limit?: number } = {}): Promise<Run[]> {
    const limit = input.limit('listRuns', query.limit);
    let q: Query = this.col('runs');
    if (query.flow !== undefined) q = q.where('flow', '==', query.flow);
    if (query.status !== undefined) q = q.where('status', '==', query.status);
    if (query.target !== undefined) q = q.where('target', '==', query.target);
    q = q.orderBy('createdAt', 'desc');
    if (limit !== undefined) q = q.limit(limit);
    return this.guard('listRuns', async () => (await q.get()).docs.map((d) => docToRun(d.data())));
  }

  async appendAudit(record: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): Promise<AuditRecord> {
    input.nonEmpty('appendAudit', 'actor', record.actor);
    input.nonEmpty('appendAudit', 'action', record.action);
    const full: AuditRecord = withoutUndefined({ ...record, id: sortableId(), at: record.at === undefined ? this.now() : input.iso('appendAudit', 'at', record.at) });
    await this.guard('appendAudit', () => this.col('audit').doc(full.id).create(auditToDoc(full)));
    return full;
  }

  async queryAudit(query: { runId?: string; flow?: AuditRecord['flow']; target?: string; result?: AuditRecord['result']; since?: string; limit?: number } = {}): Promise<AuditRecord[]> {
    const limit = input.limit('queryAudit', query.limit);
    let q: Query = this.col('audit');
    if (query.runId !== undefined) q = q.where('runId', '==', query.runId);
    if (query.flow !== undefined) q = q.where('flow', '==', query.flow);
    if (query.target !== undefined) q = q.where('target', '==', query.target);
    if (query.result !== undefined) q = q.where('result', '==', query.result);
    if (query.since !== undefined) q = q.where('at', '>=', input.iso('queryAudit', 'since', query.since));
    q = q.orderBy('at', 'desc');
    if (limit !== undefined) q = q.limit(limit);
    return this.guard('queryAudit', async () => (await q.get()).docs.map((d) => docToAudit(d.data())));
  }

  async putDeadLetter(record: Omit<DeadLetter, 'id' | 'at' | 'replayCount'> & { at?: string }): Promise<DeadLetter> {
    input.nonEmpty('putDeadLetter', 'reason', record.reason);
    if (typeof record.raw?.data !== 'string') throw new Error('putDeadLetter: raw.data must be the base64 string of the message data');
    const full: DeadLetter = withoutUndefined({
      ...record, id: sortableId(), replayCount: 0,
      at: record.at === undefined ? this.now() : input.iso('putDeadLetter', 'at', record.at),
    });
    await this.guard('putDeadLetter', () => this.col('deadLetters').doc(full.id).create(deadLetterToDoc(full)));
    return full;
  }

  async listDeadLetters(query: { flow?: FlowName; includeReplayed?: boolean; limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = input.limit('listDeadLetters', query.limit);
    let q: Query = this.col('deadLetters');
    if (query.flow !== undefined) q = q.where('flow', '==', query.flow);
    if (!query.includeReplayed) q = q.where('replayed', '==', false);
    q = q.orderBy('at', 'desc');
    if (limit !== undefined) q = q.limit(limit);
    return this.guard('listDeadLetters', async () => (await q.get()).docs.map((d) => docToDeadLetter(d.data())));
  }

  async getDeadLetter(id: string): Promise<DeadLetter | null> {
    if (!id || id.includes('/')) return null;
    return this.guard('getDeadLetter', async () => {
      const data = (await this.col('deadLetters').doc(id).get()).data();
      return data ? docToDeadLetter(data) : null;
    });
  }

  async markDeadLetterReplayed(id: string): Promise<DeadLetter> {
    requireDocId('markDeadLetterReplayed', 'id', id);
    const ref = this.col('deadLetters').doc(id);
    return this.guard('markDeadLetterReplayed', () => this.db().runTransaction(async (tx) => {
      const data = (await tx.get(ref)).data();
      if (!data) throw new Error(`markDeadLetterReplayed: dead letter ${id} not found`);
      const current = docToDeadLetter(data);
      const next: DeadLetter = { ...current, replayedAt: this.now(), replayCount: current.replayCount + 1 };
      tx.set(ref, deadLetterToDoc(next));
      return next;
    }));
  }

  async getValue<T = unknown>(namespace: string, key: string): Promise<{ value: T; version: number } | null> {
    return this.guard('getValue', async () => {
      const data = (await this.col('kv').doc(hashedDocId(namespace, key)).get()).data();
      return data ? { value: JSON.parse(data.valueJson as string) as T, version: data.version as number } : null;
    });
  }

  async putValue<T = unknown>(namespace: string, key: string, value: T, expectedVersion?: number): Promise<{ ok: boolean; version: number }> {
    input.nonEmpty('putValue', 'namespace', namespace);
    input.nonEmpty('putValue', 'key', key);
    if (expectedVersion !== undefined) input.version('putValue', expectedVersion);
    const valueJson = input.json('putValue', value);
    const ref = this.col('kv').doc(hashedDocId(namespace, key));
    const currentVersion = async () => ((await ref.get()).get('version') as number | undefined) ?? 0;
    return this.guard('putValue', async () => {
      if (expectedVersion === undefined) {
        return this.db().runTransaction(async (tx) => {
          const version = ((await tx.get(ref)).get('version') as number | undefined) ?? 0;
          tx.set(ref, { namespace, key, valueJson, version: version + 1, updatedAt: this.now() });
          return { ok: true, version: version + 1 };
        });
      }
      // Compare-and-set without locks: create() when absent, otherwise an update guarded by the
      // update time we read. A concurrent writer makes ours fail instead of waiting and retrying.
      if (expectedVersion === 0) {
        try {
          await ref.create({ namespace, key, valueJson, version: 1, updatedAt: this.now() });
          return { ok: true, version: 1 };
        } catch (err) {
          if ((err as { code?: unknown }).code !== CODE.ALREADY_EXISTS) throw err;
          return { ok: false, version: await currentVersion() };
        }
      }
      const snapshot = await ref.get();
      const version = (snapshot.get('version') as number | undefined) ?? 0;
      if (!snapshot.exists || version !== expectedVersion) return { ok: false, version };
      try {
        await ref.update({ valueJson, version: version + 1, updatedAt: this.now() }, { lastUpdateTime: snapshot.updateTime! });
        return { ok: true, version: version + 1 };
      } catch (err) {
        if ((err as { code?: unknown }).code !== CODE.FAILED_PRECONDITION) throw err;
        return { ok: false, version: await currentVersion() };
      }
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.closed = true;
    this.client = undefined;
    if (client) await client.terminate();
  }
}
