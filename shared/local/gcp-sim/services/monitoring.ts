/**
 * Cloud Monitoring v3 time series (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.timeSeries):
 * `create` and `list` with an equality/AND filter, an interval and the FULL/HEADERS view.
 * Points are returned newest first, as the real API does.
 */
import type { Router, SimRequest, SimResponse } from '../router.ts';
import type { SimContext, SimService } from '../service.ts';
import type { Accepts } from '../accepts.ts';
import { invalid } from '../errors.ts';
import { wantsIntEnums } from './monitoring/enum-encoding.ts';
import { matchesFilter, parseSeriesFilter } from './monitoring/filter.ts';
import { parseCreateRequest, parseTimestamp } from './monitoring/write.ts';
import { LIST_VIEW, METRIC_KIND, VALUE_TYPE, seriesKey, type StoredPoint, type StoredSeries } from './monitoring/types.ts';
import { pageSize, paginate } from './monitoring/page-token.ts';
import { SystemMetrics, type SystemMetricsOptions } from './monitoring/system-metrics.ts';

/**
 * What timeSeries.create/list model (accepts.ts answers 501 for the rest, e.g. aggregation.*,
 * secondaryAggregation.*, orderBy, a TimeSeries' metadata or description).
 */
const CREATE_ACCEPTS: Accepts = {
  body: {
    name: true,
    timeSeries: {
      metric: { type: true, labels: true }, resource: { type: true, labels: true }, metricKind: true, valueType: true, unit: true,
      points: { interval: { startTime: true, endTime: true }, value: true },
    },
  },
};
const LIST_ACCEPTS: Accepts = { query: ['filter', 'view', 'pageSize', 'pageToken', 'interval.startTime', 'interval.endTime'] };

/** Bound on hours written by one catch-up (a stack stopped for long starts again from this far back). */
const MAX_CATCH_UP_HOURS = 24 * 62;

export class MonitoringSim implements SimService {
  readonly name = 'monitoring';
  private series = new Map<string, StoredSeries>();
  private ctx!: SimContext;
  private readonly system?: SystemMetrics;
  /** System metrics are written up to this hour; `systemSince` is when the first catch-up ran. */
  private systemUntilMs?: number;
  private systemSinceMs?: number;

  /** With `systemMetrics`, the project's Google-written metrics are simulated (see system-metrics.ts). */
  constructor(options: { systemMetrics?: SystemMetricsOptions } = {}) {
    if (options.systemMetrics) this.system = new SystemMetrics(options.systemMetrics);
  }

  /**
   * Writes the system metrics' hourly samples up to now, directly: Google's own writes are not
   * bound by the API's 25-hour limit on user writes, and the backfill reaches the month's start.
   */
  private catchUp(): void {
    if (!this.system || !this.ctx) return;
    const nowMs = this.ctx.clock.now().getTime();
    const hour = Math.floor(nowMs / 3_600_000) * 3_600_000;
    this.systemSinceMs ??= nowMs;
    let from = this.systemUntilMs === undefined ? this.system.backfillStart(nowMs) : this.systemUntilMs + 3_600_000;
    from = Math.max(from, hour - MAX_CATCH_UP_HOURS * 3_600_000);
    for (let t = from; t <= hour; t += 3_600_000) {
      for (const { series, point } of this.system.sample(this.ctx, t, this.systemSinceMs)) {
        const key = seriesKey(series);
        const existing = this.series.get(key);
        if (existing) existing.points.push(point); else this.series.set(key, { ...series, points: [point] });
      }
      this.systemUntilMs = t;
    }
  }

  register(router: Router, ctx: SimContext): void {
    this.ctx = ctx;
    router.add('POST', '/v3/projects/{project}/timeSeries', 'monitoring.projects.timeSeries.create', (req) => this.create(req), CREATE_ACCEPTS);
    router.add('GET', '/v3/projects/{project}/timeSeries', 'monitoring.projects.timeSeries.list', (req) => this.list(req), LIST_ACCEPTS);
  }

  private create(req: SimRequest): SimResponse {
    const project = req.params.project!;
    const writes = parseCreateRequest(project, req.json, this.ctx.clock.now().getTime(), (key) => this.series.get(key));
    for (const w of writes) {
      const existing = this.series.get(w.key);
      if (existing) {
        existing.points.push(w.point);
        if (w.series.unit) existing.unit = w.series.unit;
      } else {
        this.series.set(w.key, { ...w.series, points: [w.point] });
      }
    }
    return { body: {} };
  }

  private list(req: SimRequest): SimResponse {
    this.catchUp();
    const project = req.params.project!;
    const rawFilter = req.query.get('filter');
    if (!rawFilter) throw invalid('Field filter is required.');
    const filter = parseSeriesFilter(rawFilter);
    const endMs = parseTimestamp(req.query.get('interval.endTime') ?? undefined, 'interval.end_time');
    const rawStart = req.query.get('interval.startTime');
    const startMs = rawStart === null ? undefined : parseTimestamp(rawStart, 'interval.start_time');
    if (startMs !== undefined && startMs > endMs) throw invalid('Field interval.start_time had an invalid value: the start time must not be later than the end time.');
    // Reads are (start, end]; an interval without a start is the single instant `end`.
    const inInterval = (t: number) => (startMs === undefined || startMs === endMs ? t === endMs : t > startMs && t <= endMs);
    const headersOnly = LIST_VIEW.parse(req.query.get('view') ?? undefined, 'view') === 'HEADERS';
    const asInt = wantsIntEnums(req);

    const matched = [...this.series.values()]
      .filter((s) => s.project === project && matchesFilter(filter, s, project))
      .map((s) => ({ s, points: s.points.filter((p) => inInterval(p.endMs)) }))
      .filter((x) => x.points.length > 0)
      .sort((a, b) => seriesKey(a.s).localeCompare(seriesKey(b.s)));
    // page_size counts Points in the FULL view and TimeSeries in the HEADERS view, so a long
    // series may continue on the next page (its header repeated, as the API does).
    const size = pageSize(req.query.get('pageSize'), 100_000, 100_000);
    const queryId = JSON.stringify([project, rawFilter, startMs, endMs, headersOnly]);
    const units: Array<{ seriesIndex: number; point?: StoredPoint }> = matched.flatMap((m, seriesIndex) => (headersOnly
      ? [{ seriesIndex }]
      : [...m.points].reverse().map((point) => ({ seriesIndex, point }))));
    const { page, nextPageToken } = paginate(units, req.query.get('pageToken'), size, queryId);
    const grouped = new Map<number, StoredPoint[]>();
    for (const unit of page) {
      const list = grouped.get(unit.seriesIndex) ?? [];
      if (unit.point) list.push(unit.point);
      grouped.set(unit.seriesIndex, list);
    }
    const timeSeries = [...grouped].map(([index, points]) => {
      const s = matched[index]!.s;
      return {
        metric: { type: s.metricType, labels: s.metricLabels },
        resource: { type: s.resourceType, labels: s.resourceLabels },
        metricKind: METRIC_KIND.encode(s.metricKind, asInt),
        valueType: VALUE_TYPE.encode(s.valueType, asInt),
        ...(headersOnly ? {} : {
          points: points.map((p) => ({
            interval: { startTime: new Date(p.startMs).toISOString(), endTime: new Date(p.endMs).toISOString() },
            value: p.value,
          })),
        }),
        ...(s.unit ? { unit: s.unit } : {}),
      };
    });
    return { body: { timeSeries, ...(nextPageToken ? { nextPageToken } : {}) } };
  }

  snapshot(): unknown {
    return { series: [...this.series.values()], systemUntilMs: this.systemUntilMs, systemSinceMs: this.systemSinceMs };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as { series?: StoredSeries[]; systemUntilMs?: number; systemSinceMs?: number } | undefined;
    this.series = new Map((s?.series ?? []).map((x) => [seriesKey(x), x]));
    this.systemUntilMs = s?.systemUntilMs;
    this.systemSinceMs = s?.systemSinceMs;
  }

  summary(): Record<string, number> {
    this.catchUp();
    let points = 0;
    for (const s of this.series.values()) points += s.points.length;
    return { timeSeries: this.series.size, points };
  }
}
