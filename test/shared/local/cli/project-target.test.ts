/**
 * `--project`: runs, runs describe, audit, dead-letters (+ replay from `<topic>-dlq-sub`),
 * events, guardrails, status and approve against a project, through the production adapters: Firestore
 * (the emulator, FIRESTORE_EMULATOR_HOST), Pub/Sub (the local emulator, PUBSUB_EMULATOR_HOST) and
 * the Workflow Executions API of gcp-sim (STACKCTL_WORKFLOWS_ENDPOINT) running a real pitr-restore
 * that waits for its approval callback. Gated on the Firestore emulator (.ci/run starts it).
 */
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirestoreStateStore } from '../../../../shared/adapters/gcp/firestore-state-store.ts';
import { emulatorPubsubOptions } from '../../../../shared/adapters/local/pubsub-options.ts';
import { GUARD_NAMESPACES } from '../../../../shared/flows/alerts/guard-state.ts';
import { eventually, startTestStack } from '../../../support/stack.ts';
import { runCli } from '../../../support/cli.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const emulator = process.env.FIRESTORE_EMULATOR_HOST;
const projectId = `cli-${Date.now().toString(36)}`;

describe.runIf(emulator)(emulator
  ? `stackctl --project ${projectId} (Firestore emulator ${emulator}, gcp-sim Workflows, Pub/Sub emulator)`
  : 'stackctl --project: skipped, it needs FIRESTORE_EMULATOR_HOST (.ci/run starts Google\'s Firestore emulator)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let store: FirestoreStateStore;
  let pubsub: PubSub;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[]) => runCli([...args, '--project', projectId], { env });

  beforeAll(async () => {
    stack = await startTestStack();
    store = new FirestoreStateStore({ projectId });
    pubsub = new PubSub(emulatorPubsubOptions(projectId, stack.info.endpoints.pubsubEmulator));
    env = { FIRESTORE_EMULATOR_HOST: emulator, PUBSUB_EMULATOR_HOST: stack.info.endpoints.pubsubEmulator, STACKCTL_WORKFLOWS_ENDPOINT: stack.info.endpoints.gcpSim };
  }, 120_000);

  afterAll(async () => {
    await pubsub?.close();
    await store?.close();
    await stack?.cleanup();
  });

  it('runs, runs describe and audit read the Firestore state store', async () => {
    const { run } = await store.claim('provisioning:req-cli-1', { id: 'a1b2c3d4-0000-4000-8000-000000000001', flow: 'provisioning', target: 'workspace:team-cli', status: 'running', attempts: 1 });
    await store.updateRun(run.id, { steps: [{ name: 'plan', status: 'succeeded', detail: 'create-database', at: new Date().toISOString() }, { name: 'create-database', status: 'failed', detail: 'HTTP 403', at: new Date().toISOString() }] });
    await store.updateRun(run.id, { status: 'failed', error: { class: 'permanent', message: 'create-database: permission denied', where: 'create-database' } });
    await store.appendAudit({ flow: 'provisioning', runId: run.id, actor: 'alice@example.com', action: 'provisioning.WorkspaceRequest', result: 'failed', reason: 'create-database: permission denied' });

    const list = await cli(['runs', '-o', 'json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).runs.map((r: { id: string }) => r.id)).toContain(run.id);
    const table = await cli(['runs', '--status', 'failed']);
    expect(table.stdout).toMatch(/a1b2c3d4\s+provisioning\s+failed\s+workspace:team-cli/);

    const described = await cli(['runs', 'describe', 'a1b2c3d4']);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/status\s+failed/);
    expect(described.stdout).toMatch(/1\. plan\s+succeeded/);
    expect(described.stdout).toMatch(/2\. create-database\s+failed\s+\+\S+\s+HTTP 403/);
    expect(described.stdout).toContain('error      permanent: create-database: permission denied (at create-database)');

    const audit = await cli(['audit', '--run', 'a1b2c3d4', '-o', 'json']);
    expect(JSON.parse(audit.stdout).audit).toEqual([expect.objectContaining({ runId: run.id, result: 'failed', actor: 'alice@example.com' })]);
  });

  it('approve answers the execution\'s callback on the Workflows API and records it on the Firestore run', { timeout: 120_000 }, async () => {
    // A real pitr-restore execution on gcp-sim's engine, started the way the alerts flow starts it, waiting for approval.
    const local = new PubSub(emulatorPubsubOptions('local-project', stack.info.endpoints.pubsubEmulator));
    const incident = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../examples/incident-pitr.json'), 'utf8'));
    incident.incident.started_at = Math.floor(Date.now() / 1000) - 600;
    await local.topic('cp-monitoring-alerts').publishMessage({ json: incident });
    await local.close();
    const localRun = await eventually(async () => {
      const r = await stack.container.deps.store.getRunByKey('alerts:0.pitr4c0rrupt:open');
      return r?.status === 'awaiting-approval' && r.refs?.execution ? r : undefined;
    }, 'the restore to wait for approval', 60_000);
    const execution = localRun.refs!.execution!;
    await eventually(async () => {
      const res = await fetch(`${stack.info.endpoints.gcpSim}/v1/${execution}/callbacks`, { headers: { authorization: 'Bearer x' } });
      return ((await res.json()) as { callbacks?: unknown[] }).callbacks?.length ? true : undefined;
    }, 'the approval callback', 60_000);
    // The same run as production keeps it in Firestore.
    const { run } = await store.claim('alerts:0.pitr4c0rrupt:open', { id: 'e5f6a7b8-0000-4000-8000-000000000002', flow: 'alerts', target: 'incident:0.pitr4c0rrupt', status: 'running', attempts: 1 });
    await store.updateRun(run.id, { status: 'awaiting-approval', refs: { execution, executionState: 'ACTIVE', target: 'instance:zenml-metadata', workflow: 'pitr-restore' } });

    const approved = await cli(['approve', execution.split('/').at(-1)!, '--approver', 'ana', '--comment', 'restore it']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`approved ${execution} (run ${run.id}, now executing)`);
    expect((await store.getRun(run.id))!).toMatchObject({ status: 'executing', refs: { approval: 'approved', approver: 'ana' } });
    expect(await store.queryAudit({ runId: run.id })).toEqual([expect.objectContaining({ action: 'alerts.approve', actor: 'ana' })]);
    // The workflow got the answer: it leaves the approval wait (no callback left to answer).
    await eventually(async () => {
      const res = await fetch(`${stack.info.endpoints.gcpSim}/v1/${execution}/callbacks`, { headers: { authorization: 'Bearer x' } });
      return ((await res.json()) as { callbacks?: unknown[] }).callbacks?.length ? undefined : true;
    }, 'the callback to be used', 60_000);

    // runs describe reads the execution's live state from the Workflows API.
    const described = await cli(['runs', 'describe', run.id, '-o', 'json']);
    expect(JSON.parse(described.stdout).executionError).toBeUndefined();
    expect(JSON.parse(described.stdout).execution).toMatchObject({ name: execution, state: expect.stringMatching(/ACTIVE|SUCCEEDED/) });
  });

  it('dead-letters lists the store\'s records and what waits on the -dlq-sub subscriptions, and replays both', { timeout: 60_000 }, async () => {
    const [dlq] = await pubsub.createTopic('cp-billing-budgets-dlq');
    await dlq.createSubscription('cp-billing-budgets-dlq-sub');
    const [source] = await pubsub.createTopic('cp-billing-budgets');
    const [check] = await source.createSubscription('replay-check');
    const waitingId = await dlq.publishMessage({ data: Buffer.from('{"budgetDisplayName":"b"}'), attributes: { budgetId: 'b-1', CloudPubSubDeadLetterSourceDeliveryCount: '5' } });
    const record = await store.putDeadLetter({ flow: 'budgets', topic: 'cp-billing-budgets', reason: 'invalid message: $.costAmount: expected number', raw: { data: Buffer.from('{"x":1}').toString('base64'), attributes: { budgetId: 'b-2' } } });

    for (let look = 0; look < 2; look++) {
      // Listing only peeks: the second look sees the same message.
      const listed = await cli(['dead-letters', '-o', 'json']);
      expect(listed.code, listed.stderr).toBe(0);
      const doc = JSON.parse(listed.stdout);
      expect(doc.deadLetters.map((d: { id: string }) => d.id)).toContain(record.id);
      expect(doc.waiting).toEqual([expect.objectContaining({ id: waitingId, flow: 'budgets', subscription: 'cp-billing-budgets-dlq-sub', deliveryCount: '5' })]);
    }

    const received: Array<{ data: string; attributes: Record<string, string> }> = [];
    check.on('message', (m) => { received.push({ data: m.data.toString(), attributes: m.attributes }); m.ack(); });
    const replayed = await cli(['dead-letters', 'replay', waitingId]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain(`replayed ${waitingId} from cp-billing-budgets-dlq-sub to cp-billing-budgets`);
    const replayedStore = await cli(['dead-letters', 'replay', record.id]);
    expect(replayedStore.code, replayedStore.stderr).toBe(0);
    await eventually(async () => received.length >= 2, 'both replays on cp-billing-budgets');
    await check.close();
    expect(received).toEqual(expect.arrayContaining([
      { data: '{"budgetDisplayName":"b"}', attributes: { budgetId: 'b-1', 'stackctl-replay-of': `dlq:${waitingId}` } },
      { data: '{"x":1}', attributes: { budgetId: 'b-2', 'stackctl-replay-of': record.id } },
    ]));
    const after = JSON.parse((await cli(['dead-letters', '--all', '-o', 'json'])).stdout);
    expect(after.waiting).toEqual([]);
    expect(after.deadLetters.find((d: { id: string }) => d.id === record.id).replayCount).toBe(1);
    expect((await store.queryAudit({ flow: 'cli' })).map((a) => a.action)).toEqual(expect.arrayContaining(['dead-letters.replay']));
  });

  it('events reads cp-events-sub (Terraform\'s retained subscription), and guardrails list|reset work on the Firestore kv', async () => {
    const [events] = await pubsub.createTopic('cp-events');
    await events.createSubscription('cp-events-sub');
    await events.publishMessage({ json: { apiVersion: 'stackctl/v1', kind: 'RemediationFinished', flow: 'alerts', runId: 'e5f6a7b8-0000', status: 'failed', at: new Date().toISOString(), target: 'incident:x' } });
    const shown = await cli(['events']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/RemediationFinished\s+alerts\s+failed\s+e5f6a7b8/);

    const until = new Date(Date.now() + 3600_000).toISOString();
    await store.putValue(GUARD_NAMESPACES.cooldown, 'instance:zenml-metadata', { until, runId: 'e5f6a7b8-0000-4000-8000-000000000002' }, 0);
    const listed = JSON.parse((await cli(['guardrails', 'list', '-o', 'json'])).stdout);
    expect(listed.targets).toEqual([expect.objectContaining({ target: 'instance:zenml-metadata', cooldownUntil: until })]);
    const reset = await cli(['guardrails', 'reset', 'cooldown', '--target', 'instance:zenml-metadata', '--actor', 'ana']);
    expect(reset.stdout).toContain('cooldown instance:zenml-metadata: reset (audited)');
    const again = JSON.parse((await cli(['guardrails', 'list', '-o', 'json'])).stdout);
    expect(again.targets[0].cooldownUntil).toBeUndefined();
    expect(await store.queryAudit({ flow: 'cli', limit: 10 })).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'guardrails.reset-cooldown', actor: 'ana', target: 'instance:zenml-metadata' })]));
  });

  it('status summarises the project\'s control plane: work in flight, approvals with the command to answer, failures, dead letters', async () => {
    const execution = `projects/${projectId}/locations/us-central1/workflows/pitr-restore/executions/9f8e7d6c-status`;
    const { run: waiting } = await store.claim('alerts:status-approval', { id: 'c0ffee00-0000-4000-8000-000000000003', flow: 'alerts', target: 'incident:status', status: 'running', attempts: 1 });
    await store.updateRun(waiting.id, { status: 'awaiting-approval', refs: { execution } });
    await store.putDeadLetter({ flow: 'alerts', topic: 'cp-monitoring-alerts', reason: 'invalid message: $.incident: required', raw: { data: Buffer.from('{}').toString('base64'), attributes: {} } });

    const shown = await cli(['status']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`project ${projectId}, region us-central1, Firestore database (default)`);
    expect(shown.stdout).toMatch(new RegExp(`c0ffee00\\s+alerts\\s+incident:status.*→ stackctl approve 9f8e7d6c-status --project ${projectId}`));
    expect(shown.stdout).toMatch(/last failure\s+a1b2c3d4 provisioning workspace:team-cli .*create-database: permission denied/);
    expect(shown.stdout).toMatch(new RegExp(`dead letters\\s+\\d+ not replayed \\(.*alerts 1.*→ stackctl dead-letters --project ${projectId}`));

    const doc = JSON.parse((await cli(['status', '-o', 'json'])).stdout);
    expect(doc).toMatchObject({ projectId, region: 'us-central1', database: '(default)' });
    expect(doc.controlPlane.inFlight).toEqual(expect.arrayContaining([expect.objectContaining({ id: waiting.id, status: 'awaiting-approval', execution })]));
    expect(doc.controlPlane.recent.byStatus.failed).toBeGreaterThanOrEqual(1);
    expect(doc.controlPlane.deadLetters.byFlow.alerts).toBe(1);
    expect(doc.controlPlane.outbox).toMatchObject({ waiting: expect.any(Number), failing: expect.any(Number) });
    expect(shown.stdout).toMatch(/status events\s+(all published|\d+ waiting in the outbox)/);
  });
});
