/**
 * Which backup runs and exports retention deletes. The rules, in order of precedence:
 * AUTOMATED runs are never touched (Cloud SQL rotates them itself); runs still being taken are
 * never touched; the newest SUCCESSFUL run is always kept; an ON_DEMAND run is deleted only
 * when a SUCCESSFUL run newer than it exists; beyond that, the policy (keep the newest N
 * successful on-demand runs and/or nothing older than D days) decides.
 */
import type { SqlBackupRun } from '../../ports/sql-admin.ts';

export interface RetentionPolicy {
  /** Keep at least this many newest SUCCESSFUL on-demand runs (or exports). */
  keepCount?: number;
  /** Delete what is older than this many days (subject to the rules above). */
  maxAgeDays?: number;
}

export interface RetentionDecision<T> {
  delete: T[];
  keep: Array<{ item: T; why: string }>;
}

const DAY_MS = 86_400_000;
const FINISHED = new Set<SqlBackupRun['status']>(['SUCCESSFUL', 'FAILED', 'SKIPPED', 'DELETION_FAILED']);

function runTime(r: SqlBackupRun): number {
  return (r.endTime ?? r.startTime ?? r.enqueuedTime ?? r.windowStartTime ?? new Date(0)).getTime();
}

export function checkPolicy(policy: RetentionPolicy): void {
  if (policy.keepCount === undefined && policy.maxAgeDays === undefined) throw new RangeError('a retention policy needs keepCount, maxAgeDays or both');
  if (policy.keepCount !== undefined && (!Number.isInteger(policy.keepCount) || policy.keepCount < 1)) throw new RangeError(`keepCount must be an integer >= 1, got ${policy.keepCount}`);
  if (policy.maxAgeDays !== undefined && !(policy.maxAgeDays > 0)) throw new RangeError(`maxAgeDays must be > 0, got ${policy.maxAgeDays}`);
}

export function selectBackupRunsToDelete(runs: readonly SqlBackupRun[], policy: RetentionPolicy, now: Date): RetentionDecision<SqlBackupRun> {
  checkPolicy(policy);
  const decision: RetentionDecision<SqlBackupRun> = { delete: [], keep: [] };
  const newestFirst = [...runs].sort((a, b) => runTime(b) - runTime(a) || Number(b.id) - Number(a.id));
  const newestSuccessful = newestFirst.find((r) => r.status === 'SUCCESSFUL');
  let keptSuccessfulOnDemand = 0;
  for (const run of newestFirst) {
    if (run.type !== 'ON_DEMAND') { decision.keep.push({ item: run, why: `${run.type} runs are rotated by Cloud SQL` }); continue; }
    if (!FINISHED.has(run.status)) { decision.keep.push({ item: run, why: `status ${run.status}` }); continue; }
    if (run === newestSuccessful) { decision.keep.push({ item: run, why: 'newest successful backup' }); keptSuccessfulOnDemand++; continue; }
    const newerSuccess = newestSuccessful !== undefined && runTime(newestSuccessful) > runTime(run);
    if (!newerSuccess) { decision.keep.push({ item: run, why: 'no newer successful backup exists' }); continue; }
    const tooOld = policy.maxAgeDays !== undefined && now.getTime() - runTime(run) > policy.maxAgeDays * DAY_MS;
    if (run.status !== 'SUCCESSFUL') {
      // A failed run restores nothing; once a newer success exists it only takes a slot.
      decision.delete.push(run);
      continue;
    }
    const withinCount = policy.keepCount !== undefined && keptSuccessfulOnDemand < policy.keepCount;
    const keepByCount = withinCount && (policy.maxAgeDays === undefined || !tooOld);
    const keepByAge = policy.keepCount === undefined && !tooOld;
    if (keepByCount || keepByAge) { decision.keep.push({ item: run, why: keepByCount ? `within the newest ${policy.keepCount}` : `younger than ${policy.maxAgeDays} days` }); keptSuccessfulOnDemand++; continue; }
    decision.delete.push(run);
  }
  return decision;
}

export interface ExportObject {
  name: string;
  /** The slot in its name. */
  slot: Date;
  /** Until when the bucket's retention policy forbids deleting it, if it has one. */
  retentionExpiresAt?: Date;
}

/** Exports beyond the policy, newest always kept; those still under the bucket's retention policy are kept and said so. */
export function selectExportsToPrune(exports: readonly ExportObject[], policy: RetentionPolicy, now: Date): RetentionDecision<ExportObject> {
  checkPolicy(policy);
  const decision: RetentionDecision<ExportObject> = { delete: [], keep: [] };
  const newestFirst = [...exports].sort((a, b) => b.slot.getTime() - a.slot.getTime() || (a.name < b.name ? 1 : -1));
  newestFirst.forEach((e, index) => {
    if (index === 0) { decision.keep.push({ item: e, why: 'newest export' }); return; }
    const tooOld = policy.maxAgeDays !== undefined && now.getTime() - e.slot.getTime() > policy.maxAgeDays * DAY_MS;
    const withinCount = policy.keepCount !== undefined && index < policy.keepCount;
    const keep = policy.keepCount !== undefined ? withinCount && (policy.maxAgeDays === undefined || !tooOld) : !tooOld;
    if (keep) { decision.keep.push({ item: e, why: withinCount ? `within the newest ${policy.keepCount}` : `younger than ${policy.maxAgeDays} days` }); return; }
    if (e.retentionExpiresAt && e.retentionExpiresAt.getTime() > now.getTime()) {
      decision.keep.push({ item: e, why: `held by the bucket's retention policy until ${e.retentionExpiresAt.toISOString()}` });
      return;
    }
    decision.delete.push(e);
  });
  return decision;
}
