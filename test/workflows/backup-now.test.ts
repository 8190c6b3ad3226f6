import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSTANCE, PROJECT, failureOf, resultOf, startWorkflowStack, type WorkflowStack } from './harness.ts';

let stack: WorkflowStack;
beforeEach(async () => { stack = await startWorkflowStack(); });
afterEach(async () => { await stack.close(); });

describe('backup-now.yaml', () => {
  it('takes one on-demand backup and confirms it SUCCESSFUL', async () => {
    const result = resultOf(await stack.run('backup-now', { instance: INSTANCE, reason: 'RPO alert' }));
    expect(result).toMatchObject({ status: 'backed-up', instance: INSTANCE, location: 'us-east1' });
    const run = await stack.api('GET', `/v1/projects/${PROJECT}/instances/${INSTANCE}/backupRuns/${result.backupRunId}`);
    expect(run).toMatchObject({ type: 'ON_DEMAND', status: 'SUCCESSFUL', description: 'stackctl backup-now: RPO alert' });
  });

  it('waits out 409 operationInProgress; a denied insert or a failed backup is a clear failure', async () => {
    stack.fault({ method: 'sqladmin.backupRuns.insert', times: 2, code: 409, reason: 'operationInProgress' });
    expect(resultOf(await stack.run('backup-now', { instance: INSTANCE })).status).toBe('backed-up');
    stack.fault({ method: 'sqladmin.backupRuns.insert', code: 403, message: 'denied by test' });
    expect(failureOf(await stack.run('backup-now', { instance: INSTANCE }))).toMatchObject({ failedStep: 'insert-backup' });
    stack.sim.faults.clear();
    stack.sql.failNextOperation({ instance: INSTANCE, operationType: 'BACKUP_VOLUME', code: 'INTERNAL_ERROR', message: 'backup failed by test' });
    expect(failureOf(await stack.run('backup-now', { instance: INSTANCE })).message).toMatch(/backup failed by test/);
  });
});
