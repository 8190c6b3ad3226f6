/**
 * Provisioning through the handler runtime, the production adapters and gcp-sim (real REST
 * wire format), with faults injected into each step in turn.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PubsubMessage } from '../../../../shared/events/envelope.ts';
import { provisioningFlow } from '../../../../shared/flows/provisioning/flow.ts';
import { processMessage } from '../../../../shared/runtime/pipeline.ts';
import { startTestCloud, type TestCloud } from '../../../support/cloud.ts';

const base = JSON.parse(readFileSync(new URL('../../../../examples/workspace-create.json', import.meta.url), 'utf8'));
let seq = 0;
function message(over: Record<string, unknown> = {}): PubsubMessage {
  seq++;
  return { data: Buffer.from(JSON.stringify({ ...base, ...over })), attributes: {}, messageId: `m-${seq}`, publishTime: new Date(), mode: 'push' };
}

const PROJECT = 'local-project';
const BUCKET = 'local-project-ws-team-alpha-artifacts';

async function inventory(cloud: TestCloud) {
  const p = cloud.provisioning;
  const [databases, users, secret, bucket, repository] = await Promise.all([
    p.sql.listDatabases('zenml-metadata'), p.sql.listUsers('zenml-metadata'), p.secrets.getSecret('ws-team-alpha-db'),
    p.objects.getBucket(BUCKET), p.registry.getRepository('us-central1', 'ws-team-alpha'),
  ]);
  return {
    databases: databases.filter((d) => d.name === 'ws_team_alpha').length,
    users: users.filter((u) => u.name === 'ws_team_alpha').length,
    secret: secret ? 1 : 0,
    bucket: bucket ? 1 : 0,
    repository: repository ? 1 : 0,
    buckets: (await p.objects.getBucket(BUCKET)) ? 1 : 0,
  };
}

const ALL_ONE = { databases: 1, users: 1, secret: 1, bucket: 1, repository: 1, buckets: 1 };
const NOTHING = { databases: 0, users: 0, secret: 0, bucket: 0, repository: 0, buckets: 0 };

describe('provisioning flow on gcp-sim', () => {
  let cloud: TestCloud;
  beforeEach(async () => { cloud = await startTestCloud(); });
  afterEach(async () => cloud.close());

  const run = (msg: PubsubMessage) => processMessage(provisioningFlow, cloud.deps, cloud.provisioning, msg);

  it('creates the whole workspace and reports WorkspaceReady with every resource name', async () => {
    const outcome = await run(message());
    expect(outcome).toMatchObject({ ack: true, status: 'succeeded' });
    expect(await inventory(cloud)).toEqual(ALL_ONE);

    const db = (await cloud.provisioning.sql.listDatabases('zenml-metadata')).find((d) => d.name === 'ws_team_alpha');
    expect(db?.charset).toBe('utf8mb4');
    const secret = JSON.parse((await cloud.provisioning.secrets.accessVersion('ws-team-alpha-db')).toString());
    expect(secret).toMatchObject({ instanceConnectionName: `${PROJECT}:us-central1:zenml-metadata`, database: 'ws_team_alpha', user: 'ws_team_alpha' });
    expect(secret.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const bucket = await cloud.provisioning.objects.getBucket(BUCKET);
    expect(bucket).toMatchObject({
      location: 'US', versioning: true, deleteAfterDays: 30, uniformBucketLevelAccess: true,
      labels: { workspace: 'team-alpha', environment: 'dev', 'managed-by': 'stack-control-plane', 'cost-center': 'ml-42' },
    });
    const event = cloud.publisher.messages.find((m) => m.data.kind === 'WorkspaceReady')!;
    expect(event.topic).toBe('cp-events');
    expect(event.data.resources).toEqual({
      database: 'ws_team_alpha', user: 'ws_team_alpha', secret: 'ws-team-alpha-db', bucket: BUCKET, repository: 'ws-team-alpha', instance: 'zenml-metadata',
    });
    const run0 = (await cloud.store.listRuns())[0]!;
    expect(run0.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'plan:succeeded', 'create-database:succeeded', 'create-secret:succeeded', 'create-user:succeeded', 'create-bucket:succeeded', 'create-repository:succeeded',
    ]);
  });

  it('never logs or records the password', async () => {
    await run(message());
    const password = JSON.parse((await cloud.provisioning.secrets.accessVersion('ws-team-alpha-db')).toString()).password as string;
    const everything = JSON.stringify({ runs: await cloud.store.listRuns(), audit: await cloud.store.queryAudit(), events: cloud.publisher.messages });
    expect(everything).not.toContain(password);
  });

  it('a new requestId for an existing workspace reports "already exists" with no changes; a different spec reports the difference', async () => {
    await run(message());
    const same = await run(message({ requestId: 'req-second-1' }));
    expect(same).toMatchObject({ status: 'succeeded' });
    const sameEvent = cloud.publisher.messages.at(-1)!.data;
    expect(sameEvent).toMatchObject({ kind: 'WorkspaceReady', alreadyExists: true, differences: [] });
    const different = await run(message({ requestId: 'req-third-1', spec: { ...base.spec, storage: { ...base.spec.storage, retentionDays: 90 } } }));
    expect(different).toMatchObject({ status: 'succeeded' });
    const diffEvent = cloud.publisher.messages.at(-1)!.data;
    expect(diffEvent.differences).toEqual([{ field: 'spec.storage.retentionDays', existing: 30, requested: 90 }]);
    expect(diffEvent.notes.join(' ')).toMatch(/updates are out of scope/);
    expect((await cloud.provisioning.objects.getBucket(BUCKET))?.deleteAfterDays).toBe(30);
    expect(await inventory(cloud)).toEqual(ALL_ONE);
  });

  const STEPS: Array<[string, string]> = [
    ['create-database', 'sqladmin.databases.insert'],
    ['create-secret', 'secretmanager.projects.secrets.create'],
    ['create-secret', 'secretmanager.projects.secrets.addVersion'],
    ['create-user', 'sqladmin.users.insert'],
    ['create-bucket', 'storage.buckets.insert'],
    ['create-repository', 'artifactregistry.projects.locations.repositories.create'],
  ];

  it.each(STEPS)('%s (%s) failing once transiently is redelivered and ends succeeded with exactly one of each resource', async (step, method) => {
    cloud.sim.faults.add({ method, times: 1, code: 503 });
    const first = await run(message());
    expect(first).toMatchObject({ ack: false, outcome: 'retry' });
    const retrying = (await cloud.store.listRuns())[0]!;
    expect(retrying.status).toBe('retrying');
    expect(retrying.steps.find((s) => s.name === step && s.status === 'failed')?.detail).toMatch(/transient/);
    const second = await run(message());
    expect(second).toMatchObject({ ack: true, status: 'succeeded', runId: retrying.id });
    expect(await inventory(cloud)).toEqual(ALL_ONE);
  });

  it.each(STEPS)('%s (%s) failing permanently ends failed, leaves nothing this run created, and names the step', async (step, method) => {
    cloud.sim.faults.add({ method, code: 403, message: 'The caller does not have permission' });
    const outcome = await run(message());
    expect(outcome).toMatchObject({ ack: true, status: 'failed' });
    expect(await inventory(cloud)).toEqual(NOTHING);
    const failed = cloud.publisher.messages.find((m) => m.data.kind === 'WorkspaceFailed')!.data;
    expect(failed.step).toBe(step);
    expect(failed.cause).toMatch(/permission/);
    expect(failed.compensationFailed).toBe(false);
    const steps = (await cloud.store.listRuns())[0]!.steps;
    expect(steps.filter((s) => s.status === 'compensated').length).toBe(failed.compensation.length);
  });

  it('a compensation that fails is recorded and reported, never swallowed', async () => {
    cloud.sim.faults.add({ method: 'artifactregistry.projects.locations.repositories.create', code: 400 });
    cloud.sim.faults.add({ method: 'storage.buckets.delete', code: 403 });
    const outcome = await run(message());
    expect(outcome).toMatchObject({ status: 'failed' });
    const failed = cloud.publisher.messages.find((m) => m.data.kind === 'WorkspaceFailed')!.data;
    expect(failed.compensationFailed).toBe(true);
    expect(failed.compensation.find((c: any) => c.step === 'create-bucket')).toMatchObject({ status: 'compensation-failed' });
    const run0 = (await cloud.store.listRuns())[0]!;
    expect(run0.steps.some((s) => s.name === 'compensate:create-bucket' && s.status === 'compensation-failed')).toBe(true);
    expect(run0.error?.message ?? (await cloud.store.queryAudit({ runId: run0.id }))[0]!.reason).toMatch(/compensation/);
  });

  it('delete removes everything after a final export to the backup bucket', async () => {
    await run(message());
    const outcome = await run(message({ requestId: 'req-delete-1', action: 'delete' }));
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(await inventory(cloud)).toEqual(NOTHING);
    const exports = await cloud.provisioning.objects.listObjects('local-project-backups', { prefix: 'workspaces/team-alpha/' });
    expect(exports).toHaveLength(1);
    expect(exports[0]!.name).toMatch(/^workspaces\/team-alpha\/final-\d{8}T\d{6}Z\.sql$/);
    expect(cloud.publisher.messages.at(-1)!.data).toMatchObject({ kind: 'WorkspaceDeleted', retainedBucket: null });
  });

  it('delete keeps a non-empty bucket, labels it pending-deletion with a date and reports it', async () => {
    await run(message());
    await cloud.provisioning.objects.putObject(BUCKET, 'models/model.pkl', 'weights');
    const outcome = await run(message({ requestId: 'req-delete-2', action: 'delete' }));
    expect(outcome).toMatchObject({ status: 'succeeded' });
    const bucket = await cloud.provisioning.objects.getBucket(BUCKET);
    expect(bucket?.labels['pending-deletion']).toBe(cloud.clock.now().toISOString().slice(0, 10));
    expect(await cloud.provisioning.objects.getObject(BUCKET, 'models/model.pkl')).not.toBeNull();
    const event = cloud.publisher.messages.at(-1)!.data;
    expect(event).toMatchObject({ kind: 'WorkspaceDeleted', retainedBucket: BUCKET });
    expect(event.notes.join(' ')).toMatch(/pending-deletion/);
    expect({ ...(await inventory(cloud)), bucket: 0, buckets: 0 }).toEqual(NOTHING);
  });

  it('two requests for the same workspace at once: the second waits parked (acked) and runs when the first releases', async () => {
    const [a, b] = await Promise.all([run(message()), run(message({ requestId: 'req-concurrent' }))]);
    expect([a, b].map((o) => o.outcome).sort()).toEqual(['processed', 'queued']);
    expect([a, b].every((o) => o.ack)).toBe(true);
    const handedOver = cloud.publisher.messages.filter((m) => m.topic === 'cp-provisioning-requests');
    expect(handedOver).toHaveLength(1);
    const retried = await run({ ...message(), data: handedOver[0]!.data as Buffer, attributes: handedOver[0]!.attributes ?? {} });
    expect(retried).toMatchObject({ ack: true, status: 'succeeded' });
    expect(await inventory(cloud)).toEqual(ALL_ONE);
  });

  it.each([
    ['sqladmin.operations.get', 'create-database'],
    ['artifactregistry.projects.locations.operations.get', 'create-repository'],
  ])('a 400 while polling %s is not a failure of the create: the run waits and ends with exactly one of each', async (method) => {
    cloud.sim.faults.add({ method, times: 2, code: 400, message: 'Invalid request' });
    const outcome = await run(message());
    expect(outcome).toMatchObject({ ack: true, status: 'succeeded' });
    expect(await inventory(cloud)).toEqual(ALL_ONE);
  });

  it.each([
    ['sqladmin.operations.get'],
    ['artifactregistry.projects.locations.operations.get'],
  ])('an operation whose outcome cannot be read (%s always 400) is retried, never compensated while it may still run', async (method) => {
    cloud.sim.faults.add({ method, code: 400, message: "Invalid request" });
    const first = await run(message());
    expect(first).toMatchObject({ ack: false, outcome: 'retry' });
    expect((await cloud.store.listRuns())[0]!.steps.some((s) => s.status === 'compensated')).toBe(false);
    cloud.sim.faults.clear();
    const second = await run(message());
    expect(second).toMatchObject({ ack: true, status: 'succeeded' });
    expect(await inventory(cloud)).toEqual(ALL_ONE);
  });

  it('always-503 on the final delivery attempt compensates what the run created: no secret with a live password is left', async () => {
    cloud.sim.faults.add({ method: 'storage.buckets.insert', code: 503 });
    for (let attempt = 1; attempt < 5; attempt++) {
      expect(await run({ ...message(), deliveryAttempt: attempt })).toMatchObject({ ack: false });
    }
    const last = await run({ ...message(), deliveryAttempt: 5 });
    expect(last).toMatchObject({ ack: true, outcome: 'processed', status: 'failed' });
    expect(await inventory(cloud)).toEqual(NOTHING);
    const failed = cloud.publisher.messages.find((m) => m.data?.kind === 'WorkspaceFailed')!.data;
    expect(failed).toMatchObject({ step: 'create-bucket', compensationFailed: false });
    expect(failed.cause).toMatch(/gave up after 5 delivery attempts/);
    expect((await cloud.store.listDeadLetters())[0]!.reason).toMatch(/gave up after 5 delivery attempts/);
  });
});
