/**
 * The alerts flow against the real workflows: the production Workflows adapter (@google-cloud/workflows
 * over REST) → gcp-sim's Workflow Executions → the local engine running workflows/redeploy.yaml and
 * pitr-restore.yaml → Argo CD, Cloud SQL and Secret Manager in gcp-sim, all in virtual time. The run
 * follows its execution to the end through the execution follower.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { openSqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { GcpWorkflows } from '../../../../shared/adapters/gcp/workflows.ts';
import { parseRules } from '../../../../shared/domain/remediation/rules.ts';
import { alertsFlow } from '../../../../shared/flows/alerts/flow.ts';
import type { AlertsDeps } from '../../../../shared/flows/alerts/deps.ts';
import { followExecutionsOnce } from '../../../../shared/flows/alerts/follower.ts';
import type { Run, StateStore } from '../../../../shared/ports/state-store.ts';
import { TERMINAL_RUN_STATUSES } from '../../../../shared/ports/state-store.ts';
import { createLogger } from '../../../../shared/runtime/logger.ts';
import { processMessage } from '../../../../shared/runtime/pipeline.ts';
import type { RuntimeDeps } from '../../../../shared/runtime/flow.ts';
import { RecordingPublisher, testConfig } from '../../../support/fakes.ts';
import { INSTANCE, PROJECT, startWorkflowStack, syncRequests, type PublishedEvent, type WorkflowStack } from '../../../workflows/harness.ts';
import { DEFAULT_RULES_TEXT, incidentMessage } from './harness.ts';
import { answerApproval, recordApproval } from '../../../../shared/local/cli/commands/approvals.ts';

const MINUTE = 60_000;
let stack: WorkflowStack;
let store: StateStore;
let deps: RuntimeDeps;
let flowDeps: AlertsDeps;
const logger = createLogger({ level: 'silent' });

beforeEach(async () => {
  stack = await startWorkflowStack();
  store = openSqliteStateStore(':memory:', { clock: stack.clock });
  deps = { config: testConfig({ STACKCTL_GCP_SIM_URL: stack.sim.url }), store, publisher: new RecordingPublisher(), clock: stack.clock, logger };
  const rules = parseRules(DEFAULT_RULES_TEXT, 'default-rules.yaml');
  flowDeps = { workflows: new GcpWorkflows({ projectId: PROJECT, region: 'us-central1', simulatorUrl: stack.sim.url, simulatorAuth: localSimulatorAuth() }), rules: () => rules };
});
afterEach(async () => {
  await store.close();
  await stack.close();
});

const deliver = (message: ReturnType<typeof incidentMessage>) => processMessage(alertsFlow, deps, flowDeps, message);

/** Runs the follower until the run ends; the engine moves on in virtual time meanwhile (bounded). */
async function followUntilDone(runId: string): Promise<Run> {
  for (let i = 0; i < 400; i++) {
    await followExecutionsOnce({ store, workflows: flowDeps.workflows, clock: stack.clock, logger });
    const run = (await store.getRun(runId))!;
    if (TERMINAL_RUN_STATUSES.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${runId} did not end: ${JSON.stringify(await store.getRun(runId))}`);
}

describe('alerts flow on the real workflows', () => {
  it('an open incident labelled remediation=redeploy, app=zenml-server gives exactly one Argo CD sync and ends succeeded', async () => {
    const outcome = await deliver(incidentMessage());
    expect(outcome).toMatchObject({ status: 'executing' });
    const copies = await Promise.all(Array.from({ length: 20 }, () => deliver(incidentMessage())));
    expect(copies.every((c) => c.ack)).toBe(true);
    const distinct = await Promise.all(Array.from({ length: 10 }, (_, i) => deliver(incidentMessage({ incident_id: `0.other-${i}` }))));
    expect(distinct.map((d) => ('status' in d ? d.status : d.outcome))).toEqual(Array(10).fill('suppressed'));

    const run = await followUntilDone(outcome.runId!);
    expect(run).toMatchObject({ status: 'succeeded', refs: { executionState: 'SUCCEEDED' }, result: { execution: { result: { app: 'zenml-server', status: 'Synced/Healthy' } } } });
    expect(syncRequests(stack, 'zenml-server')).toHaveLength(1);
    expect(stack.events.map((e) => e.kind)).toEqual(['RedeployCompleted']);

    // Within the cooldown, nothing more happens.
    stack.clock.advance(5 * MINUTE);
    expect(await deliver(incidentMessage({ incident_id: '0.later' }))).toMatchObject({ status: 'suppressed' });
    expect(syncRequests(stack)).toHaveLength(1);
  });

  it('a pitr-restore incident waits for approval; once approved the restore runs and the run ends succeeded', async () => {
    const start = stack.clock.now().getTime();
    stack.sql.recordWrite(PROJECT, INSTANCE, { write: 'before' }, new Date(start - 30 * MINUTE));
    const approvals: PublishedEvent[] = [];
    stack.onEvent = async (event) => {
      if (event.kind !== 'ApprovalRequested') return;
      approvals.push(event);
    };
    const outcome = await deliver(incidentMessage({ started_at: Math.floor((start - 2 * MINUTE) / 1000) }, 'pitr'));
    expect(outcome).toMatchObject({ status: 'awaiting-approval' });
    for (let i = 0; i < 200 && approvals.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(approvals).toHaveLength(1);
    const execution = (await store.getRun(outcome.runId!))!.refs!.execution!;
    expect(execution).toMatch(new RegExp(`/executions/${String(approvals[0]!.data.executionId)}$`));

    // What `stackctl approve` does: callbacks.list on gcp-sim, POST to the callback's URL on the same API, record it on the run.
    const answer = { approved: true, approver: 'ana@example.com', comment: 'restore it' };
    const { callback } = await answerApproval({ gcpSimUrl: stack.sim.url, execution, answer });
    expect(callback).toMatch(new RegExp(`^${execution}/callbacks/`));
    expect(await recordApproval(store, execution, answer, callback, stack.clock.now())).toMatchObject({ status: 'executing', refs: { approval: 'approved', approver: 'ana@example.com' } });

    const run = await followUntilDone(outcome.runId!);
    expect(run).toMatchObject({ status: 'succeeded', refs: { executionState: 'SUCCEEDED', target: `instance:${INSTANCE}` }, result: { execution: { result: { status: 'restored', changed: true } } } });
  });

  it('a rejected approval ends the run cancelled with nothing changed', async () => {
    const start = stack.clock.now().getTime();
    let asked = false;
    stack.onEvent = (event) => { if (event.kind === 'ApprovalRequested') asked = true; };
    const open = await deliver(incidentMessage({ started_at: Math.floor((start - 2 * MINUTE) / 1000) }, 'pitr'));
    for (let i = 0; i < 200 && !asked; i++) await new Promise((r) => setTimeout(r, 10));
    const execution = (await store.getRun(open.runId!))!.refs!.execution!;
    const before = JSON.stringify(stack.stableState());
    await answerApproval({ gcpSimUrl: stack.sim.url, callbacksUrl: stack.engine.manager.callbackBaseUrl, execution, answer: { approved: false, approver: 'bob@example.com' } });
    const run = await followUntilDone(open.runId!);
    expect(run).toMatchObject({ status: 'cancelled', refs: { executionState: 'SUCCEEDED' }, result: { execution: { result: { status: 'rejected', changed: false } } } });
    expect(JSON.stringify(stack.stableState())).toBe(before);
    await expect(answerApproval({ gcpSimUrl: stack.sim.url, execution, answer: { approved: true, approver: 'bob@example.com' } })).rejects.toThrow('is not waiting for an approval');
  });

  it('a closed incident cancels the execution that waits for approval, and nothing changes', async () => {
    const start = stack.clock.now().getTime();
    let asked = false;
    stack.onEvent = (event) => { if (event.kind === 'ApprovalRequested') asked = true; };
    const before = JSON.stringify(stack.stableState());
    const open = await deliver(incidentMessage({ started_at: Math.floor((start - 2 * MINUTE) / 1000) }, 'pitr'));
    for (let i = 0; i < 200 && !asked; i++) await new Promise((r) => setTimeout(r, 10));
    expect(asked).toBe(true);

    const closed = await deliver(incidentMessage({ state: 'closed' }, 'pitr'));
    expect(closed).toMatchObject({ status: 'succeeded' });
    const run = (await store.getRun(open.runId!))!;
    expect(run).toMatchObject({ status: 'cancelled', refs: { executionState: 'CANCELLED', resolvedBy: closed.runId } });
    const execution = await flowDeps.workflows.getExecution(run.refs!.execution!);
    expect(execution.state).toBe('CANCELLED');
    expect(JSON.stringify(stack.stableState())).toBe(before);
  });
});
