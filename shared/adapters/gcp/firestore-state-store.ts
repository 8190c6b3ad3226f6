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
import { FieldValue, Firestore, type CollectionReference, type DocumentData, type Query } from '@google-cloud/firestore';
import type { Clock } from '../../ports/clock.ts';
import {
  applyRunPatch, canonicalStep, checkOutboxMessage, checkParked, RESUMABLE_RUN_STATUSES, stateStoreInput as input,
  type AuditRecord, type ClaimInit, type ClaimResult, type DeadLetter, type FinishRunRequest, type FinishRunResult,
  type Lease, type OutboxEntry, type OutboxSettlement, type ParkedDelivery, type Run, type RunPatch, type RunStatus,
  type RunStep, type StartRunRequest, type StartRunResult, type StateStore,
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

export const FIRESTORE_COLLECTIONS = ['runs', 'idempotencyKeys', 'leases', 'audit', 'deadLetters', 'kv', 'parked', 'outbox'] as const;
type CollectionName = (typeof FIRESTORE_COLLECTIONS)[number];

/** Composite indexes the queries need in production (Terraform `google_firestore_index`). */
export const FIRESTORE_INDEXES: ReadonlyArray<{ collection: CollectionName; fields: ReadonlyArray<[string, 'ASCENDING' | 'DESCENDING']> }> = [
  ...(['flow', 'status', 'target'] as const).map((f) => ({ collection: 'runs' as const, fields: [[f, 'ASCENDING'], ['createdAt', 'DESCENDING']] as Array<[string, 'ASCENDING' | 'DESCENDING']> })),
  ...(['runId', 'flow', 'target', 'result'] as const).map((f) => ({ collection: 'audit' as const, fields: [[f, 'ASCENDING'], ['at', 'DESCENDING']] as Array<[string, 'ASCENDING' | 'DESCENDING']> })),
  { collection: 'deadLetters', fields: [['replayed', 'ASCENDING'], ['at', 'DESCENDING']] },
  { collection: 'deadLetters', fields: [['flow', 'ASCENDING'], ['at', 'DESCENDING']] },
  { collection: 'parked', fields: [['target', 'ASCENDING'], ['parkedAt', 'ASCENDING']] },
  { collection: 'outbox', fields: [['runId', 'ASCENDING'], ['orderMs', 'ASCENDING']] },
];

/** Canonical gRPC codes Firestore reports. */
const CODE = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, UNAVAILABLE: 14 } as const;
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

/**
 * The run document also holds `outboxLastMs`, the order of the run's last status event in the
 * outbox: the next one is ordered after it even when another instance's clock is behind.
 */
function docToRun(data: DocumentData): Run {
  const { inputJson, resultJson, outboxLastMs: _outboxLastMs, ...rest } = data;
  return withoutUndefined({
    ...(rest as Run),
    input: typeof inputJson === 'string' ? JSON.parse(inputJson) : undefined,
    result: typeof resultJson === 'string' ? JSON.parse(resultJson) : undefined,
  });
}

/** The fields a patch changes, as a Firestore update (a field patched with undefined is deleted). */
function patchToUpdate(patch: RunPatch, updatedAt: string): DocumentData {
  const update: DocumentData = { updatedAt };
  for (const field of ['status', 'target', 'attempts', 'leaseExpiresAt', 'error', 'refs', 'steps'] as const) {
    if (field in patch) update[field] = patch[field] === undefined ? FieldValue.delete() : patch[field];
  }
  if ('input' in patch) update.inputJson = patch.input === undefined ? FieldValue.delete() : JSON.stringify(patch.input);
  if ('result' in patch) update.resultJson = patch.result === undefined ? FieldValue.delete() : JSON.stringify(patch.result);
  if (update.error && typeof update.error === 'object' && !(update.error instanceof FieldValue)) update.error = withoutUndefined(update.error as object);
  return update;
}

function docToOutbox(id: string, data: DocumentData): OutboxEntry {
  return withoutUndefined({
    id, runId: data.runId as string, flow: data.flow as FlowName, topic: data.topic as string, data: JSON.parse(data.dataJson as string) as unknown,
    attributes: JSON.parse(data.attributesJson as string) as Record<string, string>, createdAt: data.createdAt as string, attempts: data.attempts as number,
    lastError: data.lastError as string | undefined, lastAttemptAt: data.lastAttemptAt as string | undefined,
    nextAttemptAt: typeof data.nextAttemptMs === 'number' ? new Date(data.nextAttemptMs).toISOString() : undefined,
    claimedBy: data.claimedBy as string | undefined,
    claimedUntil: typeof data.claimedUntilMs === 'number' ? new Date(data.claimedUntilMs).toISOString() : undefined,
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
      const at = this.now();
      const next = applyRunPatch(docToRun(data), patch, at);
      // Only the patched fields are sent, not the whole document.
      tx.update(ref, patchToUpdate(patch, at));
      return next;
    }));
  }

  async startRun(request: StartRunRequest): Promise<StartRunResult> {
    input.nonEmpty('startRun', 'key', request?.key);
    requireDocId('startRun', 'init.id', request.init?.id);
    const leaseExpiresAt = input.iso('startRun', 'init.leaseExpiresAt', request.init.leaseExpiresAt);
    const { target, owner, ttlMs } = request.lease ?? ({} as StartRunRequest['lease']);
    input.nonEmpty('startRun', 'target', target);
    input.nonEmpty('startRun', 'owner', owner);
    input.ttl('startRun', ttlMs);
    // A duplicate of a finished run is answered from two plain reads, outside any transaction, so
    // a storm of copies does not contend on the key's documents.
    const known = await this.getRunByKey(request.key);
    if (known && !RESUMABLE_RUN_STATUSES.has(known.status)) return { outcome: 'finished', run: known };
    const keyRef = this.col('idempotencyKeys').doc(hashedDocId(request.key));
    const leaseRef = this.col('leases').doc(hashedDocId(target));
    const newRef = this.col('runs').doc(request.init.id);
    return this.guard('startRun', () => this.db().runTransaction(async (tx): Promise<StartRunResult> => {
      const [keySnap, leaseSnap, newSnap] = await tx.getAll(keyRef, leaseRef, newRef);
      const pointer = keySnap!.data();
      const runRef = pointer ? this.col('runs').doc(pointer.runId as string) : newRef;
      const currentData = pointer ? (pointer.runId === request.init.id ? newSnap!.data() : (await tx.get(runRef)).data()) : undefined;
      const current = currentData ? docToRun(currentData) : null;
      if (current && !RESUMABLE_RUN_STATUSES.has(current.status)) return { outcome: 'finished', run: current };
      const nowMs = this.clock.now().getTime();
      const held = leaseSnap!.data();
      if (held && held.owner !== owner && (held.expiresAtMs as number) > nowMs) return { outcome: 'busy', run: current };
      const lease = { target, owner, expiresAt: new Date(nowMs + ttlMs).toISOString(), expiresAtMs: nowMs + ttlMs };
      const at = this.now();
      if (!current) {
        if (newSnap!.exists) throw new Error(`startRun: run id ${request.init.id} already belongs to another idempotency key (claiming key ${request.key})`);
        const run: Run = withoutUndefined({
          id: request.init.id, flow: request.init.flow, key: request.key, status: request.init.status ?? 'running', attempts: request.init.attempts ?? 0,
          createdAt: at, updatedAt: at, steps: [], target: request.init.target, input: request.init.input, leaseExpiresAt,
        });
        tx.set(leaseRef, lease).create(keyRef, { key: request.key, runId: run.id, createdAt: at }).create(newRef, runToDoc(run));
        return { outcome: 'claimed', run, lease: { target, owner, expiresAt: lease.expiresAt } };
      }
      const run: Run = { ...current, status: 'running', attempts: current.attempts + 1, leaseExpiresAt, updatedAt: at };
      tx.set(leaseRef, lease).update(runRef, { status: 'running', attempts: run.attempts, leaseExpiresAt, updatedAt: at });
      return { outcome: 'resumed', run, lease: { target, owner, expiresAt: lease.expiresAt } };
    }));
  }

  async finishRun(request: FinishRunRequest): Promise<FinishRunResult> {
    requireDocId('finishRun', 'runId', request?.runId);
    if (request.claim) {
      input.nonEmpty('finishRun', 'claim.owner', request.claim.owner);
      input.ttl('finishRun claim', request.claim.claimMs);
    }
    if (request.release) {
      input.nonEmpty('finishRun', 'target', request.release.target);
      input.nonEmpty('finishRun', 'owner', request.release.owner);
    }
    if (request.audit) {
      input.nonEmpty('finishRun', 'actor', request.audit.actor);
      input.nonEmpty('finishRun', 'action', request.audit.action);
    }
    const event = request.event ? checkOutboxMessage('finishRun', request.event) : undefined;
    const runRef = this.col('runs').doc(request.runId);
    const leaseRef = request.release ? this.col('leases').doc(hashedDocId(request.release.target)) : undefined;
    return this.guard('finishRun', () => this.db().runTransaction(async (tx): Promise<FinishRunResult> => {
      // Every read before any write, as Firestore transactions require; the reads go out together.
      const [runSnap, leaseSnap, parkedPage, olderPage] = await Promise.all([
        tx.get(runRef),
        leaseRef ? tx.get(leaseRef) : undefined,
        request.release ? tx.get(this.col('parked').where('target', '==', request.release.target).limit(1)) : undefined,
        event && request.claim ? tx.get(this.col('outbox').where('runId', '==', request.runId).limit(1)) : undefined,
      ]);
      const data = runSnap.data();
      const leaseData = leaseSnap?.data();
      const parked = parkedPage ? !parkedPage.empty : false;
      const older = olderPage ? !olderPage.empty : false;
      if (!data) throw new Error(`finishRun: run ${request.runId} not found`);
      const at = this.now();
      const nowMs = this.clock.now().getTime();
      const run = applyRunPatch(docToRun(data), request.patch, at);
      const update = patchToUpdate(request.patch, at);
      const out: FinishRunResult = { run };
      if (event) {
        const orderMs = Math.max(nowMs, ((data.outboxLastMs as number | undefined) ?? -1) + 1);
        update.outboxLastMs = orderMs;
        const claim = request.claim && !older ? request.claim : undefined;
        const ref = this.col('outbox').doc(sortableId());
        const doc = withoutUndefined({
          runId: run.id, flow: run.flow, topic: event.topic, dataJson: event.dataJson, attributesJson: JSON.stringify(event.attributes),
          createdAt: at, orderMs, attempts: 0, claimedBy: claim?.owner, claimedUntilMs: claim ? nowMs + claim.claimMs : undefined,
        });
        tx.create(ref, doc);
        out.outbox = docToOutbox(ref.id, doc);
      }
      tx.update(runRef, update);
      if (request.audit) {
        const audit: AuditRecord = withoutUndefined({ ...request.audit, id: sortableId(), at: request.audit.at === undefined ? at : input.iso('finishRun', 'at', request.audit.at) });
        tx.create(this.col('audit').doc(audit.id), auditToDoc(audit));
        out.audit = audit;
      }
      if (request.release && leaseRef) {
        if (leaseData?.owner !== request.release.owner) out.lease = 'lost';
        else if (parked) out.lease = 'held';
        else {
          tx.delete(leaseRef);
          out.lease = 'released';
        }
      }
      return out;
    }));
  }

  async appendRunStep(runId: string, step: RunStep): Promise<void> {
    requireDocId('appendRunStep', 'runId', runId);
    const canonical = withoutUndefined(canonicalStep('appendRunStep', step));
    // arrayUnion appends without reading the run (one write, no transaction), and adds nothing
    // when an equal step is already there, which is the port's rule for a repeated step.
    await this.guard('appendRunStep', async () => {
      try {
        await this.col('runs').doc(runId).update({ steps: FieldValue.arrayUnion(canonical), updatedAt: this.now() });
      } catch (err) {
        if ((err as { code?: unknown }).code === CODE.NOT_FOUND) throw new Error(`appendRunStep: run ${runId} not found`);
        throw err;
      }
    });
  }

  async claimOutbox(owner: string, options: { limit: number; claimMs: number }): Promise<OutboxEntry[]> {
    input.nonEmpty('claimOutbox', 'owner', owner);
    const limit = input.limit('claimOutbox', options?.limit)!;
    input.ttl('claimOutbox', options.claimMs);
    return this.guard('claimOutbox', () => this.db().runTransaction(async (tx) => {
      const page = await tx.get(this.col('outbox').orderBy('orderMs', 'asc').limit(Math.max(limit * 4, 200)));
      const nowMs = this.clock.now().getTime();
      const blocked = new Set<string>();
      const claimed: OutboxEntry[] = [];
      for (const doc of page.docs) {
        if (claimed.length >= limit) break;
        const data = doc.data();
        const runId = data.runId as string;
        if (blocked.has(runId)) continue;
        const free = (typeof data.claimedUntilMs !== 'number' || data.claimedUntilMs <= nowMs) && (typeof data.nextAttemptMs !== 'number' || data.nextAttemptMs <= nowMs);
        if (!free) { blocked.add(runId); continue; }
        const claim = { claimedBy: owner, claimedUntilMs: nowMs + options.claimMs };
        tx.update(doc.ref, claim);
        claimed.push(docToOutbox(doc.id, { ...data, ...claim }));
      }
      return claimed;
    }));
  }

  async settleOutbox(owner: string, settlement: OutboxSettlement): Promise<OutboxEntry[]> {
    input.nonEmpty('settleOutbox', 'owner', owner);
    for (const f of settlement.failed) input.iso('settleOutbox', 'failed.retryAt', f.retryAt);
    const ids = [...settlement.published, ...settlement.failed.map((f) => f.id), ...settlement.released];
    if (ids.length === 0) return [];
    for (const id of ids) requireDocId('settleOutbox', 'id', id);
    const ref = (id: string) => this.col('outbox').doc(id);
    return this.guard('settleOutbox', () => this.db().runTransaction(async (tx) => {
      const snaps = await tx.getAll(...ids.map(ref));
      const held = new Map(snaps.filter((snap) => snap.exists && snap.get('claimedBy') === owner).map((snap) => [snap.id, snap.data()!]));
      for (const id of settlement.published) if (held.has(id)) tx.delete(ref(id));
      for (const id of settlement.released) if (held.has(id)) tx.update(ref(id), { claimedBy: FieldValue.delete(), claimedUntilMs: FieldValue.delete() });
      const at = this.now();
      const failed: OutboxEntry[] = [];
      for (const f of settlement.failed) {
        const data = held.get(f.id);
        if (!data) continue;
        const update = { attempts: (data.attempts as number) + 1, lastError: f.error, lastAttemptAt: at, nextAttemptMs: Date.parse(f.retryAt) };
        tx.update(ref(f.id), { ...update, claimedBy: FieldValue.delete(), claimedUntilMs: FieldValue.delete() });
        const { claimedBy: _by, claimedUntilMs: _until, ...rest } = data;
        failed.push(docToOutbox(f.id, { ...rest, ...update }));
      }
      return failed;
    }));
  }

  async listOutbox(query: { runId?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
    const limit = input.limit('listOutbox', query.limit);
    let q: Query = this.col('outbox');
    if (query.runId !== undefined) q = q.where('runId', '==', query.runId);
    q = q.orderBy('orderMs', 'asc');
    if (limit !== undefined) q = q.limit(limit);
    return this.guard('listOutbox', async () => (await q.get()).docs.map((d) => docToOutbox(d.id, d.data())));
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

  async park(entry: Omit<ParkedDelivery, 'id' | 'parkedAt'> & { parkedAt?: string }): Promise<ParkedDelivery> {
    const checked = checkParked(entry);
    const id = hashedDocId(checked.target, checked.key);
    const ref = this.col('parked').doc(id);
    const parkedAt = entry.parkedAt === undefined ? this.now() : input.iso('park', 'parkedAt', entry.parkedAt);
    return this.guard('park', () => this.db().runTransaction(async (tx) => {
      const current = (await tx.get(ref)).data() as ParkedDelivery | undefined;
      const next: ParkedDelivery = { ...checked, id, parkedAt: current && current.parkedAt < parkedAt ? current.parkedAt : parkedAt };
      tx.set(ref, next);
      return next;
    }));
  }

  async nextParked(target: string): Promise<ParkedDelivery | null> {
    input.nonEmpty('nextParked', 'target', target);
    return this.guard('nextParked', async () => {
      const page = await this.col('parked').where('target', '==', target).orderBy('parkedAt', 'asc').limit(1).get();
      return (page.docs[0]?.data() as ParkedDelivery | undefined) ?? null;
    });
  }

  async getParked(target: string, key: string): Promise<ParkedDelivery | null> {
    if (!target || !key) return null;
    return this.guard('getParked', async () => ((await this.col('parked').doc(hashedDocId(target, key)).get()).data() as ParkedDelivery | undefined) ?? null);
  }

  async unpark(id: string): Promise<boolean> {
    if (!id || id.includes('/')) return false;
    const ref = this.col('parked').doc(id);
    return this.guard('unpark', () => this.db().runTransaction(async (tx) => {
      if (!(await tx.get(ref)).exists) return false;
      tx.delete(ref);
      return true;
    }));
  }

  async listParkedTargets(limit?: number): Promise<Array<{ target: string; count: number; oldest: string }>> {
    const max = input.limit('listParkedTargets', limit) ?? 1000;
    return this.guard('listParkedTargets', async () => {
      // Bounded: the oldest 5,000 entries are enough to find every stuck queue of a sweep.
      const page = await this.col('parked').orderBy('parkedAt', 'asc').limit(5_000).select('target', 'parkedAt').get();
      const byTarget = new Map<string, { target: string; count: number; oldest: string }>();
      for (const doc of page.docs) {
        const { target, parkedAt } = doc.data() as { target: string; parkedAt: string };
        const seen = byTarget.get(target);
        if (seen) seen.count++;
        else byTarget.set(target, { target, count: 1, oldest: parkedAt });
      }
      return [...byTarget.values()].sort((a, b) => (a.oldest === b.oldest ? a.target.localeCompare(b.target) : a.oldest < b.oldest ? -1 : 1)).slice(0, max);
    });
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
