/**
 * The backups follower: a restore drill or bucket restore hands its workflow execution over
 * (`executing`, the delivery acked) and the follower ends the run when the execution ends, however
 * many delivery budgets that takes, holding the run's lock meanwhile. Through the real handler
 * runtime and clients against gcp-sim on one VirtualClock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../../shared/events/topics.ts';
import type { PubsubMessage } from '../../../../shared/events/envelope.ts';
import { backupsFlow } from '../../../../shared/flows/backups/flow.ts';
import { followBackupsOnce, FOLLOW_FAILURE_WINDOW_MS, MAX_FOLLOW_FAILURES } from '../../../../shared/flows/backups/follower.ts';
import { DRILL_RTO_METRIC, DRILL_SUCCESS_METRIC } from '../../../../shared/flows/backups/metrics.ts';
import type { SqlAdminSim } from '../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { releaseAndHandOver } from '../../../../shared/runtime/lease.ts';
import { processMessage } from '../../../../shared/runtime/pipeline.ts';
import { startBackupsHarness, type BackupsHarness } from './harness.ts';

const INSTANCE = 'zenml-metadata';
const GET = 'workflowexecutions.projects.locations.workflows.executions.get';
let h: BackupsHarness;

async function harness(operationDurationMs?: number): Promise<BackupsHarness> {
  h = await startBackupsHarness({ operationDurationMs });
  const sql = h.sim.service<SqlAdminSim>('sqladmin')!;
  for (const [minutesAgo, database] of [[120, 'zenml'], [90, 'mlflow'], [30, 'zenml']] as const) {
    sql.recordWrite(h.config.projectId, INSTANCE, { database, row: `${minutesAgo}m` }, new Date(h.clock.now().getTime() - minutesAgo * 60_000));
  }
  return h;
}
afterEach(async () => { await h?.close(); });

/** Delivers the job; its run must have been handed over (acked on the first delivery). */
async function handedOver(job: Record<string, unknown>): Promise<Record<string, any>> {
  const { outcome, attempts } = await h.deliver(job);
  expect(outcome).toMatchObject({ ack: true, outcome: 'processed', status: 'executing' });
  expect(attempts).toBe(1);
  const run = await h.runOf(outcome);
  expect(run.refs).toMatchObject({ execution: expect.stringMatching(/\/executions\//), executionState: 'ACTIVE' });
  return run;
}

const eventsOf = (runId: string) => h.publisher.messages.filter((m) => m.topic === TOPICS.events && m.data.runId === runId).map((m) => m.data.kind as string);
const window = () => ({ start: new Date(h.clock.now().getTime() - 24 * 3_600_000), end: new Date(h.clock.now().getTime() + 1000) });

async function untilExecutionEnds(name: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes((await h.backups.workflows.getExecution(name)).state)) return;
    await h.clock.sleep(1_000);
  }
  throw new Error(`execution ${name} never ended`);
}

describe('backups follower', () => {
  it('a drill that outlasts several delivery budgets ends succeeded: one delivery, 0 dead letters, one completion event, the instance locked meanwhile', async () => {
    // Every Cloud SQL operation takes 5 min: clone, dump and delete of the clone ≈ 15 min.
    await harness(5 * 60_000);
    const before = await h.instances();
    const drill = await handedOver({ job: 'weekly-drill', task: 'restore-drill' });
    expect(eventsOf(drill.id)).toEqual(['RestoreDrillStarted']);

    // While the drill runs, its run holds instance:<name>: a backup of the instance waits (parked, acked).
    const backup = await h.deliver({ job: 'nightly-backup', task: 'backup' });
    expect(backup.outcome).toMatchObject({ ack: true, outcome: 'queued', target: `instance:${INSTANCE}` });

    const { run, passes } = await h.follow(drill.id);
    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(1);
    const elapsed = Date.parse(run.updatedAt) - Date.parse(run.createdAt);
    // Longer than every delivery attempt's budget together: following inside deliveries would have dead-lettered it.
    expect(elapsed).toBeGreaterThan(h.config.maxDeliveryAttempts * h.backups.settings.followBudgetMs * 3);
    expect(passes.length).toBeGreaterThan(h.config.maxDeliveryAttempts);
    console.info(`long drill: ${Math.round(elapsed / 1000)} s virtual (delivery budget ${h.backups.settings.followBudgetMs / 1000} s), 1 delivery, ${passes.length} follower passes`);
    expect(passes.flatMap((p) => p.errors)).toEqual([]);
    expect(await h.store.listDeadLetters({ flow: 'backups' })).toEqual([]);
    expect(eventsOf(drill.id)).toEqual(['RestoreDrillStarted', 'RestoreDrillCompleted']);
    expect(run.result).toMatchObject({ task: 'restore-drill', executionState: 'SUCCEEDED', cleanup: 'the workflow deleted the clone', databases: ['zenml', 'mlflow'] });
    expect(run.result.handoff).toBeUndefined();
    expect(run.steps.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['start-execution', 'cleanup', 'drill']));
    const audit = await h.store.queryAudit({ runId: drill.id });
    expect(audit.filter((a) => a.action === 'backups.execution-finished')).toHaveLength(1);
    expect(await h.instances()).toEqual(before);
    const [rto] = await h.backups.metrics.list({ metricType: DRILL_RTO_METRIC, ...window() });
    expect(rto!.points[0]!.value).toBe(run.result.rtoSeconds);

    // The end released the lock and handed it to the parked backup (republished on cp-backup-jobs).
    expect(await h.store.nextParked(`instance:${INSTANCE}`)).toBeNull();
    const republished = h.publisher.messages.filter((m) => m.topic === TOPICS.backups);
    expect(republished.map((m) => JSON.parse((m.data as Buffer).toString()).job)).toEqual(['nightly-backup']);
  });

  it('a drill whose instance is busy starts nothing and waits parked (acked), then runs when the instance is released', async () => {
    await harness();
    const lock = `instance:${INSTANCE}`;
    await h.store.acquireLease(lock, 'provisioning-run', 60_000);
    const { outcome } = await h.deliver({ job: 'parked-drill', task: 'restore-drill' });
    expect(outcome).toMatchObject({ ack: true, outcome: 'queued', target: lock });
    expect(await h.backups.workflows.listExecutions('restore-drill')).toEqual([]);
    await releaseAndHandOver(h.deps, lock, 'provisioning-run');
    const [republished] = h.publisher.messages.filter((m) => m.topic === TOPICS.backups);
    const again = await processMessage(backupsFlow, h.deps, h.backups, {
      data: republished!.data as Buffer, attributes: republished!.attributes ?? {}, messageId: 'republished', publishTime: h.clock.now(), mode: 'push', deliveryAttempt: 1,
    });
    expect(again).toMatchObject({ ack: true, outcome: 'processed', status: 'executing' });
    expect((await h.follow((again as { runId: string }).runId)).run.status).toBe('succeeded');
    expect(await h.backups.workflows.listExecutions('restore-drill')).toHaveLength(1);
  });

  it('two follower passes racing on an ended execution end the run once', async () => {
    await harness();
    const drill = await handedOver({ job: 'race-drill', task: 'restore-drill' });
    await untilExecutionEnds(drill.refs.execution);
    const [a, b] = await Promise.all([followBackupsOnce(h.followContext), followBackupsOnce(h.followContext)]);
    expect(a.checked + b.checked).toBe(2);
    expect(a.finished.length + b.finished.length).toBe(1);
    expect(a.raced.length + b.raced.length).toBe(1);
    expect((await h.store.getRun(drill.id))!.status).toBe('succeeded');
    expect(eventsOf(drill.id)).toEqual(['RestoreDrillStarted', 'RestoreDrillCompleted']);
    expect((await h.store.queryAudit({ runId: drill.id })).filter((a) => a.action === 'backups.execution-finished')).toHaveLength(1);
    const [ok] = await h.backups.metrics.list({ metricType: DRILL_SUCCESS_METRIC, ...window() });
    expect(ok!.points.length).toBe(1);
    expect(await followBackupsOnce(h.followContext)).toMatchObject({ checked: 0, finished: [] });
  });

  it('a drill still running at its timeout is cancelled, its clone deleted, and the run fails saying so', async () => {
    await harness(5 * 60_000);
    const before = await h.instances();
    const drill = await handedOver({ job: 'slow-drill', task: 'restore-drill', options: { timeoutMinutes: 7 } });
    const { run } = await h.follow(drill.id);
    expect(run.status).toBe('failed');
    expect(run.error.message).toMatch(/restore drill of zenml-metadata timed out: still running at its deadline .* \(timeoutMinutes 7\); the execution was cancelled/);
    expect(run.result).toMatchObject({ executionState: 'CANCELLED' });
    expect((await h.backups.workflows.getExecution(drill.refs.execution)).state).toBe('CANCELLED');
    expect(await h.instances()).toEqual(before);
    expect(eventsOf(drill.id)).toEqual(['RestoreDrillStarted', 'RestoreDrillFailed']);
    const [ok] = await h.backups.metrics.list({ metricType: DRILL_SUCCESS_METRIC, ...window() });
    expect(ok!.points[0]!.value).toBe(0);
    // A failed drill is dead-lettered with its reason (replayable), as before the hand-over.
    expect((await h.store.listDeadLetters({ flow: 'backups' })).map((d) => d.reason)).toEqual([expect.stringMatching(/timed out/)]);
    expect(await h.store.acquireLease(`instance:${INSTANCE}`, 'test', 1000)).not.toBeNull();
  });

  it('an execution that keeps failing to be read ends the run failed after the bound, not followed for ever', async () => {
    await harness();
    const drill = await handedOver({ job: 'blind-drill', task: 'restore-drill' });
    h.sim.faults.add({ method: GET, code: 503 });
    const { run, passes } = await h.follow(drill.id, { everyMs: 60_000, maxPasses: 50 });
    expect(run.status).toBe('failed');
    expect(run.error.message).toMatch(/ended by the follower: its execution .* can no longer be read/);
    expect(passes.length).toBeGreaterThanOrEqual(MAX_FOLLOW_FAILURES);
    expect(passes.length).toBeLessThanOrEqual(MAX_FOLLOW_FAILURES + FOLLOW_FAILURE_WINDOW_MS / 60_000 + 1);
    expect(passes.slice(0, -1).every((p) => p.errors.length === 1)).toBe(true);
    expect(eventsOf(drill.id)).toEqual(['RestoreDrillStarted', 'RestoreDrillFailed']);
    h.sim.faults.clear();
    expect(await h.instances()).toEqual([INSTANCE]);
  });

  it('an execution that is gone (404) fails the run on the first pass; a few transient read failures do not', async () => {
    await harness();
    const flaky = await handedOver({ job: 'flaky-drill', task: 'restore-drill' });
    h.sim.faults.add({ method: GET, code: 503, times: 3 });
    const first = await h.follow(flaky.id);
    expect(first.run.status).toBe('succeeded');
    expect(first.run.refs.followFailures).toBeUndefined();

    const gone = await handedOver({ job: 'gone-drill', task: 'restore-drill' });
    h.sim.faults.add({ method: GET, code: 404, message: 'execution deleted by test' });
    const pass = await followBackupsOnce(h.followContext);
    h.sim.faults.clear();
    expect(pass.finished).toEqual([{ runId: gone.id, execution: gone.refs.execution, status: 'failed' }]);
    expect((await h.store.getRun(gone.id))!.error!.message).toMatch(/can no longer be read .*execution deleted by test/);
  });

  it('bucket-restore hands over under bucket:<name> and ends BucketRestoreCompleted', async () => {
    await harness();
    const bucket = 'local-project-ws-team-beta-artifacts';
    const o = h.backups.objects;
    const T = await h.overwrittenBucket(bucket);
    const restore = await handedOver({ job: 'restore-beta', task: 'bucket-restore', options: { bucket, pointInTime: T } });
    expect(restore.refs.lock).toBe(`bucket:${bucket}`);
    expect(await h.store.acquireLease(`bucket:${bucket}`, 'someone-else', 1000)).toBeNull();
    const { run } = await h.follow(restore.id);
    expect(run.status).toBe('succeeded');
    expect((await o.getObject(bucket, 'model.pkl'))!.toString()).toBe('good');
    expect(eventsOf(restore.id)).toEqual(['BucketRestoreStarted', 'BucketRestoreCompleted']);
    expect(await h.store.acquireLease(`bucket:${bucket}`, 'someone-else', 1000)).not.toBeNull();
  });

  it('the scheduled BackupFollowJob tick ends the run, once per minute slot; a malformed tick is refused with its path', async () => {
    await harness();
    const drill = await handedOver({ job: 'ticked-drill', task: 'restore-drill' });
    await untilExecutionEnds(drill.refs.execution);
    const tick = (job: string, publishTime: Date): PubsubMessage => ({
      data: Buffer.from(JSON.stringify({ apiVersion: 'stackctl/v1', kind: 'BackupFollowJob', job })),
      attributes: {}, messageId: `tick-${publishTime.getTime()}-${job}`, publishTime, mode: 'push', deliveryAttempt: 1,
    });
    const at = new Date(Math.floor(h.clock.now().getTime() / 60_000) * 60_000 + 5_000);
    const outcome = await processMessage(backupsFlow, h.deps, h.backups, tick('backups-follow', at));
    expect(outcome).toMatchObject({ ack: true, outcome: 'processed', status: 'succeeded' });
    expect((await h.store.getRun(drill.id))!.status).toBe('succeeded');
    expect(h.publisher.messages.some((m) => m.data.kind === 'BackupsFollowed' && m.data.finished.length === 1)).toBe(true);
    expect(await processMessage(backupsFlow, h.deps, h.backups, tick('backups-follow', new Date(at.getTime() + 30_000)))).toMatchObject({ outcome: 'duplicate' });
    const bad = await processMessage(backupsFlow, h.deps, h.backups, tick('Bad Job', at));
    expect(bad).toMatchObject({ ack: true, outcome: 'dead-lettered', reason: expect.stringMatching(/\$\.job/) });
  });
});
