/**
 * The backups flow on the real local stack: BackupJobs published with the real Pub/Sub client to
 * the emulator, pushed to the backups function on functions-framework, acting through the real
 * Google clients on gcp-sim (workflows on the local engine). `stackctl backups` reads the result.
 * Simulated time runs 20x faster so operation polling takes milliseconds.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PubSub } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../shared/adapters/local/pubsub-options.ts';
import type { SqlAdminSim } from '../../shared/local/gcp-sim/services/sqladmin.ts';
import { backupsDeps } from '../../shared/runtime/adapters/backups.ts';
import { localEndpoint } from '../../shared/local/stack/local-endpoint.ts';
import type { BackupsDeps } from '../../shared/flows/backups/deps.ts';
import type { Run } from '../../shared/ports/state-store.ts';
import { eventually, stackctl, stackctlJson, startTestStack } from '../support/stack.ts';

const INSTANCE = 'zenml-metadata';
const TERMINAL = new Set(['succeeded', 'failed', 'accepted', 'suppressed', 'cancelled']);

describe('local stack: backups', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let client: PubSub;
  let deps: BackupsDeps;
  const job = (name: string, task: string, options: Record<string, unknown> = {}) =>
    ({ apiVersion: 'stackctl/v1', kind: 'BackupJob', job: name, task, instance: INSTANCE, slotMinutes: 60, options });
  const publish = (payload: unknown) => client.topic('cp-backup-jobs').publishMessage({ json: payload });
  const runsOf = async (prefix: string): Promise<Run[]> =>
    (await stack.container.deps.store.listRuns({ flow: 'backups', limit: 1000 })).filter((r) => String((r.input as { job?: string }).job).startsWith(prefix));
  const finished = (name: string, timeoutMs = 60_000) => eventually(async () => {
    const [run] = await runsOf(name);
    return run && TERMINAL.has(run.status) && (run.input as { job: string }).job === name ? run : undefined;
  }, `the run of ${name}`, timeoutMs);
  const instances = async () => (await deps.sql.listInstances()).map((i) => i.name).sort();

  beforeAll(async () => {
    stack = await startTestStack({ clockSpeed: 20, operationDurationMs: 2000 });
    client = new PubSub(emulatorPubsubOptions(stack.info.projectId, stack.info.endpoints.pubsubEmulator));
    deps = backupsDeps(localEndpoint(stack.config), stack.container.deps.clock, stack.config);
    const sql = stack.sim.service<SqlAdminSim>('sqladmin');
    const now = stack.container.deps.clock.now().getTime();
    for (let i = 0; i < 30; i++) sql.recordWrite(stack.info.projectId, INSTANCE, { database: i % 3 ? 'zenml' : 'mlflow', id: i }, new Date(now - (60 - i) * 60_000));
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await stack?.cleanup();
  });

  it('backup → export → rpo-check → restore-drill → retention, each a succeeded run with its result', { timeout: 180_000 }, async () => {
    await publish(job('e2e-backup', 'backup'));
    const backup = await finished('e2e-backup');
    expect(backup.status).toBe('succeeded');
    expect(backup.result).toMatchObject({ status: 'SUCCESSFUL', location: 'us-east1' });

    await publish(job('e2e-export', 'export'));
    const exported = await finished('e2e-export');
    expect(exported.status).toBe('succeeded');
    const e = exported.result as { object: string; size: number; contentVerified: boolean };
    expect(e).toMatchObject({ contentVerified: true });
    expect((await deps.objects.statObject(stack.config.exportsBucket, e.object))!.size).toBe(e.size);
    console.info(`export of the e2e data (30 rows, 2 databases): ${e.size} bytes gzip`);

    await publish(job('e2e-rpo', 'rpo-check'));
    const rpo = await finished('e2e-rpo');
    expect((rpo.result as { readings: Array<{ breached: boolean }> }).readings.map((r) => r.breached)).toEqual([false, false]);

    const before = await instances();
    const wall = Date.now();
    await publish(job('e2e-drill', 'restore-drill'));
    const drill = await finished('e2e-drill', 120_000);
    const wallMs = Date.now() - wall;
    expect(drill.status).toBe('succeeded');
    expect(await instances()).toEqual(before);
    const rto = (drill.result as { rtoSeconds: number }).rtoSeconds;
    expect(rto).toBeGreaterThan(0);
    console.info(`restore drill on the local stack: RTO ${rto} s simulated (x20 clock), ${wallMs} ms wall from publish to finished run`);

    await publish(job('e2e-retention', 'retention', { keepOnDemand: 1 }));
    const retention = await finished('e2e-retention');
    expect(retention.status).toBe('succeeded');
    const left = await deps.sql.listBackupRuns(INSTANCE);
    expect(left.filter((r) => r.type === 'ON_DEMAND')).toHaveLength(1);
    expect(left.filter((r) => r.type === 'AUTOMATED').length).toBeGreaterThanOrEqual(7);

    // What stackctl backups shows: the backups, the export with its size, the drill with its RTO.
    const view = await stackctlJson(['backups', '--data-dir', stack.dataDir]);
    expect(view.backups.some((b: { type: string; location: string }) => b.type === 'ON_DEMAND' && b.location === 'us-east1')).toBe(true);
    expect(view.exports[0]).toMatchObject({ size: e.size });
    expect(view.drills[0]).toMatchObject({ status: 'succeeded', rtoSeconds: rto });
  });

  it('stackctl backups run restore-drill waits while the run is handed over (executing) and prints it ended', { timeout: 180_000 }, async () => {
    const before = await instances();
    const deadBefore = (await stack.container.deps.store.listDeadLetters({ flow: 'backups' })).length;
    const out = await stackctlJson(['backups', 'run', 'restore-drill', '--data-dir', stack.dataDir]);
    const run = out.run as Run;
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['start-execution', 'cleanup', 'drill']));
    // The delivery handed it over and the stack's backups follower ended it: one delivery, no dead letter.
    expect(run.attempts).toBe(1);
    const audit = await stack.container.deps.store.queryAudit({ runId: run.id });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['backups.BackupJob', 'backups.execution-finished']));
    expect(await stack.container.deps.store.listDeadLetters({ flow: 'backups' })).toHaveLength(deadBefore);
    expect(await instances()).toEqual(before);
  });

  it('an RPO alert incident on cp-monitoring-alerts takes an on-demand backup (backup-on-rpo-breach → backup-now)', { timeout: 120_000 }, async () => {
    const incident = JSON.parse(readFileSync(new URL('../../examples/incident-rpo-breach.json', import.meta.url), 'utf8'));
    await client.topic('cp-monitoring-alerts').publishMessage({ json: incident });
    const run = await eventually(async () => (await deps.sql.listBackupRuns(INSTANCE))
      .find((r) => r.description === `stackctl backup-now: RPO alert incident ${incident.incident.incident_id}` && r.status === 'SUCCESSFUL'), 'the backup-now backup run', 90_000);
    expect(run).toMatchObject({ type: 'ON_DEMAND', location: 'us-east1' });
  });

  it('bucket-restore: a job puts an artifact bucket back to T', { timeout: 120_000 }, async () => {
    const bucket = 'local-project-ws-e2e-artifacts';
    const clock = stack.container.deps.clock;
    await deps.objects.createBucket({ name: bucket, location: 'US', versioning: true, labels: {}, uniformBucketLevelAccess: true });
    await deps.objects.putObject(bucket, 'model.pkl', 'good');
    await clock.sleep(60_000);
    const T = clock.now().toISOString();
    await clock.sleep(60_000);
    await deps.objects.putObject(bucket, 'model.pkl', 'bad');
    await publish(job('e2e-bucket', 'bucket-restore', { bucket, pointInTime: T }));
    const run = await finished('e2e-bucket');
    expect(run.status).toBe('succeeded');
    expect((await deps.objects.getObject(bucket, 'model.pkl'))!.toString()).toBe('good');
  });

  it('a permanent failure is a failed run and a dead letter with its reason; the drill leaves no instance', { timeout: 120_000 }, async () => {
    const before = await instances();
    stack.sim.faults.add({ method: 'sqladmin.instances.clone', code: 403, message: 'clone denied by e2e' });
    try {
      await publish(job('e2e-drill-denied', 'restore-drill'));
      const run = await finished('e2e-drill-denied', 90_000);
      expect(run.status).toBe('failed');
      const dl = (await stackctlJson(['dead-letters', '--flow', 'backups', '--data-dir', stack.dataDir])).deadLetters as Array<{ reason: string }>;
      expect(dl.some((d) => /clone denied by e2e/.test(d.reason))).toBe(true);
    } finally {
      stack.sim.faults.clear();
    }
    expect(await instances()).toEqual(before);
  });

  it('regional restore: stackctl starts it, stackctl approve lets it restore into the backup region', { timeout: 180_000 }, async () => {
    const started = await stackctlJson(['backups', 'regional-restore', '--instance', INSTANCE, '--reason', 'e2e region loss', '--data-dir', stack.dataDir]);
    expect(started.execution).toMatch(/\/workflows\/regional-restore\/executions\//);
    await eventually(async () => (await deps.workflows.getExecution(started.execution)).state === 'ACTIVE'
      && (await stackctl(['approve', started.execution, '--data-dir', stack.dataDir])).code === 0, 'the approval to be accepted', 60_000);
    const done = await eventually(async () => {
      const e = await deps.workflows.getExecution(started.execution);
      return e.state === 'ACTIVE' ? undefined : e;
    }, 'the regional restore to end', 150_000);
    expect(done.state).toBe('SUCCEEDED');
    const result = done.result as { newInstance: string; region: string };
    expect(result.region).toBe('us-east1');
    const restored = await deps.sql.getInstance(result.newInstance);
    expect(restored).toMatchObject({ state: 'RUNNABLE', region: 'us-east1' });
  });

  // Item 8: one admin operation per instance, and a job that finds the instance busy waits its turn.
  // This depends on the runtime's "contention is not failure" (issue 17): until it lands, jobs
  // that find the instance lease taken are nacked and spend their delivery attempts.
  it('60 distinct backup jobs for one instance at once all complete, none dead-lettered', { timeout: 300_000 }, async () => {
    await Promise.all(Array.from({ length: 60 }, (_, i) => publish(job(`burst-${String(i).padStart(2, '0')}`, 'backup'))));
    const done = await eventually(async () => {
      const runs = await runsOf('burst-');
      const dl = (await stack.container.deps.store.listDeadLetters({ flow: 'backups', limit: 1000 })).filter((d) => Buffer.from(d.raw.data, 'base64').toString().includes('"burst-'));
      const terminal = runs.filter((r) => TERMINAL.has(r.status));
      return terminal.length + dl.filter((d) => !runs.some((r) => TERMINAL.has(r.status) && Buffer.from(d.raw.data, 'base64').toString().includes(`"${(r.input as { job: string }).job}"`))).length >= 60
        ? { runs, dl, succeeded: runs.filter((r) => r.status === 'succeeded').length } : undefined;
    }, '60 burst jobs to end', 280_000);
    console.info(`60-job burst on one instance: ${done.succeeded}/60 succeeded, ${done.dl.length} dead-lettered`);
    const ids = (await deps.sql.listBackupRuns(INSTANCE)).filter((r) => r.description?.startsWith('stackctl backup job=burst-'));
    expect(new Set(ids.map((r) => r.description)).size).toBe(ids.length);
    expect(done.dl).toHaveLength(0);
    expect(done.succeeded).toBe(60);
  });
});
