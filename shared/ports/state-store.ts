/**
 * The control plane's own state: idempotency keys, leases, runs, audit, dead letters.
 * SQLite (local, embedded default) and Firestore (production) implement it, and one
 * contract suite (test/contract/state-store.contract.ts) holds both to the same behaviour.
 */
import type { FlowName } from '../events/topics.ts';

export type RunStatus =
  | 'running'            // an attempt is in progress (lease in `leaseExpiresAt`)
  | 'retrying'           // the last attempt failed transiently; a redelivery will resume
  | 'accepted'           // validated and recorded; the flow's actions are not wired yet
  | 'awaiting-approval'  // a human must approve before anything changes
  | 'executing'          // handed to an external execution (a workflow); a follower records its end
  | 'succeeded'
  | 'failed'
  | 'suppressed'         // a guardrail decided not to act (recorded with the reason)
  | 'cancelled';

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set([
  'accepted', 'succeeded', 'failed', 'suppressed', 'cancelled',
]);

/** Allowed status transitions; stores refuse anything else (a bug, not a race). */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  running: ['running', 'retrying', 'succeeded', 'failed', 'accepted', 'suppressed', 'awaiting-approval', 'executing', 'cancelled'],
  retrying: ['running', 'failed', 'cancelled'],
  'awaiting-approval': ['running', 'executing', 'succeeded', 'failed', 'cancelled', 'suppressed'],
  executing: ['succeeded', 'failed', 'cancelled'],
  accepted: [],
  succeeded: [],
  failed: [],
  suppressed: [],
  cancelled: [],
};

export interface RunStep {
  name: string;
  status: 'pending' | 'succeeded' | 'failed' | 'skipped' | 'compensated' | 'compensation-failed';
  detail?: string;
  at: string;
}

export interface Run {
  id: string;
  flow: FlowName;
  /** The idempotency key that created the run. */
  key: string;
  status: RunStatus;
  /** What the run acts on (workspace, instance, app, budget); used for locks and queries. */
  target?: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** While `running`: when the current attempt's claim expires and another delivery may take over. */
  leaseExpiresAt?: string;
  /** Flow-specific input summary (never secrets). */
  input?: unknown;
  steps: RunStep[];
  result?: unknown;
  error?: { class: 'permanent' | 'transient'; message: string; where?: string };
  /** External references such as a workflow execution name. */
  refs?: Record<string, string>;
}

/** Runs a delivery may take over under the target's lock: the attempt crashed (`running`) or failed transiently (`retrying`). */
export const RESUMABLE_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['running', 'retrying']);

export type RunPatch = Partial<Pick<Run, 'status' | 'target' | 'attempts' | 'leaseExpiresAt' | 'input' | 'steps' | 'result' | 'error' | 'refs'>>;

export interface AuditRecord {
  id: string;
  at: string;
  flow: FlowName | 'cli' | 'system';
  runId?: string;
  /** Who asked: requester email, alert policy, scheduler job, or `stackctl`. */
  actor: string;
  action: string;
  target?: string;
  /** Why: e.g. "duplicate of run X", "cooldown until T". */
  reason?: string;
  result: 'ok' | 'duplicate' | 'suppressed' | 'failed' | 'dead-lettered' | 'info';
  durationMs?: number;
  details?: unknown;
}

export interface DeadLetter {
  id: string;
  at: string;
  flow: FlowName;
  topic: string;
  /** The raw message exactly as received, base64 of the data plus attributes. */
  raw: { data: string; attributes: Record<string, string>; messageId?: string; publishTime?: string };
  reason: string;
  /**
   * Size and digest of the full message data. When it was larger than the store keeps inline,
   * `raw.data` is empty and `uri` names the object holding the full message (data + attributes).
   */
  payload?: { bytes: number; sha256: string; uri?: string };
  replayedAt?: string;
  replayCount: number;
}

/**
 * What a claimed run starts as. Claiming straight into `running` with a lease (and attempt 1)
 * makes "claim and start" one atomic step: a concurrent copy of the message sees a running run
 * with a live lease and backs off; there is no "recorded, not started" state another copy could take over.
 */
export interface ClaimInit {
  id: string;
  flow: FlowName;
  target?: string;
  input?: unknown;
  status?: RunStatus;
  attempts?: number;
  leaseExpiresAt?: string;
}

export type ClaimResult =
  | { claimed: true; run: Run }
  | { claimed: false; run: Run };

export interface Lease {
  target: string;
  owner: string;
  expiresAt: string;
}

/**
 * A delivery that found its target busy, kept (and its Pub/Sub message acked) until the target is
 * free. Contention is not failure: parking spends none of the delivery attempts that lead to the
 * dead-letter topic. Whoever releases the target republishes the oldest entry (runtime/lease.ts).
 */
export interface ParkedDelivery {
  /** Stable for one (target, key): parking the same message twice keeps one entry. */
  id: string;
  target: string;
  /** The idempotency key of the parked message. */
  key: string;
  flow: FlowName;
  /** Where the message is republished when its turn comes. */
  topic: string;
  /** The message exactly as received (base64 data and attributes). */
  raw: { data: string; attributes: Record<string, string> };
  reason: string;
  /** When the message first waited; the queue's order, kept across re-parks. */
  parkedAt: string;
}

/** What `startRun` takes: the run to claim (or resume) and the target lease to hold while it works. */
export interface StartRunRequest {
  key: string;
  /** The run created when the key has none; `leaseExpiresAt` is also the resumed run's new lease. */
  init: ClaimInit & { leaseExpiresAt: string };
  lease: { target: string; owner: string; ttlMs: number };
}

/**
 * `finished`: the key's run exists and is not resumable (a duplicate); nothing was taken.
 * `busy`: another owner holds the target's live lease; nothing was written.
 * `claimed` / `resumed`: the lease is held and the run is `running` with its lease; a resumed run's
 * `attempts` went up by one.
 */
export type StartRunResult =
  | { outcome: 'finished'; run: Run }
  | { outcome: 'busy'; run: Run | null }
  | { outcome: 'claimed'; run: Run; lease: Lease }
  | { outcome: 'resumed'; run: Run; lease: Lease };

/**
 * A status event waiting to be published: written in the same transaction as the run update it
 * reports, removed only once it was published (see runtime/outbox.ts and docs/ARCHITECTURE.md,
 * "Status events: a durable outbox"). Entries of one run are published in the order they were written.
 */
export interface OutboxEntry {
  id: string;
  runId: string;
  flow: FlowName;
  topic: string;
  /** The event (JSON). */
  data: unknown;
  attributes: Record<string, string>;
  createdAt: string;
  /** Failed publishes so far. */
  attempts: number;
  lastError?: string;
  lastAttemptAt?: string;
  /** Not retried before this time (backoff after a failure). */
  nextAttemptAt?: string;
  /** The drainer publishing it, until `claimedUntil`; after that anyone may take it over. */
  claimedBy?: string;
  claimedUntil?: string;
}

export interface OutboxMessage {
  topic: string;
  data: unknown;
  attributes?: Record<string, string>;
}

export interface FinishRunRequest {
  runId: string;
  /** Applied as `updateRun` would (transition checks included). */
  patch: RunPatch;
  /** The status event, written to the outbox in the same transaction. */
  event?: OutboxMessage;
  /** With `event`: the new entry is claimed by this drainer at once (unless an older entry of the run still waits). */
  claim?: { owner: string; claimMs: number };
  audit?: Omit<AuditRecord, 'id' | 'at'> & { at?: string };
  /** Releases the target's lease in the same transaction when no delivery is parked on it. */
  release?: { target: string; owner: string };
}

export interface FinishRunResult {
  run: Run;
  outbox?: OutboxEntry;
  audit?: AuditRecord;
  /**
   * `released`: done, nothing waited. `held`: deliveries are parked on the target, so the caller
   * still holds the lease and hands it over (runtime/lease.ts). `lost`: the caller no longer held it.
   * Absent without `release`.
   */
  lease?: 'released' | 'held' | 'lost';
}

/** What one drain pass did with the entries it claimed; settled in one transaction. */
export interface OutboxSettlement {
  /** Published: removed. */
  published: string[];
  /** Publish failed: attempt counted, error kept, claim released, retried from `retryAt`. */
  failed: Array<{ id: string; error: string; retryAt: string }>;
  /** Not attempted (an older entry of the run failed): claim released as is. */
  released: string[];
}

export interface StateStore {
  /**
   * Atomically creates the run for `key` if no run has it. Exactly one of any number of
   * concurrent claimers (across processes) gets `claimed: true`; the others get the existing run.
   */
  claim(key: string, init: ClaimInit): Promise<ClaimResult>;

  /** Try to take (or re-take an expired) lease. Returns null when someone else holds it. */
  acquireLease(target: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Extends a lease the caller holds; false when it was lost. */
  renewLease(target: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases a lease the caller holds; false when it was not the holder. */
  releaseLease(target: string, owner: string): Promise<boolean>;

  /**
   * Parks a delivery on its target's queue. One entry per (target, key): parking it again updates
   * the reason and keeps the earlier of the two `parkedAt` (so a re-parked message keeps its place).
   */
  park(entry: Omit<ParkedDelivery, 'id' | 'parkedAt'> & { parkedAt?: string }): Promise<ParkedDelivery>;
  /** The target's oldest parked delivery, or null when its queue is empty. */
  nextParked(target: string): Promise<ParkedDelivery | null>;
  /** The entry for this message on this target, if it is parked there. */
  getParked(target: string, key: string): Promise<ParkedDelivery | null>;
  /** Removes an entry; false when it was already gone. */
  unpark(id: string): Promise<boolean>;
  /** Targets with parked deliveries, oldest first (for the sweep after a crashed lock holder). */
  listParkedTargets(limit?: number): Promise<Array<{ target: string; count: number; oldest: string }>>;

  /**
   * One transaction for the start of a delivery: answers a duplicate (the key's run is finished)
   * without taking anything, else takes the target's lease and claims the run, or resumes a
   * `running`/`retrying` one (status `running`, attempts + 1, the new run lease).
   */
  startRun(request: StartRunRequest): Promise<StartRunResult>;
  /**
   * One transaction for the end of a delivery: the run's final patch, its status event into the
   * outbox, the audit record and the release of the target's lease (when nothing is parked on it).
   */
  finishRun(request: FinishRunRequest): Promise<FinishRunResult>;
  /**
   * Appends one step to the run (and bumps `updatedAt`) without rewriting the others. Appending a
   * step equal to one the run already has (same name, status, detail and time) is a no-op.
   */
  appendRunStep(runId: string, step: RunStep): Promise<void>;

  /**
   * Claims up to `limit` outbox entries that are due (not backing off) and not claimed by a live
   * drainer, roughly oldest first and a run's entries strictly in the order they were written. An
   * entry is never claimed while an older entry of its run is left out, so a run's events cannot
   * overtake each other.
   */
  claimOutbox(owner: string, options: { limit: number; claimMs: number }): Promise<OutboxEntry[]>;
  /**
   * Records the outcome of a drain pass, for the entries `owner` still holds (a claim that ran out
   * and was taken over is the new holder's to settle). Returns the failed entries as updated.
   */
  settleOutbox(owner: string, settlement: OutboxSettlement): Promise<OutboxEntry[]>;
  /** Entries still waiting, in claim order. */
  listOutbox(query?: { runId?: string; limit?: number }): Promise<OutboxEntry[]>;

  getRun(id: string): Promise<Run | null>;
  getRunByKey(key: string): Promise<Run | null>;
  /** Applies a patch; a status change must be allowed by RUN_TRANSITIONS or it throws. */
  updateRun(id: string, patch: RunPatch): Promise<Run>;
  listRuns(query?: { flow?: FlowName; status?: RunStatus; target?: string; limit?: number }): Promise<Run[]>;

  appendAudit(record: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): Promise<AuditRecord>;
  queryAudit(query?: { runId?: string; flow?: AuditRecord['flow']; target?: string; result?: AuditRecord['result']; since?: string; limit?: number }): Promise<AuditRecord[]>;

  putDeadLetter(record: Omit<DeadLetter, 'id' | 'at' | 'replayCount'> & { at?: string }): Promise<DeadLetter>;
  listDeadLetters(query?: { flow?: FlowName; includeReplayed?: boolean; limit?: number }): Promise<DeadLetter[]>;
  getDeadLetter(id: string): Promise<DeadLetter | null>;
  markDeadLetterReplayed(id: string): Promise<DeadLetter>;

  /** Small typed key/value documents for guardrails (cooldowns, counters, breakers). */
  getValue<T = unknown>(namespace: string, key: string): Promise<{ value: T; version: number } | null>;
  /** Compare-and-set: writes only when the current value's version equals `expectedVersion` (0 = absent). */
  putValue<T = unknown>(namespace: string, key: string, value: T, expectedVersion?: number): Promise<{ ok: boolean; version: number }>;

  close(): Promise<void>;
}

/**
 * The one definition of what `updateRun` does, shared by every adapter so they cannot drift:
 * a status equal to the current one is not a change; any other status must be allowed by
 * RUN_TRANSITIONS. A patch key present with `undefined` clears that optional field.
 */
export function applyRunPatch(run: Run, patch: RunPatch, updatedAt: string): Run {
  checkRunPatch(run.id, run.status, patch);
  const next: Run = { ...run, updatedAt };
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.attempts !== undefined) next.attempts = patch.attempts;
  if (patch.steps !== undefined) next.steps = patch.steps;
  for (const field of ['target', 'leaseExpiresAt', 'input', 'result', 'error', 'refs'] as const) {
    if (!(field in patch)) continue;
    const value = patch[field];
    if (value === undefined) delete next[field];
    else (next as unknown as Record<string, unknown>)[field] = value;
  }
  return next;
}

/**
 * The status checks of `applyRunPatch` alone, for adapters that write only the patched fields:
 * throws as `applyRunPatch` would.
 */
export function checkRunPatch(id: string, currentStatus: RunStatus, patch: RunPatch): void {
  if (patch.status !== undefined && patch.status !== currentStatus) {
    const allowed = RUN_TRANSITIONS[currentStatus] ?? [];
    if (!allowed.includes(patch.status)) {
      throw new Error(`run ${id}: status transition ${currentStatus} → ${patch.status} is not allowed (allowed from ${currentStatus}: ${allowed.join(', ') || 'none, it is terminal'})`);
    }
  }
  if (patch.attempts !== undefined && (!Number.isInteger(patch.attempts) || patch.attempts < 0)) {
    throw new Error(`run ${id}: attempts must be a non-negative integer, got ${String(patch.attempts)}`);
  }
  if (patch.steps !== undefined && !Array.isArray(patch.steps)) throw new Error(`run ${id}: steps must be an array`);
}

/** A step in its canonical shape (fixed fields and order), so adapters compare steps alike. */
export function canonicalStep(method: string, step: RunStep): RunStep {
  stateStoreInput.nonEmpty(method, 'step.name', step?.name);
  stateStoreInput.nonEmpty(method, 'step.status', step?.status);
  const at = stateStoreInput.iso(method, 'step.at', step.at);
  return { name: step.name, status: step.status, ...(step.detail !== undefined && { detail: String(step.detail) }), at };
}

/** The argument checks of an outbox message, shared by every adapter. */
export function checkOutboxMessage(method: string, message: OutboxMessage): { topic: string; dataJson: string; attributes: Record<string, string> } {
  stateStoreInput.nonEmpty(method, 'event.topic', message?.topic);
  const attributes = { ...(message.attributes ?? {}) };
  for (const [k, v] of Object.entries(attributes)) {
    if (typeof v !== 'string') throw new Error(`${method}: event.attributes.${k} must be a string, got ${typeof v}`);
  }
  return { topic: message.topic, dataJson: stateStoreInput.json(`${method} event.data`, message.data), attributes };
}

/**
 * Argument checks every adapter applies the same way, so bad input gets the same clear error
 * (method, field, what was wrong) whichever store is behind the port.
 */
export const stateStoreInput = {
  nonEmpty(method: string, field: string, value: unknown): string {
    if (typeof value !== 'string' || value.length === 0) throw new Error(`${method}: ${field} must be a non-empty string, got ${JSON.stringify(value)}`);
    return value;
  },
  /** Normalises any parseable time to the canonical ISO form, so string order is time order. */
  iso(method: string, field: string, value: unknown): string {
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw new Error(`${method}: ${field} must be an ISO 8601 time, got ${JSON.stringify(value)}`);
    return new Date(ms).toISOString();
  },
  limit(method: string, value: unknown): number | undefined {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || (value as number) < 1) throw new Error(`${method}: limit must be a positive integer, got ${JSON.stringify(value)}`);
    return value as number;
  },
  ttl(method: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${method}: ttlMs must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
    return value;
  },
  version(method: string, value: unknown): number {
    if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`${method}: expectedVersion must be a non-negative integer (0 = absent), got ${JSON.stringify(value)}`);
    return value as number;
  },
  /** Values are stored as JSON by every adapter, so what comes back is what JSON can carry. */
  json(method: string, value: unknown): string {
    const text = value === undefined ? undefined : JSON.stringify(value);
    if (text === undefined) throw new Error(`${method}: value must be JSON-serialisable, got ${typeof value}`);
    return text;
  },
};

/** The argument checks of `park`, shared by every adapter; returns the entry without extra fields. */
export function checkParked(entry: Omit<ParkedDelivery, 'id' | 'parkedAt'>): Omit<ParkedDelivery, 'id' | 'parkedAt'> {
  stateStoreInput.nonEmpty('park', 'target', entry.target);
  stateStoreInput.nonEmpty('park', 'key', entry.key);
  stateStoreInput.nonEmpty('park', 'topic', entry.topic);
  stateStoreInput.nonEmpty('park', 'reason', entry.reason);
  if (typeof entry.raw?.data !== 'string') throw new Error('park: raw.data must be the base64 string of the message data');
  return {
    target: entry.target, key: entry.key, flow: entry.flow, topic: entry.topic,
    raw: { data: entry.raw.data, attributes: { ...(entry.raw.attributes ?? {}) } }, reason: entry.reason,
  };
}

