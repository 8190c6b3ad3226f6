/**
 * The tour's backups chapter: an on-demand backup in the backup region, a gzip SQL export to the
 * exports bucket (its size), a restore drill (its RTO, and no instance left behind), and a bucket
 * restored to an earlier point in time from object versions.
 */
import { backupsDeps } from '../../../runtime/adapters/backups.ts';
import type { Run } from '../../../ports/state-store.ts';
import { localEndpoint } from '../../stack/local-endpoint.ts';
import type { SqlAdminSim } from '../../gcp-sim/services/sqladmin.ts';
import type { Chapter, DemoContext } from './tour.ts';

const TERMINAL = new Set(['succeeded', 'failed', 'accepted', 'suppressed', 'cancelled']);
let seq = 0;

async function runJob(ctx: DemoContext, task: string, options: Record<string, unknown> = {}): Promise<Run> {
  const job = `demo-${task}-${++seq}`;
  await ctx.publish('cp-backup-jobs', { apiVersion: 'stackctl/v1', kind: 'BackupJob', job, task, instance: ctx.stack.config.sqlInstance, slotMinutes: 1, options });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const run = (await ctx.stack.container.deps.store.listRuns({ flow: 'backups', limit: 100 })).find((r) => (r.input as { job?: string }).job === job);
    if (run && TERMINAL.has(run.status)) {
      for (const step of run.steps) ctx.say(`  ${step.status.padEnd(10)} ${step.name}${step.detail ? `: ${step.detail}` : ''}`);
      if (run.status !== 'succeeded') throw new Error(`${task} ended ${run.status}: ${run.error?.message ?? ''}`);
      return run;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for the ${task} job`);
}

export const backupsChapter: Chapter = {
  title: 'Backups: an on-demand backup, an export to the backup region, a restore drill, a bucket restored from versions',
  async run(ctx) {
    const { config, container, sim } = ctx.stack;
    const clock = container.deps.clock;
    const deps = backupsDeps(localEndpoint(config), clock, config);
    // Some data in the metadata databases, so the export and the drill have something to carry.
    const sql = sim.service<SqlAdminSim>('sqladmin');
    for (let i = 0; i < 20; i++) sql?.recordWrite(config.projectId, config.sqlInstance, { database: i % 2 ? 'mlflow' : 'zenml', table: 'runs', id: i, name: `pipeline-run-${i}` }, new Date(clock.now().getTime() - (40 - i) * 60_000));

    ctx.say(`backup: an ON_DEMAND backup run of ${config.sqlInstance}, confirmed SUCCESSFUL in ${config.backupRegion}`);
    const backup = await runJob(ctx, 'backup');
    const b = backup.result as { backupRunId: string; location: string };

    ctx.say(`export: every user database as a gzip SQL dump to gs://${config.exportsBucket} (in ${config.backupRegion})`);
    const exported = await runJob(ctx, 'export');
    const e = exported.result as { uri: string; size: number; md5Hash: string };
    ctx.say(`  ${e.uri}: ${e.size} bytes, md5 ${e.md5Hash}`);

    ctx.say('restore drill: clone at now − 15 min, verify, delete the clone, record the RTO');
    const before = (await deps.sql.listInstances()).map((i) => i.name).sort();
    const drill = await runJob(ctx, 'restore-drill');
    const d = drill.result as { rtoSeconds: number; drillInstance: string };
    const after = (await deps.sql.listInstances()).map((i) => i.name).sort();
    ctx.say(`  RTO ${d.rtoSeconds} s (simulated); instances before ${before.join(', ')}; after ${after.join(', ')}`);
    if (JSON.stringify(before) !== JSON.stringify(after)) throw new Error(`the drill left instances behind: ${after.join(', ')}`);

    const bucket = `${config.projectId}-ws-demo-artifacts`;
    ctx.say(`bucket restore: gs://${bucket} back to its state before a bad write`);
    if (!(await deps.objects.getBucket(bucket))) await deps.objects.createBucket({ name: bucket, location: 'US', versioning: true, labels: { demo: 'true' }, uniformBucketLevelAccess: true });
    await deps.objects.putObject(bucket, 'models/churn/model.pkl', 'good model');
    await deps.objects.putObject(bucket, 'models/churn/metrics.json', '{"auc": 0.91}');
    await clock.sleep(60_000);
    const T = clock.now().toISOString();
    await clock.sleep(60_000);
    await deps.objects.putObject(bucket, 'models/churn/model.pkl', 'broken model');
    await deps.objects.deleteObject(bucket, 'models/churn/metrics.json');
    const planned = await runJob(ctx, 'bucket-restore', { bucket, pointInTime: T, dryRun: true });
    ctx.say(`  dry run: ${JSON.stringify((planned.result as { counts: unknown }).counts)}`);
    const restored = await runJob(ctx, 'bucket-restore', { bucket, pointInTime: T });
    const model = (await deps.objects.getObject(bucket, 'models/churn/model.pkl'))?.toString();
    ctx.say(`  restored ${JSON.stringify((restored.result as { applied: unknown }).applied)}; model.pkl now holds "${model}"`);
    if (model !== 'good model') throw new Error('the bucket restore did not bring the good model back');
    return { backupRunId: b.backupRunId, backupLocation: b.location, exportBytes: e.size, drillRtoSeconds: d.rtoSeconds, bucketRestore: (restored.result as { applied: unknown }).applied };
  },
};
