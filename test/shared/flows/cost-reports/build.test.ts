/**
 * The report built from gcp-sim through the production adapters (Monitoring, Catalog, Storage),
 * checked against the Catalog read separately with the real billing client: every line's unit
 * price is its SKU's price in the Catalog (the tier the line is in), usage × price is the line's
 * cost, and each breakdown adds up to the total.
 */
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { CloudCatalogClient } from '@google-cloud/billing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcpMetrics } from '../../../../shared/adapters/gcp/metrics.ts';
import { GcpObjectStore } from '../../../../shared/adapters/gcp/object-store.ts';
import { GcpPricing, moneyToNumber } from '../../../../shared/adapters/gcp/pricing.ts';
import { gaxClientOptions } from '../../../../shared/adapters/gcp/common/endpoint.ts';
import { openSqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import type { CostReport } from '../../../../shared/domain/cost/report.ts';
import { buildReport } from '../../../../shared/flows/cost-reports/build.ts';
import { recordSpend } from '../../../../shared/flows/budgets/spend-record.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { ArgoCdSim } from '../../../../shared/local/gcp-sim/services/argocd.ts';
import { ArtifactRegistrySim } from '../../../../shared/local/gcp-sim/services/artifactregistry.ts';
import { CloudBillingSim } from '../../../../shared/local/gcp-sim/services/cloudbilling.ts';
import { MonitoringSim } from '../../../../shared/local/gcp-sim/services/monitoring.ts';
import { SqlAdminSim } from '../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { StorageSim } from '../../../../shared/local/gcp-sim/services/storage.ts';
import type { StateStore } from '../../../../shared/ports/state-store.ts';

const project = 'cost-project';
const clock = new VirtualClock('2026-11-12T09:30:00Z');
let sim: GcpSim;
let store: StateStore;
let report: CostReport;
let month: CostReport;
let catalogPrices: Map<string, Array<{ start: number; price: number }>>;

beforeAll(async () => {
  sim = await startGcpSim({
    clock,
    services: [
      new SqlAdminSim({ seedInstances: [{ project, name: 'zenml-metadata', region: 'us-central1', tier: 'db-n1-standard-2', databaseVersion: 'MYSQL_8_0', transactionLogRetentionDays: 7, userLabels: {}, databases: [], users: [] }] }),
      new StorageSim(), new ArtifactRegistrySim(), new ArgoCdSim(),
      new MonitoringSim({ systemMetrics: { projectId: project, region: 'us-central1' } }),
      // A small page size: the report must follow the catalog's pagination to see every SKU.
      new CloudBillingSim({ defaultPageSize: 2 }),
    ],
  });
  const endpoint = { projectId: project, region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() };
  const objects = new GcpObjectStore(endpoint, clock);
  for (const ws of ['team-alpha', 'team-beta']) {
    await objects.createBucket({ name: `${project}-ws-${ws}-artifacts`, location: 'US', versioning: false, uniformBucketLevelAccess: true, labels: { workspace: ws } });
  }
  store = openSqliteStateStore(':memory:', { clock });
  const deps = {
    pricing: new GcpPricing(endpoint, clock), metrics: new GcpMetrics(endpoint, clock), buckets: objects, objects,
    settings: { region: 'us-central1', reportsBucket: `${project}-reports`, budgetAmount: 300, currencyCode: 'USD' },
  };
  await recordSpend(store, { budgetId: 'b-1', budgetDisplayName: 'zenml monthly budget', interval: '2026-11-01T00:00:00.000Z', costAmount: 70, budgetAmount: 300, currencyCode: 'USD', receivedAt: '2026-11-12T09:00:00.000Z' });
  report = await buildReport(deps, store, 'week', clock.now());
  month = await buildReport(deps, store, 'month', clock.now());

  // The Catalog as the real billing client reads it, independently of the adapter.
  const client = new CloudCatalogClient(gaxClientOptions(endpoint) as ConstructorParameters<typeof CloudCatalogClient>[0]);
  catalogPrices = new Map();
  const [services] = await client.listServices({}, { autoPaginate: true });
  for (const s of services) {
    const [skus] = await client.listSkus({ parent: `services/${s.serviceId}`, currencyCode: 'USD' }, { autoPaginate: true });
    for (const sku of skus) {
      catalogPrices.set(sku.skuId!, (sku.pricingInfo![0]!.pricingExpression!.tieredRates ?? []).map((t) => ({ start: Number(t.startUsageAmount ?? 0), price: moneyToNumber(t.unitPrice as never) })));
    }
  }
  await client.close();
}, 60_000);

afterAll(async () => { await store?.close(); await sim?.close(); });

const nanos = (x: number) => Math.round(x * 1e9);

describe('cost report from gcp-sim', () => {
  it('covers the stack and both workspaces over the 7 days before today', () => {
    expect(report.period).toEqual({ kind: 'week', start: '2026-11-05T00:00:00.000Z', end: '2026-11-12T00:00:00.000Z' });
    expect(report.byComponent.map((c) => c.component)).toEqual(expect.arrayContaining(['cloud-sql', 'zenml-server', 'mlflow', 'argocd', 'pipelines', 'cloud-storage', 'control-plane']));
    expect(report.byWorkspace.map((w) => w.workspace).sort()).toEqual(['shared', 'team-alpha', 'team-beta']);
    expect(report.byDay).toHaveLength(7);
  });

  it('every line\'s unit price is the Catalog\'s price of its SKU in the line\'s tier', () => {
    for (const r of [report, month]) {
      expect(r.lines.length).toBeGreaterThan(8);
      for (const line of r.lines) {
        const tiers = catalogPrices.get(line.sku);
        expect(tiers, line.sku).toBeDefined();
        const tier = tiers!.find((t) => t.start === line.tierStart);
        expect(tier, `${line.sku} tier ${line.tierStart}`).toBeDefined();
        expect(line.unitPrice).toBe(tier!.price);
        expect(Math.abs(nanos(line.cost) - nanos(line.usage * line.unitPrice))).toBeLessThanOrEqual(2);
      }
    }
  });

  it('the lines, components, workspaces and days each add up to the total', () => {
    for (const r of [report, month]) {
      const total = nanos(r.total);
      for (const parts of [r.lines, r.byComponent, r.byWorkspace, r.byDay]) expect(parts.reduce((a, p) => a + nanos(p.cost), 0)).toBe(total);
    }
  });

  it('Cloud SQL zonal db-n1-standard-2 for a week: 2 vCPU × 168 h × $0.0413 and 7.5 GiB × 168 h × $0.007', () => {
    const cpu = report.lines.find((l) => l.sku === 'SIM0-B002-0001')!;
    expect(cpu.usage).toBeCloseTo(336, 9);
    expect(cpu.cost).toBeCloseTo(13.8768, 6);
    const ram = report.lines.find((l) => l.sku === 'SIM0-B002-0002')!;
    expect(ram.usage).toBeCloseTo(1260, 9);
    expect(ram.cost).toBeCloseTo(8.82, 6);
  });

  it('reconciles with the latest budget notification and forecasts the month', () => {
    expect(month.reconciliation).toMatchObject({ billedCost: 70, billedAt: '2026-11-12T09:00:00.000Z' });
    expect(month.budget).toMatchObject({ amount: 300, spent: 70, spentSource: 'budget-notification' });
    expect(month.forecast.monthEnd).toBeGreaterThan(month.monthToDate.cost);
    expect(month.prices.source).toBe('Cloud Billing Catalog API list prices in USD, effective 2026-11-26');
  });
});
