/**
 * What a finished workflow execution means for the remediation run that started it.
 * SUCCEEDED → succeeded, FAILED → failed (with the workflow's error), CANCELLED → cancelled.
 * A workflow that ends cleanly because its approval was rejected or timed out SUCCEEDS with a
 * result saying so; the run records that as `cancelled` (nothing was changed), not `succeeded`.
 */
import type { ExecutionState } from '../../ports/workflows.ts';

export type FinalRunStatus = 'succeeded' | 'failed' | 'cancelled';

export interface ExecutionOutcome {
  status: FinalRunStatus;
  reason: string;
  /** True when the failure counts towards the target's circuit breaker. */
  countsAsFailure: boolean;
  /**
   * A failure the workflow reports from before its first change (bad arguments, the recovery
   * window check, a token it could not read, an app that never became idle): the target is as
   * it was, so the cooldown the start set is lifted.
   */
  changedNothing?: boolean;
}

/** Phases of workflows/*.yaml that come before any change (`failedStep` of the error they raise). */
export const PHASES_BEFORE_ANY_CHANGE: ReadonlySet<string> = new Set([
  'validate-arguments', 'read-instance', 'read-recovery-window', 'choose-point-in-time', 'approval', // pitr-restore
  'read-argocd-token', 'wait-for-idle', // redeploy
]);

function failedBeforeAnyChange(error: { payload: string } | undefined): boolean {
  if (!error) return false;
  try {
    const parsed = JSON.parse(error.payload) as { failedStep?: unknown; message?: unknown; changed?: unknown };
    if (parsed && typeof parsed === 'object') {
      if (parsed.changed === false) return true;
      if (typeof parsed.failedStep === 'string') return PHASES_BEFORE_ANY_CHANGE.has(parsed.failedStep);
      return typeof parsed.message === 'string' && /nothing was changed$/.test(parsed.message);
    }
  } catch { /* plain text */ }
  return /nothing was changed$/.test(error.payload);
}

const NOT_APPROVED = /^(rejected|approval[-_ ]?(rejected|timeout|timed[-_ ]?out)|timed[-_ ]?out|not[-_ ]?approved)$/i;

function notApproved(result: unknown): string | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  if (r.approved === false) return `approval not given${typeof r.approver === 'string' ? ` (by ${r.approver})` : ''}`;
  for (const key of ['outcome', 'status', 'decision']) {
    const v = r[key];
    if (typeof v === 'string' && NOT_APPROVED.test(v)) return `approval ${v}`;
  }
  return undefined;
}

function errorText(error: { payload: string; context?: string } | undefined): string {
  if (!error) return 'the workflow failed without an error payload';
  let message = error.payload;
  try {
    const parsed = JSON.parse(error.payload) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') message = (parsed as { message: string }).message;
  } catch { /* a plain-text payload is already the message */ }
  return error.context ? `${message} (at ${error.context})` : message;
}

/** undefined while the execution has not finished. */
export function executionOutcome(state: ExecutionState, result: unknown, error?: { payload: string; context?: string }): ExecutionOutcome | undefined {
  switch (state) {
    case 'SUCCEEDED': {
      const declined = notApproved(result);
      return declined
        ? { status: 'cancelled', reason: `workflow ended without changes: ${declined}`, countsAsFailure: false, changedNothing: true }
        : { status: 'succeeded', reason: 'workflow execution succeeded', countsAsFailure: false };
    }
    case 'FAILED':
      return { status: 'failed', reason: `workflow execution failed: ${errorText(error)}`, countsAsFailure: true, changedNothing: failedBeforeAnyChange(error) };
    case 'CANCELLED':
      return { status: 'cancelled', reason: 'workflow execution was cancelled', countsAsFailure: false };
    default:
      return undefined;
  }
}
