import { describe, expect, it } from 'vitest';
import { meterAll, type UsageSeries } from '../../../../shared/domain/cost/meters.ts';
import { priceUsage } from '../../../../shared/domain/cost/price.ts';
import { buildCostReport, reportPeriod, usageWindow } from '../../../../shared/domain/cost/report.ts';
import { forecastMonth } from '../../../../shared/domain/cost/forecast.ts';
import { catalog, ctx, hourly } from './fixtures.ts';

const GIB = 1024 ** 3;
const start = Date.parse('2026-11-01T00:00:00Z');
const asOf = Date.parse('2026-11-08T00:00:00Z');
const series: UsageSeries[] = [
  // zenml-server: 1 vCPU and 2 GiB for the whole week (168 hours).
  { metricType: 'kubernetes.io/container/cpu/request_cores', metricLabels: {}, resourceType: 'k8s_container', resourceLabels: { namespace_name: 'zenml', pod_name: 'z' }, points: hourly('2026-11-01T00:00:00Z', 168, 1) },
  { metricType: 'kubernetes.io/container/memory/request_bytes', metricLabels: {}, resourceType: 'k8s_container', resourceLabels: { namespace_name: 'zenml', pod_name: 'z' }, points: hourly('2026-11-01T00:00:00Z', 168, 2 * GIB) },
  // team-alpha's bucket: 30 GiB all week.
  { metricType: 'storage.googleapis.com/storage/total_bytes', metricLabels: {}, resourceType: 'gcs_bucket', resourceLabels: { bucket_name: 'p-ws-team-alpha-artifacts' }, points: hourly('2026-11-01T00:00:00Z', 168, 30 * GIB) },
  // 3 M requests on the 7th: 2 M free, 1 M at $0.40 per million.
  { metricType: 'run.googleapis.com/request_count', metricLabels: {}, resourceType: 'cloud_run_revision', resourceLabels: { service_name: 'budgets' }, points: [{ start: new Date('2026-11-07T00:00:00Z'), end: new Date('2026-11-07T12:00:00Z'), value: 3_000_000 }] },
];

describe('cost report', () => {
  const pieces = priceUsage(meterAll(series, ctx, start, asOf), catalog);
  const report = buildCostReport({ kind: 'week', periodStartMs: start, periodEndMs: asOf, pieces, currency: 'USD', priceSource: 'test', budget: { amount: 300 }, generatedAt: new Date(asOf) });

  it('prices each line by hand: usage × the catalog price of its tier', () => {
    const line = (sku: string, tier = 0) => report.lines.find((l) => l.sku === sku && l.tierStart === tier)!;
    expect(line('SIM0-A001-0001')).toMatchObject({ usage: 168, unit: 'h', unitPrice: 0.0445 });
    expect(line('SIM0-A001-0001').cost).toBeCloseTo(7.476, 9); // 168 h × $0.0445
    expect(line('SIM0-A001-0002').usage).toBeCloseTo(336, 9); // 2 GiB × 168 h
    expect(line('SIM0-A001-0002').cost).toBeCloseTo(1.65396, 9); // 336 × $0.0049225
    // 30 GiB for 168 h of a 720 h catalog month = 7 GiB-months × $0.02.
    expect(line('SIM0-C003-0001').usage).toBeCloseTo(7, 9);
    expect(line('SIM0-C003-0001').cost).toBeCloseTo(0.14, 9);
    expect(line('SIM0-E005-0003', 0)).toMatchObject({ usage: 2_000_000, unitPrice: 0, cost: 0 });
    expect(line('SIM0-E005-0003', 2_000_000)).toMatchObject({ usage: 1_000_000, unitPrice: 0.0000004 });
    expect(line('SIM0-E005-0003', 2_000_000).cost).toBeCloseTo(0.4, 9);
  });

  it('the total is 9.67 and every breakdown adds up to it', () => {
    expect(report.total).toBeCloseTo(7.476 + 1.65396 + 0.14 + 0.4, 9);
    const sum = (xs: Array<{ cost: number }>) => Math.round(xs.reduce((a, x) => a + x.cost * 1e9, 0));
    const total = Math.round(report.total * 1e9);
    expect(sum(report.lines)).toBe(total);
    expect(sum(report.byComponent)).toBe(total);
    expect(sum(report.byWorkspace)).toBe(total);
    expect(sum(report.byDay)).toBe(total);
    expect(report.byWorkspace.find((w) => w.workspace === 'team-alpha')!.cost).toBeCloseTo(0.14, 9);
    expect(report.byComponent.map((c) => c.component)).toEqual(['zenml-server', 'control-plane', 'cloud-storage']);
  });

  it('month to date and the forecasts: a flat week gives a flat month, and the budget ratio follows', () => {
    expect(report.monthToDate.cost).toBeCloseTo(report.total, 9);
    // 30-day November: linear = 7 days × 30/7; the requests day makes the weekday mean higher.
    expect(report.forecast.linear).toBeCloseTo(report.total * 30 / 7, 6);
    expect(report.budget).toMatchObject({ amount: 300, spentSource: 'estimate' });
    expect(report.budget.spentRatio).toBeCloseTo(report.total / 300, 9);
  });

  it('reconciles against the latest budget notification of the month', () => {
    const r = buildCostReport({ kind: 'week', periodStartMs: start, periodEndMs: asOf, pieces, currency: 'USD', priceSource: 'test', generatedAt: new Date(asOf),
      budget: { amount: 300, latest: { costAmount: 10, interval: '2026-11-01T00:00:00Z', receivedAt: '2026-11-08T00:00:00Z' } } });
    expect(r.budget).toMatchObject({ spent: 10, spentSource: 'budget-notification' });
    expect(r.reconciliation!.estimatedAtThatTime).toBeCloseTo(report.total, 9);
    expect(r.reconciliation!.difference).toBeCloseTo(report.total - 10, 9);
    expect(r.reconciliation!.differencePct).toBeCloseTo((report.total - 10) * 10, 6);
  });
});

describe('forecast', () => {
  const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}`;
  it('weekday-aware: weekdays at 10, weekends at 2 → a 30-day November with 21 weekdays and 9 weekend days', () => {
    // Nov 2026: the 1st is a Sunday. Seven complete days (1–7): Sun, Mon–Fri, Sat.
    const daily = new Map<string, number>();
    for (let d = 1; d <= 7; d++) daily.set(day(d), (new Date(`${day(d)}T00:00:00Z`).getUTCDay() % 6 === 0 ? 2 : 10) * 1e9);
    const f = forecastMonth({ monthStartMs: start, monthEndMs: Date.parse('2026-12-01T00:00:00Z'), asOfMs: asOf, dailyNanos: daily });
    expect(f.monthToDateNanos).toBe(54e9); // 5 × 10 + 2 × 2
    expect(f.linearNanos).toBe(Math.round(54e9 * 30 / 7));
    // November 2026 has 21 weekdays and 9 weekend days: 21 × 10 + 9 × 2 = 228.
    expect(f.weekdayAwareNanos).toBe(228e9);
  });
});

describe('periods', () => {
  it('a week is the 7 days before today; a month is the month so far, or the one just ended on the 1st at 00:00', () => {
    expect(reportPeriod('week', new Date('2026-11-09T07:00:00Z'))).toEqual({ startMs: Date.parse('2026-11-02T00:00:00Z'), endMs: Date.parse('2026-11-09T00:00:00Z') });
    expect(reportPeriod('month', new Date('2026-11-09T07:00:00Z'))).toEqual({ startMs: start, endMs: Date.parse('2026-11-09T07:00:00Z') });
    expect(reportPeriod('month', new Date('2026-12-01T00:00:00Z'))).toEqual({ startMs: start, endMs: Date.parse('2026-12-01T00:00:00Z') });
    expect(usageWindow({ startMs: Date.parse('2026-10-28T00:00:00Z'), endMs: Date.parse('2026-11-04T00:00:00Z') }).startMs).toBe(Date.parse('2026-10-01T00:00:00Z'));
  });
});
