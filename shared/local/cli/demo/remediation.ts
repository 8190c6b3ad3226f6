/** Demo chapters for alert remediation: an automatic redeploy and an approved point-in-time restore. */
import { readFileSync } from 'node:fs';
import { LOCAL_TOKEN } from '../../../adapters/local/local-auth.ts';
import { answerApproval, recordApproval } from '../commands/approvals.ts';
import type { Chapter, DemoContext } from './tour.ts';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8'));

async function api(ctx: DemoContext, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${ctx.stack.info.endpoints.gcpSim}${path}`, {
    ...init, headers: { authorization: `Bearer ${LOCAL_TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });
  const body = await res.json() as any;
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const redeployChapter: Chapter = {
  title: 'Remediation: the ZenML server fails its uptime check, Argo CD redeploys it',
  async run(ctx) {
    const incident = example('incident-redeploy.json');
    const before = ((await api(ctx, '/api/v1/applications/zenml-server')).status.history ?? []).length;
    ctx.say(`publishing incident ${incident.incident.incident_id} (policy "${incident.incident.policy_name}", labels ${JSON.stringify(incident.incident.policy_user_labels)}) three times`);
    for (let i = 0; i < 3; i++) await ctx.publish('cp-monitoring-alerts', incident);
    const run = await ctx.waitForRun(`alerts:${incident.incident.incident_id}:open`);
    ctx.say(`  run ${run.id}: ${run.status}, workflow execution ${run.refs?.execution ?? '(none)'}`);
    const audit = await ctx.stack.container.deps.store.queryAudit({ flow: 'alerts', result: 'duplicate' });
    ctx.say(`  ${audit.length} duplicate deliveries recorded and ignored`);
    const after = ((await api(ctx, '/api/v1/applications/zenml-server')).status.history ?? []).length;
    ctx.say(`  Argo CD syncs of zenml-server: ${after - before}`);
    if (run.status !== 'succeeded') throw new Error(`redeploy ended ${run.status}`);
    return { run: run.id, execution: run.refs?.execution, syncs: after - before };
  },
};

export const pitrChapter: Chapter = {
  title: 'Remediation: metadata corruption, point-in-time restore after human approval',
  async run(ctx) {
    const instancePath = '/v1/projects/local-project/instances/zenml-metadata';
    const latest = Date.parse((await api(ctx, `${instancePath}/getLatestRecoveryTime`)).latestRecoveryTime);
    for (const [entry, minutesAgo] of [['pipeline-run-41', 120], ['pipeline-run-42', 90], ['CORRUPTED-ROW', 10]] as const) {
      await api(ctx, `${instancePath}/__writes`, { method: 'POST', body: JSON.stringify({ entry, at: new Date(latest - minutesAgo * 60_000).toISOString() }) });
    }
    ctx.say('the metadata database has writes 120 and 90 minutes ago, and a corrupting one 10 minutes ago');
    const incident = example('incident-pitr.json');
    incident.incident.started_at = Math.floor((latest - 30 * 60_000) / 1000);
    ctx.say(`publishing incident ${incident.incident.incident_id}, started 30 minutes ago (policy labels ${JSON.stringify(incident.incident.policy_user_labels)})`);
    await ctx.publish('cp-monitoring-alerts', incident);
    const key = `alerts:${incident.incident.incident_id}:open`;
    const pending = await waitFor('the restore to ask for approval', async () => {
      const run = await ctx.stack.container.deps.store.getRunByKey(key);
      if (run?.status !== 'awaiting-approval' || !run.refs?.execution) return undefined;
      const callbacks = await api(ctx, `/v1/${run.refs.execution}/callbacks`);
      return callbacks.callbacks?.length ? run : undefined;
    });
    ctx.say(`  run ${pending.id} awaits approval; execution ${pending.refs!.execution}`);
    ctx.say(`  approving, as \`stackctl approve ${pending.refs!.execution}\` would`);
    const answer = { approved: true, approver: 'demo@example.com', comment: 'stackctl demo' };
    const { callback } = await answerApproval({ gcpSimUrl: ctx.stack.info.endpoints.gcpSim, execution: pending.refs!.execution!, answer });
    await recordApproval(ctx.stack.container.deps.store, pending.refs!.execution!, answer, callback, ctx.stack.container.deps.clock.now());
    const run = await ctx.waitForRun(key);
    const instances = (await api(ctx, '/v1/projects/local-project/instances')).items as Array<{ name: string; settings: { userLabels?: Record<string, string> } }>;
    const clone = instances.find((i) => i.name.startsWith('zenml-metadata-pitr-'));
    const writes = clone ? (await api(ctx, `/v1/projects/local-project/instances/${clone.name}/__writes`)).writes.map((w: { entry: unknown }) => w.entry) : [];
    ctx.say(`  run ${run.status}; new instance ${clone?.name ?? '(none)'} holds ${JSON.stringify(writes)}`);
    ctx.say(`  old instance labels: ${JSON.stringify(instances.find((i) => i.name === 'zenml-metadata')?.settings.userLabels)}`);
    const result = run.result as { rtoSeconds?: number } | undefined;
    if (result?.rtoSeconds !== undefined) ctx.say(`  recovery time objective met in ${result.rtoSeconds} s of simulated time`);
    if (run.status !== 'succeeded') throw new Error(`restore ended ${run.status}: ${run.error?.message ?? ''}`);
    return { run: run.id, clone: clone?.name, writes };
  },
};
