/**
 * The backups flow through the real handler runtime (processMessage) with the production
 * adapters against an in-process gcp-sim (default services: Cloud SQL, Storage, Monitoring,
 * Workflow Executions on the local engine), a SQLite :memory: store and one VirtualClock.
 * `deliver` redelivers a nacked message the way Pub/Sub does, up to its max attempts.
 */
import type { PubsubMessage } from '../../../../shared/events/envelope.ts';
import { backupsFlow } from '../../../../shared/flows/backups/flow.ts';
import type { BackupsDeps } from '../../../../shared/flows/backups/deps.ts';
import { backupsDeps } from '../../../../shared/runtime/adapters/backups.ts';
import { localEndpoint } from '../../../../shared/local/stack/local-endpoint.ts';
import { processMessage, type DeliveryOutcome } from '../../../../shared/runtime/pipeline.ts';
import { followBackupsOnce, type BackupsFollowResult } from '../../../../shared/flows/backups/follower.ts';
import type { BackupsFollowContext } from '../../../../shared/flows/backups/finish.ts';
import { startTestCloud, type TestCloud } from '../../../support/cloud.ts';

export interface BackupsHarness extends TestCloud {
  backups: BackupsDeps;
  /** Publishes (in memory) and delivers a BackupJob until acked or `maxAttempts` deliveries. */
  deliver(job: Record<string, unknown>, maxAttempts?: number, publishTime?: Date): Promise<{ outcome: DeliveryOutcome; attempts: number }>;
  instances(): Promise<string[]>;
  runOf(outcome: DeliveryOutcome): Promise<Record<string, any>>;
  /**
   * A versioned bucket whose `model.pkl` was "good" at the returned point in time and "bad" a
   * minute later: what a bucket restore to that time must undo.
   */
  overwrittenBucket(bucket: string): Promise<string>;
  /** What the follower acts through (the production BackupFollowJob's context). */
  followContext: BackupsFollowContext;
  /**
   * Follower passes every `everyMs` of clock time (the Scheduler tick's minute by default) until
   * the run is no longer `executing`, at most `maxPasses`; returns the run and the passes' results.
   */
  follow(runId: string, options?: { everyMs?: number; maxPasses?: number }): Promise<{ run: Record<string, any>; passes: BackupsFollowResult[] }>;
}

let seq = 0;

export async function startBackupsHarness(options: { operationDurationMs?: number } = {}): Promise<BackupsHarness> {
  const cloud = await startTestCloud(options);
  const backups = backupsDeps(localEndpoint(cloud.config), cloud.clock, cloud.config);
  const deliver = async (job: Record<string, unknown>, maxAttempts = 5, publishTime = cloud.clock.now()) => {
    const message: PubsubMessage = {
      data: Buffer.from(JSON.stringify({ apiVersion: 'stackctl/v1', kind: 'BackupJob', instance: 'zenml-metadata', slotMinutes: 60, ...job })),
      attributes: {}, messageId: `m-${++seq}`, publishTime, mode: 'push',
    };
    let outcome: DeliveryOutcome | undefined;
    let attempts = 0;
    while (attempts < maxAttempts) {
      attempts++;
      outcome = await processMessage(backupsFlow, cloud.deps, backups, { ...message, deliveryAttempt: attempts });
      if (outcome.ack) break;
      // Pub/Sub's retry backoff before the next delivery.
      cloud.clock.advance(10_000);
    }
    return { outcome: outcome!, attempts };
  };
  const followContext: BackupsFollowContext = { runtime: cloud.deps, backups };
  const follow: BackupsHarness['follow'] = async (runId, { everyMs = 60_000, maxPasses = 200 } = {}) => {
    const passes: BackupsFollowResult[] = [];
    for (let pass = 0; pass < maxPasses; pass++) {
      const run = await cloud.store.getRun(runId);
      if (!run) throw new Error(`no run ${runId}`);
      if (run.status !== 'executing') return { run: run as unknown as Record<string, any>, passes };
      await cloud.clock.sleep(everyMs);
      passes.push(await followBackupsOnce(followContext));
    }
    throw new Error(`run ${runId} still executing after ${maxPasses} follower passes`);
  };
  return {
    ...cloud, backups, deliver, followContext, follow,
    overwrittenBucket: async (bucket) => {
      await backups.objects.createBucket({ name: bucket, location: 'US', versioning: true, labels: {}, uniformBucketLevelAccess: true });
      await backups.objects.putObject(bucket, 'model.pkl', 'good');
      cloud.clock.advance(60_000);
      const pointInTime = cloud.clock.now().toISOString();
      cloud.clock.advance(60_000);
      await backups.objects.putObject(bucket, 'model.pkl', 'bad');
      return pointInTime;
    },
    instances: async () => (await backups.sql.listInstances()).map((i) => i.name).sort(),
    runOf: async (outcome) => {
      if (!('runId' in outcome) || !outcome.runId) throw new Error(`no run for ${JSON.stringify(outcome)}`);
      return (await cloud.store.getRun(outcome.runId)) as unknown as Record<string, any>;
    },
  };
}
