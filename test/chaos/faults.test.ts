/**
 * Chaos: the fault matrix. Every step of the provisioning flow (create and delete) fails in each
 * way a Google API fails: transiently a few times (must heal: succeeded, no dead letter), always
 * transiently (the last attempt compensates), permanently (compensated at once), and for the
 * long-running creates, polls of the operation that fail (the outcome is unknown: never undone
 * blindly). After each scenario the workspace is whole, or gone, or its remains are on record.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsDeps } from '../../shared/runtime/adapters/alerts.ts';
import { localEndpoint } from '../../shared/local/stack/local-endpoint.ts';
import type { AlertsDeps } from '../../shared/flows/alerts/deps.ts';
import { TOPICS } from '../../shared/events/topics.ts';
import type { FaultRule } from '../../shared/local/gcp-sim/faults.ts';
import { ChaosCloud, COMPLETE, figures, flowOfTopic, NOTHING, workspaceInventory, workspaceRequest, type Worker } from './harness.ts';

type Kind = 'transient-twice' | 'always-503' | 'permanent-403';

const CREATE_STEPS: Array<{ step: string; method: string; scope: (ws: string) => string }> = [
  { step: 'create-database', method: 'sqladmin.databases.insert', scope: () => 'zenml-metadata/databases' },
  { step: 'create-secret', method: 'secretmanager.projects.secrets.create', scope: (ws) => `ws-${ws}-db` },
  { step: 'create-secret (version)', method: 'secretmanager.projects.secrets.addVersion', scope: (ws) => `ws-${ws}-db` },
  { step: 'create-user', method: 'sqladmin.users.insert', scope: () => 'zenml-metadata/users' },
  { step: 'create-bucket', method: 'storage.buckets.insert', scope: () => '/b' },
  { step: 'create-repository', method: 'artifactregistry.projects.locations.repositories.create', scope: () => 'repositories' },
];

const DELETE_STEPS: Array<{ step: string; method: string }> = [
  { step: 'export-database', method: 'sqladmin.instances.export' },
  { step: 'delete-user', method: 'sqladmin.users.delete' },
  { step: 'delete-database', method: 'sqladmin.databases.delete' },
  { step: 'delete-secret', method: 'secretmanager.projects.secrets.delete' },
  { step: 'delete-repository', method: 'artifactregistry.projects.locations.repositories.delete' },
  { step: 'delete-bucket', method: 'storage.buckets.delete' },
];

function rule(kind: Kind, method: string): FaultRule {
  if (kind === 'transient-twice') return { method, code: 503, times: 2 };
  if (kind === 'always-503') return { method, code: 503 };
  return { method, code: 403, message: 'The caller does not have permission' };
}

describe('chaos: the fault matrix over every provisioning step', () => {
  let cloud: ChaosCloud;
  let worker: Worker;
  let alerts: AlertsDeps;
  const totals = { scenarios: 0, inputs: 0, lost: 0, duplicates: 0, leaks: 0, deadLettersThatCouldHaveRun: 0, pendingCleanup: 0, compensated: 0 };
  beforeAll(async () => {
    cloud = await ChaosCloud.start();
    worker = cloud.worker('faults');
    alerts = alertsDeps(localEndpoint(cloud.config), cloud.clock);
  });
  afterAll(async () => {
    figures('fault-matrix', totals);
    await cloud.close();
  });

  let n = 0;
  async function runOne(body: object): Promise<{ runs: Awaited<ReturnType<typeof cloud.store.listRuns>>; deadLetters: number }> {
    const dlBefore = (await cloud.store.listDeadLetters({ limit: 10_000 })).length + cloud.push.deadLetterTopic.length;
    await cloud.push.publish(TOPICS.provisioning, body);
    totals.inputs++;
    await cloud.push.drain(() => worker, flowOfTopic);
    cloud.sim.faults.clear();
    const runs = (await cloud.store.listRuns({ flow: 'provisioning', limit: 10_000 })).filter((r) => (r.input as { requestId?: string })?.requestId === (body as { requestId: string }).requestId);
    const deadLetters = (await cloud.store.listDeadLetters({ limit: 10_000 })).length + cloud.push.deadLetterTopic.length - dlBefore;
    if (runs.length !== 1 || !['succeeded', 'failed'].includes(runs[0]!.status)) totals.lost++;
    return { runs, deadLetters };
  }

  const creates = CREATE_STEPS.flatMap((s) => (['transient-twice', 'always-503', 'permanent-403'] as const).map((kind) => ({ ...s, kind })));
  it.each(creates)('create: $step ($method) $kind', async ({ method, kind }) => {
    totals.scenarios++;
    const ws = `fm-${++n}`;
    cloud.sim.faults.add(rule(kind, method));
    const { runs, deadLetters } = await runOne(workspaceRequest(`req-fm-${n}`, ws));
    const inventory = await workspaceInventory(worker.provisioning, ws);
    const run = runs[0]!;
    const ready = cloud.push.events.filter((e) => e.kind === 'WorkspaceReady' && e.workspace === ws).length;
    if (ready > 1) totals.duplicates++;
    if (kind === 'transient-twice') {
      if (deadLetters) totals.deadLettersThatCouldHaveRun += deadLetters;
      expect(run.status).toBe('succeeded');
      expect(inventory).toEqual(COMPLETE);
      expect(deadLetters).toBe(0);
    } else {
      expect(run.status).toBe('failed');
      const pending = ((run.result as { pendingCleanup?: unknown[] })?.pendingCleanup ?? []).length;
      totals.pendingCleanup += pending;
      if (pending === 0 && JSON.stringify(inventory) !== JSON.stringify(NOTHING)) totals.leaks++;
      expect(inventory).toEqual(NOTHING);
      totals.compensated++;
      expect(deadLetters).toBe(1);
    }
    expect(ready).toBeLessThanOrEqual(1);
  });

  it.each([
    ['sqladmin.operations.get'],
    ['artifactregistry.projects.locations.operations.get'],
  ])('create: the operation poll %s answers 400 three times, then heals: no leak, no dead letter', async (method) => {
    totals.scenarios++;
    const ws = `fm-${++n}`;
    cloud.sim.faults.add({ method, code: 400, times: 3 });
    const { runs, deadLetters } = await runOne(workspaceRequest(`req-fm-${n}`, ws));
    expect(runs[0]!.status).toBe('succeeded');
    expect(await workspaceInventory(worker.provisioning, ws)).toEqual(COMPLETE);
    expect(deadLetters).toBe(0);
  });

  it.each([
    ['sqladmin.operations.get'],
    ['artifactregistry.projects.locations.operations.get'],
  ])('create: the operation poll %s always fails: each attempt re-observes what finished; nothing is undone blindly or leaked', async (method) => {
    totals.scenarios++;
    const ws = `fm-${++n}`;
    cloud.sim.faults.add({ method, code: 400 });
    const { runs } = await runOne(workspaceRequest(`req-fm-${n}`, ws));
    const run = runs[0]!;
    const inventory = await workspaceInventory(worker.provisioning, ws);
    if (run.status === 'succeeded') {
      // The operations whose outcome could not be read had finished: the redeliveries saw them.
      expect(inventory).toEqual(COMPLETE);
      return;
    }
    // Or it gave up with the step whose outcome is unknown on record, and nothing else left.
    const pending = (run.result as { pendingCleanup: Array<{ step: string }> }).pendingCleanup.map((p) => p.step);
    totals.pendingCleanup += pending.length;
    const present = Object.entries(inventory).filter(([k, v]) => v > 0 && k !== 'liveSecretVersions').map(([k]) => k);
    const accounted = present.every((resource) => pending.some((step) => step === `create-${resource}`));
    if (!accounted) totals.leaks++;
    expect(accounted, `present ${present.join(',')} / pending ${pending.join(',')}`).toBe(true);
  });

  it.each(DELETE_STEPS)('delete: $step ($method) failing twice transiently still deletes everything once', async ({ method }) => {
    totals.scenarios++;
    const ws = `fd-${++n}`;
    await runOne(workspaceRequest(`req-fd-${n}`, ws));
    expect(await workspaceInventory(worker.provisioning, ws)).toEqual(COMPLETE);
    cloud.sim.faults.add({ method, code: 503, times: 2 });
    const { runs, deadLetters } = await runOne(workspaceRequest(`req-fd-del-${n}`, ws, 'delete'));
    if (deadLetters) totals.deadLettersThatCouldHaveRun += deadLetters;
    expect(runs[0]!.status).toBe('succeeded');
    expect(await workspaceInventory(worker.provisioning, ws)).toEqual(NOTHING);
    expect(deadLetters).toBe(0);
  });

  // The alerts flow's one external step: starting the workflow execution.
  it.each([
    ['transient-twice', 'zenml-server', 'executing', 0, 1],
    ['permanent-403', 'mlflow', 'failed', 1, 0],
    ['always-503', 'zenml-server', 'failed', 1, 0],
  ] as const)('alerts: executions.create %s on %s → %s, %i dead letter(s), %i execution(s)', async (kind, app, status, deadLetters, executions) => {
    totals.scenarios++;
    totals.inputs++;
    // Past any cooldown a previous scenario left on the app.
    cloud.clock.advance(3 * 60 * 60_000);
    const method = 'workflowexecutions.projects.locations.workflows.executions.create';
    cloud.sim.faults.add(rule(kind, method));
    const incident = JSON.parse(readFileSync(new URL('../../examples/incident-redeploy.json', import.meta.url), 'utf8'));
    incident.incident = { ...incident.incident, incident_id: `0.chaos-${++n}`, started_at: Math.floor(cloud.clock.now().getTime() / 1000), policy_user_labels: { remediation: 'redeploy', app } };
    const dlBefore = (await cloud.store.listDeadLetters({ limit: 10_000 })).length + cloud.push.deadLetterTopic.length;
    const before = (await alerts.workflows.listExecutions('redeploy')).length;
    await cloud.push.publish(TOPICS.alerts, incident);
    await cloud.push.drain(() => worker, flowOfTopic, 1_000, (_w, flow) => (flow === 'alerts' ? alerts : worker.provisioning));
    cloud.sim.faults.clear();
    const run = await cloud.store.getRunByKey(`alerts:0.chaos-${n}:open`);
    if (!run) totals.lost++;
    expect(run?.status).toBe(status);
    const dl = (await cloud.store.listDeadLetters({ limit: 10_000 })).length + cloud.push.deadLetterTopic.length - dlBefore;
    if (kind === 'transient-twice') totals.deadLettersThatCouldHaveRun += dl;
    expect(dl).toBe(deadLetters);
    const started = (await alerts.workflows.listExecutions('redeploy')).length - before;
    if (started > 1) totals.duplicates++;
    expect(started).toBe(executions);
  });

  it('no scenario lost a message, duplicated an effect, leaked a resource or dead-lettered work that could have run', () => {
    expect(totals).toMatchObject({ lost: 0, duplicates: 0, leaks: 0, deadLettersThatCouldHaveRun: 0 });
  });
});
