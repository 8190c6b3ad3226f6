/**
 * Metrics on Cloud Monitoring v3 through `MetricServiceClient` (@google-cloud/monitoring).
 * Writes go out in batches of at most 200 series (the API's limit), each with one point;
 * reads follow pagination to the end.
 */
import type { MetricServiceClient, protos } from '@google-cloud/monitoring';
import type { Clock } from '../../ports/clock.ts';
import type { MetricPoint, Metrics, TimeSeries, TimeSeriesQuery } from '../../ports/metrics.ts';
import { PermanentError, ValidationError } from '../../runtime/errors.ts';
import { exportOf, gaxClient, gaxClientOptions, type GcpEndpointConfig } from './common/endpoint.ts';
import { callApi } from './common/errors.ts';

const MAX_SERIES_PER_CREATE = 200;
/** Bound on pages followed by one list call (100,000 points each at the default page size). */
const MAX_PAGES = 1000;
const LABEL_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class GcpMetrics implements Metrics {
  // Imported on first use: a delivery that writes no metric does not pay for loading the client.
  private readonly client = gaxClient('monitoring', async () => {
    const Client = exportOf(await import('@google-cloud/monitoring'), 'MetricServiceClient');
    return new Client(gaxClientOptions(this.config) as ConstructorParameters<typeof MetricServiceClient>[0]);
  });

  /** `_clock` keeps the adapters' common constructor shape; these calls have no operation to wait for. */
  constructor(private readonly config: GcpEndpointConfig, _clock: Clock, private readonly options: { pageSize?: number } = {}) {}

  async write(points: MetricPoint[]): Promise<void> {
    points.forEach((p, i) => validatePoint(p, `points[${i}]`));
    // One point per series per request: points of the same series go to successive requests, oldest first.
    const batches: MetricPoint[][] = [];
    const seriesBatch = new Map<string, number>();
    for (const p of [...points].sort((a, b) => a.endTime.getTime() - b.endTime.getTime())) {
      const key = JSON.stringify([p.metricType, sortEntries(p.metricLabels ?? {}), p.resourceType, sortEntries(p.resourceLabels)]);
      let index = seriesBatch.has(key) ? seriesBatch.get(key)! + 1 : 0;
      while (batches[index] && batches[index]!.length >= MAX_SERIES_PER_CREATE) index++;
      (batches[index] ??= []).push(p);
      seriesBatch.set(key, index);
    }
    for (const batch of batches) {
      await callApi('monitoring.timeSeries.create', async () => (await this.client()).createTimeSeries({
        name: `projects/${this.config.projectId}`,
        timeSeries: batch.map(toWire),
      }));
    }
  }

  async list(query: TimeSeriesQuery): Promise<TimeSeries[]> {
    if (!(query.start.getTime() < query.end.getTime())) {
      throw new ValidationError([{ path: 'start', message: `must be earlier than end (${query.start.toISOString()} >= ${query.end.toISOString()})` }], 'time series query');
    }
    const filter = buildFilter(query);
    const request = {
      name: `projects/${this.config.projectId}`,
      filter,
      interval: { startTime: toTimestamp(query.start), endTime: toTimestamp(query.end) },
      view: 'FULL' as const,
      ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}),
    };
    const series: protos.google.monitoring.v3.ITimeSeries[] = [];
    let pageToken = '';
    for (let pages = 0; ; pages++) {
      if (pages >= MAX_PAGES) throw new PermanentError(`monitoring.timeSeries.list: more than ${MAX_PAGES} pages for ${filter}; narrow the query`, { where: 'monitoring.timeSeries.list' });
      const [page, , response] = await callApi('monitoring.timeSeries.list', async () => (await this.client()).listTimeSeries({ ...request, ...(pageToken ? { pageToken } : {}) }, { autoPaginate: false }));
      series.push(...page);
      pageToken = response?.nextPageToken ?? '';
      if (!pageToken) break;
    }
    // page_size counts points, so one series can arrive in pieces over several pages: join them.
    const joined = new Map<string, TimeSeries>();
    for (const s of series.map(fromWire)) {
      const key = JSON.stringify([s.metricType, sortEntries(s.metricLabels), s.resourceType, sortEntries(s.resourceLabels)]);
      const seen = joined.get(key);
      if (seen) seen.points.push(...s.points); else joined.set(key, s);
    }
    return [...joined.values()];
  }
}

function fromWire(s: protos.google.monitoring.v3.ITimeSeries): TimeSeries {
  return {
    metricType: s.metric?.type ?? '',
    metricLabels: { ...(s.metric?.labels ?? {}) },
    resourceType: s.resource?.type ?? '',
    resourceLabels: { ...(s.resource?.labels ?? {}) },
    points: (s.points ?? []).map((p) => {
      const end = fromTimestamp(p.interval!.endTime!);
      const start = p.interval?.startTime ? fromTimestamp(p.interval.startTime) : undefined;
      // A GAUGE point's interval is the single instant `end`; only real intervals carry a start.
      return { ...(start && start.getTime() !== end.getTime() ? { start } : {}), end, value: pointValue(p.value) };
    }),
  };
}

function validatePoint(p: MetricPoint, at: string): void {
  const issues: Array<{ path: string; message: string }> = [];
  if (!p.metricType) issues.push({ path: `${at}.metricType`, message: 'is required' });
  if (!p.resourceType) issues.push({ path: `${at}.resourceType`, message: 'is required' });
  if (!Number.isFinite(p.value)) issues.push({ path: `${at}.value`, message: `must be a finite number, got ${p.value}` });
  if (p.valueType === 'INT64' && !Number.isInteger(p.value)) issues.push({ path: `${at}.value`, message: `must be an integer for INT64, got ${p.value}` });
  for (const [where, labels] of [['metricLabels', p.metricLabels ?? {}], ['resourceLabels', p.resourceLabels]] as const) {
    for (const k of Object.keys(labels)) if (!LABEL_KEY.test(k)) issues.push({ path: `${at}.${where}.${k}`, message: 'label keys are letters, digits and underscores' });
  }
  if (Number.isNaN(p.endTime?.getTime())) issues.push({ path: `${at}.endTime`, message: 'must be a valid date' });
  if ((p.metricKind === 'DELTA' || p.metricKind === 'CUMULATIVE') && !p.startTime) issues.push({ path: `${at}.startTime`, message: `is required for ${p.metricKind} points` });
  if (issues.length) throw new ValidationError(issues, 'metric point');
}

function toWire(p: MetricPoint) {
  const kind = p.metricKind ?? 'GAUGE';
  const start = kind === 'GAUGE' ? p.endTime : p.startTime!;
  return {
    metric: { type: p.metricType, labels: p.metricLabels ?? {} },
    resource: { type: p.resourceType, labels: p.resourceLabels },
    metricKind: kind,
    valueType: p.valueType,
    points: [{
      interval: { startTime: toTimestamp(start), endTime: toTimestamp(p.endTime) },
      value: p.valueType === 'INT64' ? { int64Value: p.value } : { doubleValue: p.value },
    }],
  };
}

/** Quotes a value for the Monitoring filter language (backslash-escaped double quotes). */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function buildFilter(query: Pick<TimeSeriesQuery, 'metricType' | 'metricLabels' | 'resourceLabels'>): string {
  const terms = [`metric.type = ${quote(query.metricType)}`];
  for (const [k, v] of sortEntries(query.metricLabels ?? {})) terms.push(`metric.labels.${checkKey(k)} = ${quote(v)}`);
  for (const [k, v] of sortEntries(query.resourceLabels ?? {})) terms.push(`resource.labels.${checkKey(k)} = ${quote(v)}`);
  return terms.join(' AND ');
}

function checkKey(k: string): string {
  if (!LABEL_KEY.test(k)) throw new ValidationError([{ path: `labels.${k}`, message: 'label keys are letters, digits and underscores' }], 'time series query');
  return k;
}

function sortEntries(o: Record<string, string>): Array<[string, string]> {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}

function toTimestamp(d: Date): { seconds: number; nanos: number } {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

function fromTimestamp(t: { seconds?: number | string | null | { toString(): string }; nanos?: number | null }): Date {
  return new Date(Number(String(t.seconds ?? 0)) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000));
}

function pointValue(v: { int64Value?: unknown; doubleValue?: number | null; boolValue?: boolean | null } | null | undefined): number {
  if (!v) return Number.NaN;
  if (v.int64Value !== undefined && v.int64Value !== null) return Number(String(v.int64Value));
  if (v.doubleValue !== undefined && v.doubleValue !== null) return v.doubleValue;
  if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue ? 1 : 0;
  return Number.NaN;
}
