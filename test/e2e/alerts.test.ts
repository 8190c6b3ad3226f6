/**
 * Alert remediation on the real local stack: Monitoring incidents published with the real
 * client reach the alerts function, which starts Cloud Workflows executions in gcp-sim (run by
 * the local engine on the real YAML); `stackctl approve` answers a pending restore.
 * Simulated time runs 200x faster so workflow polling takes milliseconds of real time.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PubSub } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../shared/adapters/local/pubsub-options.ts';
import { LOCAL_TOKEN } from '../../shared/adapters/local/local-auth.ts';
import { eventually, stackctlJson, startTestStack } from '../support/stack.ts';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));

describe('local stack: alert remediation', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let client: PubSub;
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${stack.info.endpoints.gcpSim}${path}`, {
      ...init, headers: { authorization: `Bearer ${LOCAL_TOKEN}`, 'content-type': 'application/json', ...init.headers },
    });
    const body = await res.json() as any;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const syncCount = async (app: string) => ((await api(`/api/v1/applications/${app}`)).status.history ?? []).length;
  const runs = async () => (await stackctlJson(['runs', '--flow', 'alerts', '--limit', '1000', '--data-dir', stack.dataDir])).runs as any[];

  beforeAll(async () => {
    stack = await startTestStack({ clockSpeed: 200, operationDurationMs: 2000, followIntervalMs: 100 });
    client = new PubSub(emulatorPubsubOptions(stack.info.projectId, stack.info.endpoints.pubsubEmulator));
  });
  afterAll(async () => {
    await client?.close();
    await stack?.cleanup();
  });

  it('malformed incidents are dead-lettered with a reason; test notifications cause no action', { timeout: 120_000 }, async () => {
    const executionsBefore = stack.sim.summary().workflowexecutions?.executions ?? 0;
    const good = example('incident-redeploy.json');
    const topic = client.topic('cp-monitoring-alerts');
    await topic.publishMessage({ data: Buffer.from('{"version": "1.2", "incident": ') });
    await topic.publishMessage({ json: { ...good, version: '1.1' } });
    await topic.publishMessage({ json: { ...good, incident: { ...good.incident, incident_id: '0.bad-state', state: 'firing' } } });
    await topic.publishMessage({ json: example('incident-test.json') });
    const dls = await eventually(async () => {
      const list = (await stackctlJson(['dead-letters', '--flow', 'alerts', '--data-dir', stack.dataDir])).deadLetters as any[];
      return list.length >= 3 ? list : undefined;
    }, 'three dead letters', 60_000);
    const reasons = dls.map((d) => d.reason).join('\n');
    expect(reasons).toMatch(/not valid JSON/);
    expect(reasons).toMatch(/\$\.version/);
    expect(reasons).toMatch(/\$\.incident\.state/);
    const testRun = await eventually(async () => (await runs()).find((r) => r.key.startsWith('alerts:test:')), 'the test notification run');
    expect(testRun.status).toBe('suppressed');
    expect(stack.sim.summary().workflowexecutions?.executions ?? 0).toBe(executionsBefore);
  });

  it('200 copies of a redeploy incident and 50 distinct incidents on the same app give exactly one Argo CD sync', { timeout: 180_000 }, async () => {
    const before = await syncCount('zenml-server');
    const incident = example('incident-redeploy.json');
    const topic = client.topic('cp-monitoring-alerts');
    const copies = Array.from({ length: 200 }, () => topic.publishMessage({ json: incident }));
    const distinct = Array.from({ length: 50 }, (_, i) => topic.publishMessage({
      json: { ...incident, incident: { ...incident.incident, incident_id: `0.distinct-${i}` } },
    }));
    await Promise.all([...copies, ...distinct]);

    // Whichever of the 51 incidents is decided first starts the one remediation; every other
    // incident on that app is suppressed (in flight, then cooldown), and the 199 copies are duplicates.
    const all = await eventually(async () => {
      const list = (await runs()).filter((r) => r.key === 'alerts:0.opqiw61fsv7p:open' || r.key.startsWith('alerts:0.distinct-'));
      const decided = list.filter((r) => ['succeeded', 'suppressed', 'failed'].includes(r.status));
      return decided.length === 51 ? list : undefined;
    }, 'every incident to be decided and the remediation to finish', 120_000);
    expect(all).toHaveLength(51);
    expect(all.filter((r) => r.status === 'succeeded')).toHaveLength(1);
    expect(all.filter((r) => r.status === 'suppressed')).toHaveLength(50);
    expect(await syncCount('zenml-server')).toBe(before + 1);
    // Each of the 199 copies is accounted for on its first delivery: a duplicate, or parked while
    // the first copy held its run (copies of one message share one queue entry, handed over once).
    // Copies waiting for the run's lock hold their push a while, so the tail is awaited too.
    const audit = await eventually(async () => {
      const list = (await stackctlJson(['audit', '--flow', 'alerts', '--limit', '10000', '--data-dir', stack.dataDir])).audit as any[];
      const accounted = list.filter((a) => /0\.opqiw61fsv7p|0\.distinct-/.test(a.target ?? ''))
        .filter((a) => a.result === 'duplicate' || (a.result === 'info' && /parked/.test(a.reason ?? '')));
      return accounted.length >= 199 ? list : undefined;
    }, 'every copy to be accounted for as a duplicate or a parked delivery', 90_000);
    const reasons = audit.filter((a) => a.result === 'suppressed').map((a) => a.reason).join('\n');
    expect(reasons).toMatch(/cooldown|in flight|in-flight/);
  });

  it('a pitr-restore incident, once approved with `stackctl approve`, restores to a new instance and ends succeeded', { timeout: 180_000 }, async () => {
    const instance = await api('/v1/projects/local-project/instances/zenml-metadata');
    expect(instance.state).toBe('RUNNABLE');
    // Writes stand in for the database's data: two before the incident, one after it.
    const recovery = await api('/v1/projects/local-project/instances/zenml-metadata/getLatestRecoveryTime');
    const latest = Date.parse(recovery.latestRecoveryTime);
    const at = (minutesAgo: number) => new Date(latest - minutesAgo * 60_000).toISOString();
    for (const [entry, minutesAgo] of [['run-1', 120], ['run-2', 90], ['corrupt', 10]] as const) {
      await api('/v1/projects/local-project/instances/zenml-metadata/__writes', { method: 'POST', body: JSON.stringify({ entry, at: at(minutesAgo) }) });
    }
    const incident = example('incident-pitr.json');
    incident.incident.started_at = Math.floor((latest - 30 * 60_000) / 1000);
    await client.topic('cp-monitoring-alerts').publishMessage({ json: incident });

    const pending = await eventually(async () => (await runs()).find((r) => r.key === 'alerts:0.pitr4c0rrupt:open' && r.status === 'awaiting-approval' && r.refs?.execution), 'the restore to await approval', 60_000);
    const callbacks = await eventually(async () => (await api(`/v1/${pending.refs.execution}/callbacks`)).callbacks?.length ? true : undefined, 'the approval callback', 60_000);
    expect(callbacks).toBe(true);
    const approved = await stackctlJson(['approve', pending.refs.execution, '--comment', 'e2e', '--data-dir', stack.dataDir]);
    expect(JSON.stringify(approved)).toMatch(/approved/);

    const done = await eventually(async () => {
      const run = (await runs()).find((r) => r.id === pending.id);
      return run && ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
    }, 'the restore to finish', 120_000);
    expect(done.status).toBe('succeeded');

    const instances = (await api('/v1/projects/local-project/instances')).items as any[];
    const clones = instances.filter((i) => i.name.startsWith('zenml-metadata-pitr-'));
    expect(clones).toHaveLength(1);
    const writes = (await api(`/v1/projects/local-project/instances/${clones[0].name}/__writes`)).writes as any[];
    expect(writes.map((w) => w.entry)).toEqual(['run-1', 'run-2']);
    const secret = JSON.parse(Buffer.from((await api('/v1/projects/local-project/secrets/zenml-db-connection/versions/latest:access')).payload.data, 'base64').toString());
    expect(JSON.stringify(secret)).toContain(clones[0].name);
    expect(instances.find((i) => i.name === 'zenml-metadata').settings.userLabels['retired-by']).toMatch(/^pitr-/);
    expect(JSON.stringify(done.result ?? done.refs)).toMatch(/rto|RTO/);
  });
});
