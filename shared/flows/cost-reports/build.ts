/**
 * One cost report from the cloud: usage from Monitoring, prices from the Catalog, bucket labels
 * from Storage, and the latest budget notification the budgets flow recorded.
 */
import { haInstancesFrom, meterAll } from '../../domain/cost/meters.ts';
import { priceUsage } from '../../domain/cost/price.ts';
import { buildCostReport, reportPeriod, usageWindow, type CostReport, type ReportPeriodKind } from '../../domain/cost/report.ts';
import type { StateStore } from '../../ports/state-store.ts';
import { latestSpend } from '../budgets/spend-record.ts';
import { loadCatalog } from './catalog.ts';
import type { CostReportDeps } from './deps.ts';
import { collectUsage } from './usage.ts';

/** Control-plane functions are deployed with 1 vCPU and 512 MiB (terraform/modules/control-plane/functions.tf). */
const FUNCTION_SIZE = { functionCpu: 1, functionMemoryGiB: 0.5 };

export async function buildReport(deps: CostReportDeps, store: StateStore, kind: ReportPeriodKind, asOf: Date, overrides: { budgetAmount?: number } = {}): Promise<CostReport> {
  const period = reportPeriod(kind, asOf);
  const window = usageWindow(period, asOf);
  const [catalog, series, buckets, spend] = await Promise.all([
    loadCatalog(deps.pricing, deps.settings.currencyCode),
    collectUsage(deps.metrics, window.startMs, window.endMs),
    deps.buckets.listBuckets(),
    latestSpend(store),
  ]);
  const ctx = {
    region: deps.settings.region,
    bucketLabels: Object.fromEntries(buckets.map((b) => [b.name, b.labels])),
    haInstances: haInstancesFrom(series),
    ...FUNCTION_SIZE,
  };
  const pieces = priceUsage(meterAll(series, ctx, window.startMs, window.endMs), catalog);
  return buildCostReport({
    kind, periodStartMs: period.startMs, periodEndMs: period.endMs, pieces,
    currency: catalog.currencyCode, priceSource: catalog.source, generatedAt: asOf,
    budget: {
      amount: overrides.budgetAmount ?? spend?.budgetAmount ?? deps.settings.budgetAmount,
      ...(spend ? { name: spend.budgetDisplayName, latest: { costAmount: spend.costAmount, interval: spend.interval, receivedAt: spend.receivedAt } } : {}),
    },
  });
}
