/** A report with several components, workspaces and days, built through the domain from usage series. */
import { meterAll, type UsageSeries } from '../../../../../shared/domain/cost/meters.ts';
import { priceUsage } from '../../../../../shared/domain/cost/price.ts';
import { buildCostReport, type CostReport } from '../../../../../shared/domain/cost/report.ts';
import { catalog, ctx } from '../fixtures.ts';

const GIB = 1024 ** 3;
const start = Date.parse('2026-11-02T00:00:00Z');
const end = Date.parse('2026-11-09T00:00:00Z');

const hourly = (fn: (t: Date) => number) => Array.from({ length: (end - Date.parse('2026-11-01T00:00:00Z')) / 3_600_000 }, (_, i) => {
  const t = new Date(Date.parse('2026-11-01T00:00:00Z') + i * 3_600_000);
  return { end: t, value: fn(t) };
});
const working = (t: Date) => t.getUTCDay() % 6 !== 0 && t.getUTCHours() >= 8 && t.getUTCHours() < 18;
const pods = (namespace: string, cpu: (t: Date) => number): UsageSeries[] => [
  { metricType: 'kubernetes.io/container/cpu/request_cores', metricLabels: {}, resourceType: 'k8s_container', resourceLabels: { namespace_name: namespace, pod_name: `${namespace}-0` }, points: hourly(cpu) },
  { metricType: 'kubernetes.io/container/memory/request_bytes', metricLabels: {}, resourceType: 'k8s_container', resourceLabels: { namespace_name: namespace, pod_name: `${namespace}-0` }, points: hourly((t) => cpu(t) * 4 * GIB) },
];

export function sampleReport(): CostReport {
  const series: UsageSeries[] = [
    ...pods('zenml', () => 1),
    ...pods('mlflow', () => 0.5),
    ...pods('argocd', () => 0.75),
    ...pods('ws-team-alpha', (t) => (working(t) ? 2 : 0)),
    ...pods('ws-team-beta', (t) => (working(t) ? 1 : 0)),
    { metricType: 'storage.googleapis.com/storage/total_bytes', metricLabels: {}, resourceType: 'gcs_bucket', resourceLabels: { bucket_name: 'p-ws-team-alpha-artifacts' }, points: hourly(() => 40 * GIB) },
  ];
  const pieces = priceUsage(meterAll(series, ctx, Date.parse('2026-11-01T00:00:00Z'), end), catalog);
  return buildCostReport({ kind: 'week', periodStartMs: start, periodEndMs: end, pieces, currency: 'USD', priceSource: 'test catalog', budget: { amount: 300, name: 'zenml monthly budget' }, generatedAt: new Date(end) });
}
