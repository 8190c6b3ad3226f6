/**
 * Budgets and cost reports on the real local stack, through `stackctl publish` and the real
 * Pub/Sub client: the cost-report job writes its three outputs to the reports bucket and
 * announces them on cp-events; a budget notification records the latest spend that the next
 * report reconciles against; the dev stack's scale-down waits for `stackctl budget approve`,
 * scales the apps to 0 through Argo CD and stops Cloud SQL, and `stackctl budget restore` undoes it.
 */
import { localSimulatorAuth } from '../../shared/adapters/local/local-auth.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../shared/adapters/local/pubsub-options.ts';
import { systemClock } from '../../shared/runtime/system-clock.ts';
import { GcpObjectStore } from '../../shared/adapters/gcp/object-store.ts';
import { GcpSqlAdmin } from '../../shared/adapters/gcp/sql-admin.ts';
import { eventually, stackctlJson, startTestStack } from '../support/stack.ts';

describe('local stack: cost reports and budgets', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let client: PubSub;
  let events: Subscription;
  const received: any[] = [];
  const endpoint = () => ({ projectId: stack.info.projectId, region: 'us-central1', simulatorUrl: stack.info.endpoints.gcpSim, simulatorAuth: localSimulatorAuth() });

  beforeAll(async () => {
    stack = await startTestStack({});
    client = new PubSub(emulatorPubsubOptions(stack.info.projectId, stack.info.endpoints.pubsubEmulator));
    [events] = await client.topic('cp-events').createSubscription('e2e-cost-events');
    events.on('message', (m: Message) => { received.push(JSON.parse(m.data.toString())); m.ack(); });
  });
  afterAll(async () => {
    await events?.close();
    await client?.close();
    await stack?.cleanup();
  });

  const runs = async (flow: string) => (await stackctlJson(['runs', '--flow', flow, '--data-dir', stack.dataDir])).runs;

  it('the cost-report job writes JSON, Markdown and HTML to the reports bucket and announces them', async () => {
    await stackctlJson(['publish', 'cost-job', '--file', 'examples/cost-job.json', '--data-dir', stack.dataDir]);
    const [run] = await eventually(async () => {
      const r = await runs('costReports');
      return r.length && ['succeeded', 'failed'].includes(r[0].status) ? r : undefined;
    }, 'the cost-report run to finish', 60_000);
    expect(run.status).toBe('succeeded');
    const announced = await eventually(async () => received.find((e) => e.kind === 'CostReportPublished'), 'CostReportPublished on cp-events');
    expect(announced.outputs.map((o: any) => o.format)).toEqual(['json', 'markdown', 'html']);

    const objects = new GcpObjectStore(endpoint(), systemClock);
    const bucket = `${stack.info.projectId}-reports`;
    const listed = (await objects.listObjects(bucket, { prefix: 'cost/week/' })).map((o) => o.name);
    expect(listed.map((n) => n.split('/').pop()).sort()).toEqual(['cost-report.html', 'cost-report.json', 'cost-report.md']);
    const json = JSON.parse((await objects.getObject(bucket, listed.find((n) => n.endsWith('.json'))!))!.toString());
    expect(json).toMatchObject({ kind: 'CostReport', currency: 'USD', period: { kind: 'week' } });
    expect(json.total).toBeGreaterThan(0);
    expect(json.total).toBeCloseTo(announced.total, 9);
    const html = (await objects.getObject(bucket, listed.find((n) => n.endsWith('.html'))!))!.toString();
    expect(html).toContain('<svg id="chart-daily"');
  });

  it('a dev budget at 100 % waits for approval; approve scales down, restore undoes it', async () => {
    const attrs = ['--attribute', 'billingAccountId=01D4EE-079462-DFD6EC', '--attribute', 'budgetId=e2e-budget', '--attribute', 'schemaVersion=1.0'];
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'budget-')), 'at-100.json');
    const interval = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)).toISOString();
    writeFileSync(file, JSON.stringify({ budgetDisplayName: 'zenml monthly budget', alertThresholdExceeded: 1.0, costAmount: 301.5, costIntervalStart: interval, budgetAmount: 300, budgetAmountType: 'SPECIFIED_AMOUNT', currencyCode: 'USD' }));
    await stackctlJson(['publish', 'budget', '--file', file, ...attrs, '--data-dir', stack.dataDir]);
    await eventually(async () => (await runs('budgets')).find((r: any) => r.status === 'awaiting-approval'), 'the budget run to wait for approval', 60_000);

    const approved = await stackctlJson(['budget', 'approve', 'e2e-budget', '--data-dir', stack.dataDir]);
    expect(approved.record.status).toBe('applied');
    const sql = new GcpSqlAdmin(endpoint(), systemClock);
    expect(await sql.setActivationPolicy('zenml-metadata', 'NEVER')).toBe('NEVER');
    const argo = await (await fetch(`${stack.info.endpoints.gcpSim}/api/v1/applications/zenml-server`, { headers: { authorization: 'Bearer local' } })).json();
    expect(argo.spec.source.helm.parameters).toEqual([{ name: 'replicaCount', value: '0' }]);
    expect((await runs('budgets')).find((r: any) => r.key.includes('e2e-budget')).status).toBe('succeeded');

    const restored = await stackctlJson(['budget', 'restore', 'e2e-budget', '--data-dir', stack.dataDir]);
    expect(restored.record.status).toBe('restored');
    expect(await sql.setActivationPolicy('zenml-metadata', 'ALWAYS')).toBe('ALWAYS');
    const after = await (await fetch(`${stack.info.endpoints.gcpSim}/api/v1/applications/zenml-server`, { headers: { authorization: 'Bearer local' } })).json();
    expect(after.spec.source.helm.parameters).toEqual([]);
  });
});
