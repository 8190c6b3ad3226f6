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
  const next: Run = { ...run, updatedAt };
  if (patch.status !== undefined && patch.status !== run.status) {
    const allowed = RUN_TRANSITIONS[run.status] ?? [];
    if (!allowed.includes(patch.status)) {
      throw new Error(`run ${run.id}: status transition ${run.status} → ${patch.status} is not allowed (allowed from ${run.status}: ${allowed.join(', ') || 'none, it is terminal'})`);
    }
    next.status = patch.status;
  }
  if (patch.attempts !== undefined) {
    if (!Number.isInteger(patch.attempts) || patch.attempts < 0) {
      throw new Error(`run ${run.id}: attempts must be a non-negative integer, got ${String(patch.attempts)}`);
    }
    next.attempts = patch.attempts;
  }
  if (patch.steps !== undefined) {
    if (!Array.isArray(patch.steps)) throw new Error(`run ${run.id}: steps must be an array`);
    next.steps = patch.steps;
  }
  for (const field of ['target', 'leaseExpiresAt', 'input', 'result', 'error', 'refs'] as const) {
    if (!(field in patch)) continue;
    const value = patch[field];
    if (value === undefined) delete next[field];
    else (next as unknown as Record<string, unknown>)[field] = value;
  }
  return next;
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
