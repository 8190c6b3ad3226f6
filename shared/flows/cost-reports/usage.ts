/** Reads the usage time series every meter needs from Cloud Monitoring, for one window. */
import { METERS, SQL_FAILOVER_METRIC, type UsageSeries } from '../../domain/cost/meters.ts';
import type { Metrics } from '../../ports/metrics.ts';

export async function collectUsage(metrics: Metrics, startMs: number, endMs: number): Promise<UsageSeries[]> {
  const types = [...new Set([...METERS.map((m) => m.metricType), SQL_FAILOVER_METRIC])];
  const out: UsageSeries[] = [];
  // A point written exactly at the window's start belongs to it; the API reads (start, end].
  for (const metricType of types) out.push(...await metrics.list({ metricType, start: new Date(startMs - 1), end: new Date(endMs) }));
  return out;
}
