/**
 * Every BackupJob task through the handler runtime with the real clients against gcp-sim, and a
 * fault matrix over each task's steps: transient faults converge (in place or by redelivery),
 * permanent ones end in a failed run with a clear reason and a dead letter, and no drill leaves an
 * instance behind.
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportObjectName } from '../../../../shared/domain/backups/names.ts';
import type { FaultRule } from '../../../../shared/local/gcp-sim/faults.ts';
import type { SqlAdminSim } from '../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { BACKUP_AGE_METRIC, DRILL_RTO_METRIC, DRILL_SUCCESS_METRIC } from '../../../../shared/flows/backups/metrics.ts';
import { startBackupsHarness, type BackupsHarness } from './harness.ts';

const INSTANCE = 'zenml-metadata';
let h: BackupsHarness;

beforeEach(async () => {
  h = await startBackupsHarness();
  const sql = h.sim.service<SqlAdminSim>('sqladmin')!;
  for (const [minutesAgo, database] of [[120, 'zenml'], [90, 'mlflow'], [30, 'zenml'], [5, 'zenml']] as const) {
    sql.recordWrite(h.config.projectId, INSTANCE, { database, row: `${minutesAgo}m` }, new Date(h.clock.now().getTime() - minutesAgo * 60_000));
  }
});
afterEach(async () => { await h.close(); });

/** Delivers the job and, when its run hands its execution over, follows it (the scheduled tick) to the end. */
async function settled(job: Record<string, unknown>): Promise<Record<string, any>> {
  const { outcome } = await h.deliver(job);
  expect(outcome).toMatchObject({ ack: true, outcome: 'processed' });
  const run = await h.runOf(outcome);
  return run.status === 'executing' ? (await h.follow(run.id)).run : run;
}

async function succeeded(job: Record<string, unknown>): Promise<Record<string, any>> {
  const run = await settled(job);
  if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error ?? run.result)}`);
  return run;
}

async function failed(job: Record<string, unknown>, reason: RegExp): Promise<Record<string, any>> {
  const run = await settled(job);
  expect(run.status).toBe('failed');
  const dead = await h.store.listDeadLetters({ flow: 'backups' });
  expect(dead.some((d) => reason.test(d.reason))).toBe(true);
  return run;
}

describe('backups flow: tasks', () => {
  it('backup: an ON_DEMAND run named after job and slot, SUCCESSFUL, in the backup region; a redelivery takes no second one', async () => {
    const published = h.clock.now();
    const run = await succeeded({ job: 'nightly-backup', task: 'backup' });
    expect(run.result).toMatchObject({ task: 'backup', status: 'SUCCESSFUL', location: 'us-east1' });
    const runs = await h.backups.sql.listBackupRuns(INSTANCE);
    const mine = runs.filter((r) => r.description?.startsWith('stackctl backup job=nightly-backup'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ type: 'ON_DEMAND', status: 'SUCCESSFUL', location: 'us-east1' });
    expect(h.publisher.messages.at(-1)!.data).toMatchObject({ kind: 'BackupCompleted', backupRunId: mine[0]!.id });
    // Same job, same slot: the runtime calls it a duplicate; even a forced re-run would find the run by its description.
    // (A redelivery keeps the message's publishTime, and so its slot, however long the run took.)
    const again = await h.deliver({ job: 'nightly-backup', task: 'backup' }, 5, published);
    expect(again.outcome.outcome).toBe('duplicate');
  });

  it('backup: a backup stored outside the backup region is a clear failure', async () => {
    // An instance whose backups have no location set: Cloud SQL keeps them in the multi-region "us".
    const sql = h.sim.service<SqlAdminSim>('sqladmin')!;
    const snapshot = sql.snapshot() as { instances: Array<{ name: string; backupLocation?: string }> };
    delete snapshot.instances.find((i) => i.name === INSTANCE)!.backupLocation;
    sql.restore(snapshot);
    await failed({ job: 'wrong-region', task: 'backup' }, /stored in "us", not in the backup region us-east1/);
  });

  it('backup: inside the automated backup window it waits for that window\'s automated run, then takes its own', async () => {
    // The seeded instance backs up at 03:00 UTC; move to 03:00:10 tomorrow, while the automated run is being taken.
    const next = new Date(h.clock.now().getTime() + 86_400_000);
    next.setUTCHours(3, 0, 10, 0);
    h.clock.advance(next.getTime() - h.clock.now().getTime());
    const run = await succeeded({ job: 'in-window', task: 'backup' });
    expect(run.steps.map((s: { name: string }) => s.name)).toContain('automated-backup-window');
    const runs = await h.backups.sql.listBackupRuns(INSTANCE);
    const automated = runs.find((r) => r.type === 'AUTOMATED' && r.windowStartTime!.getTime() >= next.getTime() - 10_000)!;
    const mine = runs.find((r) => r.description?.includes('job=in-window'))!;
    expect(mine.startTime!.getTime()).toBeGreaterThanOrEqual(automated.endTime!.getTime());
  });

  it('export: every user database as a gzip SQL dump at <instance>/<yyyy>/<mm>/<dd>/<instance>-<slot>.sql.gz, checked', async () => {
    const run = await succeeded({ job: 'nightly-export', task: 'export' });
    const slot = new Date(Math.floor(h.clock.now().getTime() / 3_600_000) * 3_600_000);
    const name = exportObjectName(INSTANCE, slot);
    expect(run.result).toMatchObject({ task: 'export', object: name, bucket: h.config.exportsBucket, databases: ['mlflow', 'zenml'], contentVerified: true, location: 'US-EAST1' });
    expect(run.result.size).toBeGreaterThan(0);
    expect(run.result.md5Hash).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const dump = gunzipSync((await h.backups.objects.getObject(h.config.exportsBucket, name))!).toString('utf8');
    expect(dump).toContain('-- Current Database: `zenml`');
    expect(dump).toContain('"row":"120m"');
    expect(run.result.size).toBe((await h.backups.objects.statObject(h.config.exportsBucket, name))!.size);
  });

  it('export: a bucket outside the backup region, or a missing one, is refused', async () => {
    await h.backups.objects.createBucket({ name: 'exports-in-us', location: 'US', versioning: true, labels: {}, uniformBucketLevelAccess: true });
    await failed({ job: 'export-us', task: 'export', options: { bucket: 'exports-in-us' } }, /is in US, not in the backup region us-east1/);
    await failed({ job: 'export-missing', task: 'export', options: { bucket: 'no-such-bucket' } }, /exports bucket no-such-bucket does not exist/);
  });

  it('rpo-check: writes backup_age_seconds for backup and export; over the objective it publishes BackupRpoBreached', async () => {
    await succeeded({ job: 'nightly-export', task: 'export' });
    const run = await succeeded({ job: 'rpo', task: 'rpo-check' });
    const byKind = Object.fromEntries(run.result.readings.map((r: any) => [r.kind, r]));
    expect(byKind.export.breached).toBe(false);
    // The newest automated backup is from 03:00 today, five hours before the clock's 08:00.
    expect(byKind.backup).toMatchObject({ breached: false });
    expect(byKind.backup.ageSeconds).toBeGreaterThan(4 * 3600);
    const series = await h.backups.metrics.list({ metricType: BACKUP_AGE_METRIC, start: new Date(h.clock.now().getTime() - 3_600_000), end: new Date(h.clock.now().getTime() + 1000) });
    expect(series.map((s) => s.metricLabels).sort((a, b) => a.kind!.localeCompare(b.kind!))).toEqual([{ instance: INSTANCE, kind: 'backup' }, { instance: INSTANCE, kind: 'export' }]);
    expect(h.publisher.messages.at(-1)!.data.kind).toBe('BackupRpoOk');
    h.clock.advance(3_600_000);
    const breached = await succeeded({ job: 'rpo-tight', task: 'rpo-check', options: { objectiveHours: 2 } });
    expect(breached.result.readings.find((r: any) => r.kind === 'backup').breached).toBe(true);
    expect(h.publisher.messages.at(-1)!.data).toMatchObject({ kind: 'BackupRpoBreached', breached: ['backup'] });
  });

  it('rpo-check: no verified export at all is a breach', async () => {
    const run = await succeeded({ job: 'rpo', task: 'rpo-check' });
    expect(run.result.readings.find((r: any) => r.kind === 'export')).toMatchObject({ source: null, ageSeconds: null, breached: true });
  });

  it('restore-drill: clones at now − 15 min, verifies, deletes the clone, records the RTO as a metric and on the run', async () => {
    const before = await h.instances();
    const run = await succeeded({ job: 'weekly-drill', task: 'restore-drill' });
    expect(run.result).toMatchObject({ task: 'restore-drill', executionState: 'SUCCEEDED', cleanup: 'the workflow deleted the clone', databases: ['zenml', 'mlflow'] });
    expect(run.result.drillInstance).toMatch(/^zenml-metadata-drill-\d{12}$/);
    expect(run.result.rtoSeconds).toBeGreaterThan(0);
    expect(run.refs.execution).toMatch(/\/workflows\/restore-drill\/executions\//);
    expect(await h.instances()).toEqual(before);
    const window = { start: new Date(h.clock.now().getTime() - 3_600_000), end: new Date(h.clock.now().getTime() + 1000) };
    const [rto] = await h.backups.metrics.list({ metricType: DRILL_RTO_METRIC, ...window });
    expect(rto!.points[0]!.value).toBe(run.result.rtoSeconds);
    const [ok] = await h.backups.metrics.list({ metricType: DRILL_SUCCESS_METRIC, ...window });
    expect(ok!.points[0]!.value).toBe(1);
  });

  it('restore-drill: sweeps drill clones older than 24 h left by an earlier drill', async () => {
    const old = `${INSTANCE}-drill-202611240800`;
    await h.backups.sql.cloneInstance(INSTANCE, { destinationInstanceName: old });
    await succeeded({ job: 'weekly-drill', task: 'restore-drill' });
    expect(await h.instances()).toEqual([INSTANCE]);
  });

  it('bucket-restore: plans, restores the bucket to T from versions', async () => {
    const bucket = 'local-project-ws-team-alpha-artifacts';
    const o = h.backups.objects;
    const T = await h.overwrittenBucket(bucket);
    const dry = await succeeded({ job: 'restore-alpha-dry', task: 'bucket-restore', options: { bucket, pointInTime: T, dryRun: true } });
    expect(dry.result).toMatchObject({ status: 'planned', counts: { restore: 1, delete: 0, unchanged: 0 } });
    expect((await o.getObject(bucket, 'model.pkl'))!.toString()).toBe('bad');
    const done = await succeeded({ job: 'restore-alpha', task: 'bucket-restore', options: { bucket, pointInTime: T } });
    expect(done.result).toMatchObject({ status: 'restored', applied: { restored: 1, deleted: 0 } });
    expect((await o.getObject(bucket, 'model.pkl'))!.toString()).toBe('good');
  });

  it('bad task options are dead-lettered with their JSON path, before anything runs', async () => {
    const { outcome } = await h.deliver({ job: 'bad', task: 'retention', options: { keepcount: 3 } });
    expect(outcome).toMatchObject({ ack: true, outcome: 'dead-lettered' });
    expect((outcome as { reason: string }).reason).toMatch(/\$\.options: unknown field\(s\): keepcount/);
    const missing = await h.deliver({ job: 'bad-restore', task: 'bucket-restore', options: { bucket: 'b-b' } });
    expect((missing.outcome as { reason: string }).reason).toMatch(/\$\.options\.pointInTime/);
  });
});

describe('backups flow: retention across pages', () => {
  it('over 62 on-demand runs on 3+ pages keeps AUTOMATED runs and the newest successful one, deletes the rest beyond keepCount', async () => {
    for (let i = 0; i < 62; i++) {
      await h.backups.sql.insertBackupRun(INSTANCE, `manual ${i}`);
      h.clock.advance(60_000);
    }
    const before = await h.backups.sql.listBackupRuns(INSTANCE);
    const automated = before.filter((r) => r.type === 'AUTOMATED').map((r) => r.id).sort();
    expect(automated.length).toBeGreaterThanOrEqual(7);
    // 25 runs per page (BACKUP_RUNS_PAGE_SIZE): at least three pages.
    expect(before.length).toBeGreaterThan(2 * 25);
    const newest = before.filter((r) => r.status === 'SUCCESSFUL').sort((a, b) => b.endTime!.getTime() - a.endTime!.getTime())[0]!;
    // A rule that never fails counts the list calls (pages) the retention run makes.
    h.sim.faults.add({ method: 'sqladmin.backupRuns.list', pathContains: INSTANCE });
    const run = await succeeded({ job: 'retention', task: 'retention', options: { keepOnDemand: 5 } });
    const after = await h.backups.sql.listBackupRuns(INSTANCE);
    expect(run.result.backupRunsListed).toBe(before.length);
    expect(run.result.deletedBackupRuns).toHaveLength(62 - 5);
    expect(after.filter((r) => r.type === 'AUTOMATED').map((r) => r.id).sort()).toEqual(automated);
    expect(after.some((r) => r.id === newest.id)).toBe(true);
    expect(after.filter((r) => r.type === 'ON_DEMAND')).toHaveLength(5);
    expect(h.sim.faults.list()[0]!.hits).toBeGreaterThanOrEqual(3);
  });

  it('prunes exports beyond their policy, keeping those the bucket retention policy still holds', async () => {
    // Two exports, eight days apart: the retention policy (7 days) no longer holds the older one.
    await succeeded({ job: 'export-a', task: 'export' });
    h.clock.advance(8 * 86_400_000);
    await succeeded({ job: 'export-b', task: 'export' });
    h.clock.advance(3_600_000);
    await succeeded({ job: 'export-c', task: 'export' });
    const run = await succeeded({ job: 'retention', task: 'retention', options: { keepOnDemand: 30, exportKeepCount: 1 } });
    expect(run.result.exports.listed).toBe(3);
    expect(run.result.exports.deleted).toHaveLength(1);
    expect(run.result.exports.held).toHaveLength(1);
    expect(run.result.exports.held[0].why).toMatch(/retention policy/);
  });
});

describe('backups flow: fault matrix', () => {
  const transient: Array<[string, Record<string, unknown>, FaultRule]> = [
    ['backup: instances.get 503', { task: 'backup' }, { method: 'sqladmin.instances.get', times: 2, code: 503 }],
    ['backup: backupRuns.list 500', { task: 'backup' }, { method: 'sqladmin.backupRuns.list', times: 2, code: 500 }],
    ['backup: backupRuns.insert 409 operationInProgress', { task: 'backup' }, { method: 'sqladmin.backupRuns.insert', times: 3, code: 409, reason: 'operationInProgress', message: 'Operation failed because another operation was already in progress.' }],
    ['backup: backupRuns.insert 429', { task: 'backup' }, { method: 'sqladmin.backupRuns.insert', times: 2, code: 429 }],
    ['backup: operations.get 503', { task: 'backup' }, { method: 'sqladmin.operations.get', times: 1, code: 503 }],
    ['export: instances.export 503', { task: 'export' }, { method: 'sqladmin.instances.export', times: 2, code: 503 }],
    ['export: objects.get 503', { task: 'export' }, { method: 'storage.objects.get', times: 2, code: 503 }],
    ['export: buckets.get 429', { task: 'export' }, { method: 'storage.buckets.get', times: 1, code: 429 }],
    ['retention: backupRuns.delete 503', { task: 'retention', options: { keepOnDemand: 1 } }, { method: 'sqladmin.backupRuns.delete', times: 2, code: 503 }],
    ['rpo-check: timeSeries.create 503', { task: 'rpo-check' }, { method: 'monitoring.projects.timeSeries.create', times: 2, code: 503 }],
    ['restore-drill: executions.create 503 (redelivered)', { task: 'restore-drill' }, { method: 'workflowexecutions.projects.locations.workflows.executions.create', times: 1, code: 503 }],
    ['restore-drill: executions.get 503', { task: 'restore-drill' }, { method: 'workflowexecutions.projects.locations.workflows.executions.get', times: 2, code: 503 }],
    ['restore-drill: clone 503 inside the workflow', { task: 'restore-drill' }, { method: 'sqladmin.instances.clone', times: 1, code: 503 }],
  ];
  for (const [name, job, rule] of transient) {
    it(`transient ${name} converges`, async () => {
      if (job.task === 'retention') {
        await h.backups.sql.insertBackupRun(INSTANCE, 'a');
        h.clock.advance(60_000);
        await h.backups.sql.insertBackupRun(INSTANCE, 'b');
      }
      const before = await h.instances();
      h.sim.faults.add(rule);
      await succeeded({ job: `fault-${job.task}`, ...job });
      expect(h.sim.faults.list()).toEqual([]);
      expect(await h.instances()).toEqual(before);
    });
  }

  const permanent: Array<[string, Record<string, unknown>, FaultRule | (() => void), RegExp]> = [
    ['backup: backupRuns.insert 403', { task: 'backup' }, { method: 'sqladmin.backupRuns.insert', code: 403, message: 'denied by test' }, /denied by test/],
    ['backup: the backup operation fails', { task: 'backup' }, () => h.sim.service<SqlAdminSim>('sqladmin')!.failNextOperation({ instance: INSTANCE, operationType: 'BACKUP_VOLUME', code: 'INTERNAL_ERROR', message: 'backup failed by test' }), /backup failed by test/],
    ['backup: instance missing', { task: 'backup', instance: 'no-such-instance' }, { method: 'none' }, /Cloud SQL instance no-such-instance does not exist/],
    ['export: instances.export 403', { task: 'export' }, { method: 'sqladmin.instances.export', code: 403, message: 'denied by test' }, /denied by test/],
    ['export: the export operation fails', { task: 'export' }, () => h.sim.service<SqlAdminSim>('sqladmin')!.failNextOperation({ instance: INSTANCE, operationType: 'EXPORT', code: 'ERROR_EXPORT_FAILED', message: 'export failed by test' }), /export failed by test/],
    ['retention: backupRuns.list 403', { task: 'retention', options: { keepOnDemand: 1 } }, { method: 'sqladmin.backupRuns.list', code: 403, message: 'denied by test' }, /denied by test/],
    ['rpo-check: timeSeries.create 403', { task: 'rpo-check' }, { method: 'monitoring.projects.timeSeries.create', code: 403, message: 'denied by test' }, /denied by test/],
    ['restore-drill: clone 403', { task: 'restore-drill' }, { method: 'sqladmin.instances.clone', code: 403, message: 'clone denied by test' }, /restore drill of zenml-metadata failed at clone.*clone denied by test/],
    ['restore-drill: export of the clone 403', { task: 'restore-drill' }, { method: 'sqladmin.instances.export', code: 403, message: 'dump denied by test' }, /failed at dump-clone.*dump denied by test/],
    ['restore-drill: executions.create 403', { task: 'restore-drill' }, { method: 'workflowexecutions.projects.locations.workflows.executions.create', code: 403, message: 'denied by test' }, /denied by test/],
  ];
  for (const [name, job, fault, reason] of permanent) {
    it(`permanent ${name} ends in a failed run with a clear reason, leaving no instance behind`, async () => {
      const before = await h.instances();
      if (typeof fault === 'function') fault(); else if (fault.method !== 'none') h.sim.faults.add(fault);
      const run = await failed({ job: `fault-${job.task}`, ...job }, reason);
      expect(run.error?.message ?? run.result?.error?.message ?? '').not.toBe('');
      h.sim.faults.clear();
      expect(await h.instances()).toEqual(before);
    });
  }

  it('restore-drill: a clone left by a cancelled execution is deleted by the flow, and the drill is a failure', async () => {
    const before = await h.instances();
    // Cancel the drill execution as soon as the clone exists (what a human pressing cancel does).
    const original = h.backups.workflows.getExecution.bind(h.backups.workflows);
    let cancelled = false;
    h.backups.workflows.getExecution = async (name) => {
      if (!cancelled && (await h.instances()).some((n) => n.includes('-drill-'))) {
        cancelled = true;
        await h.backups.workflows.cancelExecution(name);
      }
      return original(name);
    };
    const run = await failed({ job: 'drill-cancel', task: 'restore-drill' }, /was cancelled/);
    expect(run.result).toMatchObject({ executionState: 'CANCELLED' });
    expect(run.result.cleanup).toMatch(/left behind \(execution CANCELLED\); deleted it/);
    expect(await h.instances()).toEqual(before);
    const [ok] = await h.backups.metrics.list({ metricType: DRILL_SUCCESS_METRIC, start: new Date(h.clock.now().getTime() - 3_600_000), end: new Date(h.clock.now().getTime() + 1000) });
    expect(ok!.points[0]!.value).toBe(0);
  });
});
