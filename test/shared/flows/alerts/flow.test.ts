/**
 * The alerts flow end to end through the handler runtime (decode → dedup claim → act → audit →
 * status event), with the execution follower, on SQLite :memory: in virtual time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RulesFileError } from '../../../../shared/domain/remediation/rules.ts';
import { PermanentError, TransientError } from '../../../../shared/runtime/errors.ts';
import type { PubsubMessage } from '../../../../shared/events/envelope.ts';
import { DEFAULT_RULES_TEXT, incidentMessage, MINUTE, rawMessage, startHarness, type Harness } from './harness.ts';

let h: Harness;
afterEach(async () => h?.close());

/** Redelivers what was nacked, the way Pub/Sub does, until everything is acked (bounded). */
async function deliverAll(h: Harness, messages: PubsubMessage[]) {
  let pending = messages;
  const outcomes = [];
  for (let round = 0; round < 20 && pending.length > 0; round++) {
    // A throw is what the HTTP layer answers 500 to: Pub/Sub redelivers it like a nack.
    const results = await Promise.all(pending.map((m) => h.deliver(m).catch(() => ({ ack: false as const }))));
    outcomes.push(...results.filter((r) => r.ack));
    pending = pending.filter((_, i) => !results[i]!.ack);
  }
  expect(pending).toHaveLength(0);
  return outcomes;
}

const alertRuns = (h: Harness) => h.store.listRuns({ flow: 'alerts', limit: 10_000 });

describe('an open incident labelled remediation=redeploy, app=zenml-server', () => {
  it('starts exactly one redeploy execution and the run follows it to succeeded', async () => {
    h = startHarness();
    const outcome = await h.deliver(incidentMessage());
    expect(outcome).toMatchObject({ ack: true, outcome: 'processed', status: 'executing' });
    expect(h.workflows.started).toEqual([{ workflow: 'redeploy', argument: { app: 'zenml-server', reason: 'alert incident 0.opqiw61fsv7p' } }]);

    const run = (await h.store.getRun(outcome.runId!))!;
    const execution = run.refs!.execution!;
    expect(run.refs).toMatchObject({ executionState: 'ACTIVE', target: 'app:zenml-server', rule: 'redeploy-app', workflow: 'redeploy', lock: 'remediation:app:zenml-server' });
    expect(h.publisher.messages.at(-1)!.data).toMatchObject({ kind: 'RemediationStarted', status: 'executing', execution, remediationTarget: 'app:zenml-server' });
    // The in-flight lock is held for the execution, not for the handler call.
    expect(await h.store.acquireLease('remediation:app:zenml-server', 'someone-else', 1000)).toBeNull();

    expect(await h.follow()).toMatchObject({ checked: 1, finished: [] });
    h.workflows.finish(execution, 'SUCCEEDED', { result: { app: 'zenml-server', status: 'Synced' } });
    expect(await h.follow()).toMatchObject({ finished: [{ runId: run.id, status: 'succeeded' }] });
    expect(await h.store.getRun(run.id)).toMatchObject({ status: 'succeeded', refs: { execution, executionState: 'SUCCEEDED' }, result: { execution: { state: 'SUCCEEDED', result: { status: 'Synced' } } } });
    expect(await h.store.acquireLease('remediation:app:zenml-server', 'someone-else', 1000)).not.toBeNull();
    expect(h.publisher.messages.at(-1)).toMatchObject({ topic: 'cp-events', data: { kind: 'RemediationFinished', runId: run.id, status: 'succeeded', execution, executionState: 'SUCCEEDED' } });
    const audit = await h.store.queryAudit({ runId: run.id });
    expect(audit.map((a) => a.reason)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^started redeploy execution .*\/e1 on app:zenml-server$/),
      expect.stringMatching(/^workflow execution succeeded \(execution .*\/e1\)$/),
    ]));
    expect(await h.follow()).toMatchObject({ checked: 0 });
  });

  it('200 copies and 50 distinct incidents on the same app within the cooldown start exactly one execution; the audit says why', async () => {
    h = startHarness();
    const copies = Array.from({ length: 200 }, () => incidentMessage());
    const distinctWhileActive = Array.from({ length: 25 }, (_, i) => incidentMessage({ incident_id: `0.active-${i}` }));
    await deliverAll(h, copies.slice(0, 1));
    await deliverAll(h, [...copies.slice(1), ...distinctWhileActive]);
    expect(h.workflows.started).toHaveLength(1);
    const execution = [...h.workflows.executions.keys()][0]!;

    h.workflows.finish(execution, 'SUCCEEDED');
    await h.follow();
    h.clock.advance(10 * MINUTE);
    const distinctInCooldown = Array.from({ length: 25 }, (_, i) => incidentMessage({ incident_id: `0.cool-${i}` }));
    await deliverAll(h, distinctInCooldown);
    expect(h.workflows.started).toHaveLength(1);

    const runs = await alertRuns(h);
    expect(runs).toHaveLength(51);
    const byStatus = (s: string) => runs.filter((r) => r.status === s);
    expect(byStatus('succeeded')).toHaveLength(1);
    expect(byStatus('suppressed')).toHaveLength(50);

    const duplicates = await h.store.queryAudit({ flow: 'alerts', result: 'duplicate', limit: 10_000 });
    expect(duplicates).toHaveLength(199);
    expect(duplicates.every((a) => /^duplicate of run \S+ \(\S+\); message m-\d+$/.test(a.reason!))).toBe(true);
    const suppressed = await h.store.queryAudit({ flow: 'alerts', result: 'suppressed', limit: 10_000 });
    expect(suppressed).toHaveLength(50);
    const inFlight = suppressed.filter((a) => a.reason!.startsWith('remediation already in flight on app:zenml-server: run '));
    const cooldown = suppressed.filter((a) => a.reason!.startsWith('suppressed by cooldown on app:zenml-server until 2026-01-01T00:35:00.000Z'));
    expect(inFlight).toHaveLength(25);
    expect(cooldown).toHaveLength(25);

    // Once the cooldown is over, the next incident acts again.
    h.clock.advance(30 * MINUTE);
    expect(await h.deliver(incidentMessage({ incident_id: '0.after' }))).toMatchObject({ status: 'executing' });
    expect(h.workflows.started).toHaveLength(2);
  });

  it('a fully concurrent burst of copies and distinct incidents still starts exactly one execution', async () => {
    h = startHarness();
    const burst = [
      ...Array.from({ length: 40 }, () => incidentMessage()),
      ...Array.from({ length: 20 }, (_, i) => incidentMessage({ incident_id: `0.burst-${i}` })),
    ];
    await deliverAll(h, burst);
    expect(h.workflows.started).toHaveLength(1);
    const runs = await alertRuns(h);
    expect(runs).toHaveLength(21);
    expect(runs.filter((r) => r.status === 'executing')).toHaveLength(1);
    expect(runs.filter((r) => r.status === 'suppressed')).toHaveLength(20);
  });

  it('a FAILED execution fails the run with the workflow error and counts towards the breaker', async () => {
    h = startHarness();
    const { runId } = await h.deliver(incidentMessage());
    const run = (await h.store.getRun(runId!))!;
    h.workflows.finish(run.refs!.execution!, 'FAILED', { error: 'sync failed; rolled back to the previous revision' });
    await h.follow();
    expect(await h.store.getRun(runId!)).toMatchObject({
      status: 'failed', refs: { executionState: 'FAILED' },
      error: { class: 'permanent', message: 'workflow execution failed: sync failed; rolled back to the previous revision' },
    });
    expect((await h.store.getValue('alerts.breaker', 'app:zenml-server'))?.value).toMatchObject({ failures: [{ runId }] });
  });

  it('a transient failure to start is redelivered and still starts exactly one execution', async () => {
    h = startHarness();
    h.workflows.failStart = new TransientError('workflows.executions.create: 503 unavailable', { code: 503 });
    const message = incidentMessage();
    expect(await h.deliver(message)).toMatchObject({ ack: false, outcome: 'retry' });
    h.workflows.failStart = undefined;
    expect(await h.deliver(message)).toMatchObject({ ack: true, status: 'executing' });
    expect(h.workflows.started).toHaveLength(1);
  });

  it('waits for another run\'s decision on the target instead of spending a delivery attempt', async () => {
    h = startHarness();
    // A run deciding on the same target holds the short decision lease; it ends (by its TTL) 3 s later.
    expect(await h.store.acquireLease('remediation:app:zenml-server', 'run-deciding', 3_000)).not.toBeNull();
    const outcome = await h.deliver(incidentMessage({ incident_id: '0.waits' }));
    expect(outcome).toMatchObject({ ack: true, status: 'executing' });
    expect(h.workflows.started).toHaveLength(1);
  });

  it('a remediation already in flight on the target suppresses the next incident at once, without waiting', async () => {
    h = startHarness();
    const first = await h.deliver(incidentMessage({ incident_id: '0.first' }));
    expect(first).toMatchObject({ status: 'executing' });
    const second = await h.deliver(incidentMessage({ incident_id: '0.second' }));
    expect(second).toMatchObject({ ack: true, status: 'suppressed' });
    expect((await h.store.getRun(second.runId!))!.result).toMatchObject({ guardrail: 'in-flight' });
    expect(h.workflows.started).toHaveLength(1);
  });

  it('a decision that outlasts half the contention budget is retried by redelivery (the run says why)', async () => {
    h = startHarness();
    expect(await h.store.acquireLease('remediation:app:zenml-server', 'run-stuck', 10 * MINUTE)).not.toBeNull();
    const started = h.clock.now().getTime();
    const outcome = await h.deliver(incidentMessage({ incident_id: '0.stuck' }));
    expect(outcome).toMatchObject({ ack: false, outcome: 'retry', reason: 'app:zenml-server is locked by a run that is still deciding; will retry' });
    expect(h.clock.now().getTime() - started).toBeGreaterThanOrEqual(h.deps.config.contentionWaitMs / 2);
    expect((await h.store.getRun(outcome.runId!))!).toMatchObject({ status: 'retrying' });
    expect(h.workflows.started).toHaveLength(0);
  });

  it('a permanent failure to start fails the run and frees the target', async () => {
    h = startHarness();
    h.workflows.failStart = new PermanentError('workflows.executions.create: workflow redeploy not found', { code: 404 });
    expect(await h.deliver(incidentMessage())).toMatchObject({ ack: true, status: 'failed' });
    h.workflows.failStart = undefined;
    expect(await h.store.acquireLease('remediation:app:zenml-server', 'probe', 1000)).not.toBeNull();
  });
});

describe('guardrails', () => {
  it('circuit breaker: after 3 failed remediations on a target, auto mode stops and asks for a human', async () => {
    h = startHarness();
    for (let i = 0; i < 3; i++) {
      const { runId } = await h.deliver(incidentMessage({ incident_id: `0.fail-${i}` }));
      h.workflows.finish((await h.store.getRun(runId!))!.refs!.execution!, 'FAILED', { error: `attempt ${i} failed` });
      await h.follow();
      h.clock.advance(31 * MINUTE);
    }
    const outcome = await h.deliver(incidentMessage({ incident_id: '0.fourth' }));
    expect(outcome).toMatchObject({ status: 'suppressed' });
    const run = (await h.store.getRun(outcome.runId!))!;
    expect(run.result).toMatchObject({ guardrail: 'circuit-open' });
    const [audit] = await h.store.queryAudit({ runId: run.id });
    expect(audit!.reason).toMatch(/^circuit open: needs a human; 3 failed remediations on app:zenml-server within 1440 min/);
    expect(h.workflows.started).toHaveLength(3);
    expect(h.publisher.messages.at(-1)!.data).toMatchObject({ kind: 'RemediationSuppressed', guardrail: 'circuit-open' });

    // Another app is not affected.
    expect(await h.deliver(incidentMessage({ incident_id: '0.other', policy_user_labels: { remediation: 'redeploy', app: 'mlflow' } }))).toMatchObject({ status: 'executing' });
  });

  it('global rate limit per hour', async () => {
    h = startHarness(DEFAULT_RULES_TEXT.replace('rateLimitPerHour: 10', 'rateLimitPerHour: 2').replace('apps: [zenml-server, mlflow]', 'apps: [a, b, c]'));
    const apps = ['a', 'b', 'c'];
    const outcomes = [];
    for (const app of apps) outcomes.push(await h.deliver(incidentMessage({ incident_id: `0.${app}`, policy_user_labels: { remediation: 'redeploy', app } })));
    expect(outcomes.map((o) => ('status' in o ? o.status : o.outcome))).toEqual(['executing', 'executing', 'suppressed']);
    const [audit] = await h.store.queryAudit({ runId: outcomes[2]!.runId });
    expect(audit!.reason).toBe('rate limited: 2 remediations started in the last hour (limit 2); next slot at 2026-01-01T01:05:00.000Z');
    h.clock.advance(61 * MINUTE);
    expect(await h.deliver(incidentMessage({ incident_id: '0.c2', policy_user_labels: { remediation: 'redeploy', app: 'c' } }))).toMatchObject({ status: 'executing' });
  });

  it('maintenance window silences its targets only', async () => {
    h = startHarness(DEFAULT_RULES_TEXT.replace('maintenanceWindows: []', `maintenanceWindows:
  - name: cluster-upgrade
    reason: GKE upgrade
    targets: ["app:zenml-*"]
    start: "2026-01-01T00:00:00Z"
    end: "2026-01-01T01:00:00Z"`));
    const silenced = await h.deliver(incidentMessage());
    expect(silenced).toMatchObject({ status: 'suppressed' });
    const [audit] = await h.store.queryAudit({ runId: silenced.runId });
    expect(audit!.reason).toBe('maintenance window "cluster-upgrade" silences app:zenml-server until 2026-01-01T01:00:00.000Z (GKE upgrade)');
    expect(await h.deliver(incidentMessage({ incident_id: '0.mlflow', policy_user_labels: { remediation: 'redeploy', app: 'mlflow' } }))).toMatchObject({ status: 'executing' });
    h.clock.advance(60 * MINUTE);
    expect(await h.deliver(incidentMessage({ incident_id: '0.later' }))).toMatchObject({ status: 'executing' });
  });

  it('dry-run records the plan (workflow + rendered arguments) and starts nothing', async () => {
    h = startHarness(DEFAULT_RULES_TEXT.replace('mode: auto', 'mode: dry-run'));
    const outcome = await h.deliver(incidentMessage());
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(h.workflows.started).toHaveLength(0);
    const run = (await h.store.getRun(outcome.runId!))!;
    expect(run.result).toMatchObject({ dryRun: true, plan: { workflow: 'redeploy', target: 'app:zenml-server', args: { app: 'zenml-server' } }, guardrails: { proceed: true } });
    const [audit] = await h.store.queryAudit({ runId: run.id });
    expect(audit!.reason).toBe('dry-run plan: would start redeploy on app:zenml-server with {"app":"zenml-server","reason":"alert incident 0.opqiw61fsv7p"}; guardrails would allow it');
    // A dry run takes no cooldown: the next dry run plans again.
    expect(await h.deliver(incidentMessage({ incident_id: '0.again' }))).toMatchObject({ status: 'succeeded' });
  });

  it('an incident no rule matches is recorded as "matched nothing"', async () => {
    h = startHarness();
    const outcome = await h.deliver(incidentMessage({ policy_user_labels: { team: 'ml' } }));
    expect(outcome).toMatchObject({ status: 'suppressed' });
    const [audit] = await h.store.queryAudit({ runId: outcome.runId });
    expect(audit).toMatchObject({ result: 'suppressed', reason: 'matched nothing: no rule matches policy "ZenML server uptime" (labels: team=ml)' });
    expect(h.workflows.started).toHaveLength(0);
  });

  it('test notifications are recorded and never acted on', async () => {
    h = startHarness();
    const outcome = await h.deliver(rawMessage({ version: 'test', incident: { incident_id: '12345', state: 'OPEN', summary: 'test' } }));
    expect(outcome).toMatchObject({ status: 'suppressed' });
    const [audit] = await h.store.queryAudit({ runId: outcome.runId });
    expect(audit!.reason).toBe('test notification: recorded, never acted on');
    expect(h.workflows.started).toHaveLength(0);
  });

  it('a missing template value is a clear error on the run, not a crash', async () => {
    h = startHarness(DEFAULT_RULES_TEXT.replace('app: { exists: true }', 'app: { exists: false }'));
    const outcome = await h.deliver(incidentMessage({ policy_user_labels: { remediation: 'redeploy' } }));
    expect(outcome).toMatchObject({ ack: true, status: 'failed' });
    expect(await h.store.getRun(outcome.runId!)).toMatchObject({
      error: { class: 'permanent', message: 'cannot build the remediation: rule redeploy-app target: {{ incident.policy_user_labels.app }} has no value in this incident' },
    });
    expect(h.workflows.started).toHaveLength(0);
  });

  it('an incident naming an app the rules do not list is dead-lettered with the reason and starts nothing', async () => {
    h = startHarness();
    const outcome = await h.deliver(incidentMessage({ incident_id: '0.grafana', policy_user_labels: { remediation: 'redeploy', app: 'grafana' } }));
    expect(outcome).toMatchObject({ ack: true, status: 'failed' });
    expect(await h.store.getRun(outcome.runId!)).toMatchObject({
      error: { class: 'permanent', message: 'refused: rule redeploy-app target: app "grafana" is not in the rules file\'s allow.apps (zenml-server, mlflow)' },
    });
    const [dl] = await h.store.listDeadLetters();
    expect(dl!.reason).toMatch(/allow\.apps/);
    expect(h.workflows.started).toHaveLength(0);
  });

  it('a bad rules file is not the incident\'s fault: it is retried, not dropped', async () => {
    h = startHarness();
    h.flowDeps.rules = () => { throw new RulesFileError('/etc/rules.yaml', [{ path: '$.rules', message: 'Required' }]); };
    expect(await h.deliver(incidentMessage())).toMatchObject({ ack: false, outcome: 'retry', reason: 'invalid rules file /etc/rules.yaml: $.rules: Required' });
  });
});

describe('approval and closed incidents', () => {
  it('a pitr-restore incident starts the workflow with requireApproval and waits; a closed incident cancels the pending approval', async () => {
    h = startHarness();
    const open = await h.deliver(incidentMessage({}, 'pitr'));
    expect(open).toMatchObject({ status: 'awaiting-approval' });
    expect(h.workflows.started).toEqual([{ workflow: 'pitr-restore', argument: { instance: 'zenml-metadata', incidentStartedAt: '2026-01-01T00:00:00.000Z', reason: 'alert incident 0.pitr4c0rrupt', requireApproval: true } }]);
    const execution = (await h.store.getRun(open.runId!))!.refs!.execution!;

    const closed = await h.deliver(incidentMessage({ state: 'closed', ended_at: 1767229200 }, 'pitr'));
    expect(closed).toMatchObject({ status: 'succeeded' });
    expect(h.workflows.cancelled).toEqual([execution]);
    expect(await h.store.getRun(open.runId!)).toMatchObject({ status: 'cancelled', refs: { execution, executionState: 'CANCELLED', resolvedBy: closed.runId } });
    const [closedAudit] = await h.store.queryAudit({ runId: closed.runId });
    expect(closedAudit!.reason).toBe(`incident closed: pending approval cancelled (execution ${execution}); remediation run ${open.runId} cancelled`);
    const openAudit = await h.store.queryAudit({ runId: open.runId });
    expect(openAudit.map((a) => a.reason)).toContain(`incident closed: pending approval cancelled (execution ${execution}) (execution ${execution})`);
    expect(await h.store.acquireLease('remediation:instance:zenml-metadata', 'probe', 1000)).not.toBeNull();
    expect(await h.follow()).toMatchObject({ checked: 0 });
  });

  it('a closed incident leaves a running (auto) remediation to finish, and records that it is resolved', async () => {
    h = startHarness();
    const open = await h.deliver(incidentMessage());
    const closed = await h.deliver(incidentMessage({ state: 'closed' }));
    expect(closed).toMatchObject({ status: 'succeeded' });
    expect(h.workflows.cancelled).toEqual([]);
    expect(await h.store.getRun(open.runId!)).toMatchObject({ status: 'executing', refs: { resolvedBy: closed.runId } });
  });

  it('an approval rejected in the workflow ends the run cancelled, not succeeded', async () => {
    h = startHarness();
    const open = await h.deliver(incidentMessage({}, 'pitr'));
    const execution = (await h.store.getRun(open.runId!))!.refs!.execution!;
    h.workflows.finish(execution, 'SUCCEEDED', { result: { status: 'rejected', approver: 'ana', changed: false } });
    await h.follow();
    expect(await h.store.getRun(open.runId!)).toMatchObject({ status: 'cancelled', refs: { executionState: 'SUCCEEDED' } });
  });

  it('a close that overtakes its open notification still being processed is retried, not decided early', async () => {
    h = startHarness();
    await h.store.claim('alerts:0.opqiw61fsv7p:open', { id: 'open-run', flow: 'alerts', status: 'running' });
    await h.store.updateRun('open-run', { status: 'running', leaseExpiresAt: new Date(h.clock.now().getTime() + MINUTE).toISOString() });
    expect(await h.deliver(incidentMessage({ state: 'closed' }))).toMatchObject({ ack: false, outcome: 'retry', reason: expect.stringContaining('is still being processed') });
  });

  it('an open notification that arrives after the close starts nothing', async () => {
    h = startHarness();
    await h.deliver(incidentMessage({ state: 'closed' }));
    const late = await h.deliver(incidentMessage());
    expect(late).toMatchObject({ status: 'suppressed' });
    expect(h.workflows.started).toHaveLength(0);
  });

  it('an execution that can no longer be read ends its run failed instead of following it forever', async () => {
    h = startHarness();
    const open = await h.deliver(incidentMessage());
    h.workflows.executions.clear();
    await h.follow();
    expect(await h.store.getRun(open.runId!)).toMatchObject({ status: 'failed', refs: { executionState: 'UNAVAILABLE' } });
  });
});
