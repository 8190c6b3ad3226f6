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
import { startTestCloud, type TestCloud } from '../../../support/cloud.ts';

export interface BackupsHarness extends TestCloud {
  backups: BackupsDeps;
  /** Publishes (in memory) and delivers a BackupJob until acked or `maxAttempts` deliveries. */
  deliver(job: Record<string, unknown>, maxAttempts?: number): Promise<{ outcome: DeliveryOutcome; attempts: number }>;
  instances(): Promise<string[]>;
  runOf(outcome: DeliveryOutcome): Promise<Record<string, any>>;
}

let seq = 0;

export async function startBackupsHarness(): Promise<BackupsHarness> {
  const cloud = await startTestCloud();
  const backups = backupsDeps(localEndpoint(cloud.config), cloud.clock, cloud.config);
  const deliver = async (job: Record<string, unknown>, maxAttempts = 5) => {
    const message: PubsubMessage = {
      data: Buffer.from(JSON.stringify({ apiVersion: 'stackctl/v1', kind: 'BackupJob', instance: 'zenml-metadata', slotMinutes: 60, ...job })),
      attributes: {}, messageId: `m-${++seq}`, publishTime: cloud.clock.now(), mode: 'push',
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
  return {
    ...cloud, backups, deliver,
    instances: async () => (await backups.sql.listInstances()).map((i) => i.name).sort(),
    runOf: async (outcome) => {
      if (!('runId' in outcome) || !outcome.runId) throw new Error(`no run for ${JSON.stringify(outcome)}`);
      return (await cloud.store.getRun(outcome.runId)) as unknown as Record<string, any>;
    },
  };
}
