import { describe, expect, it } from 'vitest';
import { METERS, meterSeries } from '../../../../shared/domain/cost/meters.ts';
import { ctx, hourly } from './fixtures.ts';

const cpu = METERS.find((m) => m.id === 'gke-cpu')!;
const series = (namespace: string, points: Array<{ end: Date; value: number }>) => ({
  metricType: cpu.metricType, metricLabels: {}, resourceType: 'k8s_container',
  resourceLabels: { namespace_name: namespace, pod_name: 'p-0', cluster_name: 'zenml', location: 'us-central1' }, points,
});
const day = Date.parse('2026-11-02T00:00:00Z');

describe('meters', () => {
  it('a gauge is held to the next point: 0.5 cores for 24 hourly samples is 12 core-hours, split at midnight', () => {
    const recs = meterSeries(cpu, series('zenml', hourly('2026-11-02T12:00:00Z', 24, 0.5)), ctx, day, day + 3 * 86_400_000);
    const perDay = Object.fromEntries(['2026-11-02', '2026-11-03'].map((d) => [d, recs.filter((r) => r.day === d).reduce((a, r) => a + r.usage, 0)]));
    // 12 hours on each day at 0.5 cores = 6 core-hours = 21600 core-seconds.
    expect(perDay).toEqual({ '2026-11-02': 21_600, '2026-11-03': 21_600 });
    expect(recs[0]).toMatchObject({ component: 'zenml-server', workspace: 'shared' });
  });

  it('a gap longer than two samples counts nothing; a workspace namespace is that workspace\'s pipelines', () => {
    const points = [...hourly('2026-11-02T00:00:00Z', 2, 1), ...hourly('2026-11-02T10:00:00Z', 1, 1)];
    const recs = meterSeries(cpu, series('ws-team-alpha', points), ctx, day, day + 86_400_000);
    // 00:00–01:00, 01:00–02:00, 10:00–11:00: three hours.
    expect(recs.reduce((a, r) => a + r.usage, 0)).toBe(3 * 3600);
    expect(recs[0]).toMatchObject({ component: 'pipelines', workspace: 'team-alpha' });
  });

  it('usage outside the window is not counted', () => {
    const recs = meterSeries(cpu, series('mlflow', hourly('2026-11-01T22:00:00Z', 4, 2)), ctx, day, day + 86_400_000);
    expect(recs.reduce((a, r) => a + r.usage, 0)).toBe(2 * 2 * 3600);
  });
});
