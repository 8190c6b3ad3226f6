/**
 * The dev stack's scale-down when its budget is spent: proposed (waiting for approval), applied
 * (apps at 0 replicas, Cloud SQL stopped), and undone at the next cost interval or by hand. The
 * record keeps what each change replaced, so undoing puts back exactly that.
 */
import type { BudgetRules } from './rules.ts';

export type ScaleDownStatus = 'proposed' | 'applied' | 'restored' | 'rejected' | 'expired';

export interface ScaleDownRecord {
  budgetId: string;
  /** The cost interval whose spend asked for it; the next interval undoes it. */
  interval: string;
  status: ScaleDownStatus;
  runId: string;
  proposedAt: string;
  apps: Array<{ name: string; parameter: string }>;
  sqlInstances: string[];
  /** What was there before: each app's previous override (null: none), each instance's policy. */
  previous?: { apps: Record<string, string | null>; sqlInstances: Record<string, string> };
  decidedBy?: string;
  appliedAt?: string;
  restoredAt?: string;
  note?: string;
}

export function proposeScaleDown(budgetId: string, interval: string, runId: string, at: Date, rules: BudgetRules): ScaleDownRecord {
  return {
    budgetId, interval, status: 'proposed', runId, proposedAt: at.toISOString(),
    apps: rules.scaleDown.apps.map((a) => ({ ...a })), sqlInstances: [...rules.scaleDown.sqlInstances],
  };
}

/** What a notification of `interval` does to an earlier interval's scale-down. */
export function onInterval(record: ScaleDownRecord | null, interval: string): 'restore' | 'expire' | 'none' {
  if (!record || Date.parse(interval) <= Date.parse(record.interval)) return 'none';
  if (record.status === 'applied') return 'restore';
  if (record.status === 'proposed') return 'expire';
  return 'none';
}

/** The transitions a person (or the next interval) may make. */
export function checkTransition(record: ScaleDownRecord, to: ScaleDownStatus): void {
  const allowed: Record<ScaleDownStatus, ScaleDownStatus[]> = {
    proposed: ['applied', 'rejected', 'expired'],
    applied: ['restored'],
    restored: [],
    rejected: [],
    expired: [],
  };
  if (!allowed[record.status].includes(to)) {
    throw new Error(`the scale-down of budget ${record.budgetId} (interval ${record.interval}) is ${record.status}; it cannot become ${to}${allowed[record.status].length ? ` (it can become ${allowed[record.status].join(' or ')})` : ''}`);
  }
}
