/**
 * Provisioning acceptance on the real local stack, driven through `stackctl` and the real
 * Pub/Sub client, observed through gcp-sim and the cp-events topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../shared/adapters/local/pubsub-options.ts';
import { provisioningDeps } from '../../shared/runtime/adapters/provisioning.ts';
import { localEndpoint } from '../../shared/local/stack/local-endpoint.ts';
import { systemClock } from '../../shared/runtime/system-clock.ts';
import { eventually, stackctl, stackctlJson, startTestStack } from '../support/stack.ts';

describe('local stack: provisioning', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let client: PubSub;
  let events: Subscription;
  const received: any[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ maxDeliveryAttempts: 5 });
    client = new PubSub(emulatorPubsubOptions(stack.info.projectId, stack.info.endpoints.pubsubEmulator));
    [events] = await client.topic('cp-events').createSubscription('e2e-events');
    events.on('message', (m: Message) => { received.push(JSON.parse(m.data.toString())); m.ack(); });
  });
  afterAll(async () => {
    await events?.close();
    await client?.close();
    await stack?.cleanup();
  });

  const runsOf = async (prefix: string) => (await stackctlJson(['runs', '--flow', 'provisioning', '--data-dir', stack.dataDir])).runs
    .filter((r: any) => r.key.startsWith(prefix));
  const finished = (r: any) => ['succeeded', 'failed'].includes(r.status);

  it('dry-run prints the plan and changes nothing', async () => {
    const out = await stackctlJson(['publish', 'provisioning', '--file', 'examples/workspace-create.json', '--dry-run', '--data-dir', stack.dataDir]);
    expect(out.plan.steps.map((s: any) => s.id)).toEqual(['create-database', 'create-secret', 'create-user', 'create-bucket', 'create-repository']);
    expect(await runsOf('provisioning:')).toEqual([]);
  });

  it('`stackctl publish provisioning --file examples/workspace-create.json` creates the workspace', async () => {
    const published = await stackctlJson(['publish', 'provisioning', '--file', 'examples/workspace-create.json', '--data-dir', stack.dataDir]);
    expect(published.topic).toBe('cp-provisioning-requests');
    const [run] = await eventually(async () => {
      const runs = await runsOf('provisioning:req-7f3a9c');
      return runs.length && finished(runs[0]) ? runs : undefined;
    }, 'the provisioning run to finish', 60_000);
    expect(run.status).toBe('succeeded');

    const deps = provisioningDeps(localEndpoint({ ...stack.config }), systemClock);
    expect((await deps.sql.listDatabases('zenml-metadata')).map((d) => d.name)).toContain('ws_team_alpha');
    expect((await deps.sql.listUsers('zenml-metadata')).map((u) => u.name)).toContain('ws_team_alpha');
    expect(JSON.parse((await deps.secrets.accessVersion('ws-team-alpha-db')).toString())).toMatchObject({ database: 'ws_team_alpha', user: 'ws_team_alpha' });
    expect(await deps.objects.getBucket('local-project-ws-team-alpha-artifacts')).toMatchObject({ versioning: true, deleteAfterDays: 30 });
    expect(await deps.registry.getRepository('us-central1', 'ws-team-alpha')).not.toBeNull();
    const ready = await eventually(async () => received.find((e) => e.kind === 'WorkspaceReady' && e.workspace === 'team-alpha'), 'WorkspaceReady on cp-events');
    expect(ready.resources.bucket).toBe('local-project-ws-team-alpha-artifacts');
  });

  it('re-publishing the same request gives no second run and no new resources; the audit shows the duplicate', async () => {
    await stackctlJson(['publish', 'provisioning', '--file', 'examples/workspace-create.json', '--data-dir', stack.dataDir]);
    await eventually(async () => (await stackctlJson(['audit', '--result', 'duplicate', '--data-dir', stack.dataDir])).audit[0], 'duplicate audit');
    expect(await runsOf('provisioning:req-7f3a9c')).toHaveLength(1);
  });

  it('injection attempts in workspace and labels are dead-lettered with a reason and create nothing', async () => {
    const bad = [
      { requestId: 'req-inject-ws', workspace: "ws'; DROP DATABASE zenml; --" },
      { requestId: 'req-inject-lb', workspace: 'team-gamma', spec: { labels: { 'cost-center': '$(curl evil)' } } },
    ];
    for (const over of bad) {
      const doc = { apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', action: 'create', environment: 'dev', requestedBy: 'mallory@example.com', ...over };
      const out = await stackctl(['publish', 'provisioning', '--data', JSON.stringify(doc), '--no-validate', '--data-dir', stack.dataDir]);
      expect(out.code).toBe(0);
    }
    const dls = await eventually(async () => {
      const list = (await stackctlJson(['dead-letters', '--data-dir', stack.dataDir])).deadLetters;
      return list.length >= 2 ? list : undefined;
    }, 'two dead letters');
    expect(dls.map((d: any) => d.reason).join('\n')).toMatch(/\$\.workspace/);
    expect(dls.map((d: any) => d.reason).join('\n')).toMatch(/\$\.spec\.labels\["cost-center"\]/);
    const deps = provisioningDeps(localEndpoint(stack.config), systemClock);
    expect(await deps.objects.getBucket('local-project-ws-team-gamma-artifacts')).toBeNull();
  });

  it('a step that keeps failing transiently is redelivered with backoff, then lands on the DLQ with the dead-letter attributes', async () => {
    const [dlqProbe] = await client.topic('cp-provisioning-requests-dlq').createSubscription('e2e-dlq-probe');
    const dead: Message[] = [];
    dlqProbe.on('message', (m: Message) => { dead.push(m); m.ack(); });
    await fetch(`${stack.info.endpoints.gcpSim}/__sim/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'storage.buckets.insert', code: 503 }),
    });
    try {
      const doc = { apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId: 'req-always-503', action: 'create', workspace: 'team-delta', environment: 'dev', requestedBy: 'bob@example.com' };
      await client.topic('cp-provisioning-requests').publishMessage({ data: Buffer.from(JSON.stringify(doc)) });
      const message = await eventually(async () => dead[0], 'the message on cp-provisioning-requests-dlq', 60_000);
      expect(message.attributes).toMatchObject({
        CloudPubSubDeadLetterSourceDeliveryCount: '5',
        CloudPubSubDeadLetterSourceSubscription: 'cp-provisioning-requests-push',
        CloudPubSubDeadLetterSourceSubscriptionProject: 'local-project',
      });
      expect(message.attributes.CloudPubSubDeadLetterSourceTopicPublishTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
      const [run] = await eventually(async () => {
        const runs = await runsOf('provisioning:req-always-503');
        return runs.length && runs[0].status === 'failed' ? runs : undefined;
      }, 'the run to be marked failed from the DLQ', 30_000);
      expect(run.attempts).toBe(5);
      const dl = (await stackctlJson(['dead-letters', '--flow', 'provisioning', '--data-dir', stack.dataDir])).deadLetters
        .find((d: any) => /delivery failed 5 times/.test(d.reason));
      expect(dl).toMatchObject({ flow: 'provisioning', topic: 'cp-provisioning-requests' });
    } finally {
      await fetch(`${stack.info.endpoints.gcpSim}/__sim/faults`, { method: 'DELETE' });
      await dlqProbe.close();
    }
  });

  it('once the fault is gone, replaying that dead letter finishes the workspace', async () => {
    const dl = (await stackctlJson(['dead-letters', '--flow', 'provisioning', '--data-dir', stack.dataDir])).deadLetters
      .find((d: any) => /delivery failed 5 times/.test(d.reason));
    const replayed = await stackctlJson(['dead-letters', 'replay', dl.id, '--data-dir', stack.dataDir]);
    expect(replayed.replayed).toMatchObject({ id: dl.id, replayCount: 1 });
    const [run] = await eventually(async () => {
      const runs = await runsOf(`provisioning:req-always-503#replay:${dl.id}`);
      return runs.length && finished(runs[0]) ? runs : undefined;
    }, 'the replayed run', 60_000);
    expect(run.status).toBe('succeeded');
    const deps = provisioningDeps(localEndpoint(stack.config), systemClock);
    expect(await deps.objects.getBucket('local-project-ws-team-delta-artifacts')).not.toBeNull();
    const listed = (await stackctlJson(['dead-letters', '--flow', 'provisioning', '--data-dir', stack.dataDir])).deadLetters;
    expect(listed.find((d: any) => d.id === dl.id)).toBeUndefined();
  });

  it('delete removes the workspace after a final export to the backup bucket', async () => {
    await stackctlJson(['publish', 'provisioning', '--file', 'examples/workspace-delete.json', '--data-dir', stack.dataDir]);
    const [run] = await eventually(async () => {
      const runs = await runsOf('provisioning:req-7f3a9d-delete');
      return runs.length && finished(runs[0]) ? runs : undefined;
    }, 'the delete run', 60_000);
    expect(run.status).toBe('succeeded');
    const deps = provisioningDeps(localEndpoint(stack.config), systemClock);
    expect(await deps.objects.getBucket('local-project-ws-team-alpha-artifacts')).toBeNull();
    expect(await deps.secrets.getSecret('ws-team-alpha-db')).toBeNull();
    expect((await deps.objects.listObjects('local-project-backups', { prefix: 'workspaces/team-alpha/' })).length).toBe(1);
  });
});
