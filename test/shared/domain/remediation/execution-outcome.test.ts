import { describe, expect, it } from 'vitest';
import { executionOutcome } from '../../../../shared/domain/remediation/execution-outcome.ts';

describe('executionOutcome', () => {
  it.each([
    ['ACTIVE', undefined, undefined, undefined],
    ['QUEUED', undefined, undefined, undefined],
    ['SUCCEEDED', { status: 'restored' }, undefined, { status: 'succeeded', countsAsFailure: false }],
    ['SUCCEEDED', { status: 'rejected', approver: 'ana', changed: false }, undefined, { status: 'cancelled', reason: 'workflow ended without changes: approval rejected', countsAsFailure: false, changedNothing: true }],
    ['SUCCEEDED', { status: 'approval-timeout', changed: false }, undefined, { status: 'cancelled', countsAsFailure: false }],
    ['SUCCEEDED', { approved: false, approver: 'ana' }, undefined, { status: 'cancelled', reason: 'workflow ended without changes: approval not given (by ana)' }],
    ['FAILED', undefined, { payload: '{"message":"clone failed","failedStep":"clone"}', context: 'step clone' }, { status: 'failed', reason: 'workflow execution failed: clone failed (at step clone)', countsAsFailure: true, changedNothing: false }],
    // Refused before any change: the recovery window check, a redeploy that never synced.
    ['FAILED', undefined, { payload: '{"message":"pitr-restore of x failed at step choose-point-in-time: point in time … is outside the recovery window of x: …; nothing was changed","failedStep":"choose-point-in-time"}' }, { status: 'failed', countsAsFailure: true, changedNothing: true }],
    ['FAILED', undefined, { payload: '{"message":"redeploy failed","failedStep":"wait-for-idle"}' }, { status: 'failed', changedNothing: true }],
    ['FAILED', undefined, { payload: '{"message":"redeploy failed","failedStep":"wait-synced-healthy"}' }, { status: 'failed', changedNothing: false }],
    ['FAILED', undefined, { payload: 'point in time is outside the recovery window; nothing was changed' }, { status: 'failed', changedNothing: true }],
    ['FAILED', undefined, { payload: 'plain text' }, { status: 'failed', reason: 'workflow execution failed: plain text' }],
    ['FAILED', undefined, undefined, { status: 'failed', reason: 'workflow execution failed: the workflow failed without an error payload' }],
    ['CANCELLED', undefined, undefined, { status: 'cancelled', countsAsFailure: false }],
  ] as const)('%s %j → %j', (state, result, error, expected) => {
    const outcome = executionOutcome(state, result, error);
    if (expected === undefined) expect(outcome).toBeUndefined();
    else expect(outcome).toMatchObject(expected);
  });
});
