import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { MonitoringSim } from '../../../../../shared/local/gcp-sim/services/monitoring.ts';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';

const T0 = Date.parse('2026-01-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const clock = new VirtualClock(T0);
let sim: GcpSim;

async function call(method: string, path: string, body?: unknown, auth = true) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...(auth ? { authorization: 'Bearer test' } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() as any };
}

function series(metric: string, labels: Record<string, string>, endMs: number, value: unknown, extra: Record<string, unknown> = {}) {
  return {
    metric: { type: metric, labels },
    resource: { type: 'cloudsql_database', labels: { project_id: 'p1', database_id: 'p1:zenml-db' } },
    points: [{ interval: { endTime: iso(endMs) }, value }],
    ...extra,
  };
}

const list = (params: Record<string, string>) => call('GET', `/v3/projects/p1/timeSeries?${new URLSearchParams(params)}`);

beforeAll(async () => { sim = await startGcpSim({ services: [new MonitoringSim()], clock }); });
afterAll(async () => { await sim.close(); });

describe('MonitoringSim timeSeries.create', () => {
  it('stores int64 (string on the wire) and double points and lists them newest first', async () => {
    const m = 'custom.googleapis.com/backup/age_seconds';
    for (let i = 0; i < 3; i++) {
      const r = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [
        series(m, { workspace: 'alpha' }, T0 - 30_000 + i * 10_000, { int64Value: String(100 + i) }),
        series('custom.googleapis.com/cost/usd', { workspace: 'alpha' }, T0 - 30_000 + i * 10_000, { doubleValue: 1.5 + i }),
      ] });
      expect(r).toEqual({ status: 200, json: {} });
    }
    const r = await list({ filter: `metric.type = "${m}" AND metric.labels.workspace = "alpha"`, 'interval.startTime': iso(T0 - 60_000), 'interval.endTime': iso(T0) });
    expect(r.status).toBe(200);
    expect(r.json.timeSeries).toHaveLength(1);
    const ts = r.json.timeSeries[0];
    expect(ts.metricKind).toBe('GAUGE');
    expect(ts.valueType).toBe('INT64');
    expect(ts.points.map((p: any) => p.value.int64Value)).toEqual(['102', '101', '100']);
    expect(ts.points[0].interval).toEqual({ startTime: iso(T0 - 10_000), endTime: iso(T0 - 10_000) });
    const d = await list({ filter: 'metric.type = "custom.googleapis.com/cost/usd"', 'interval.startTime': iso(T0 - 60_000), 'interval.endTime': iso(T0) });
    expect(d.json.timeSeries[0].points.map((p: any) => p.value.doubleValue)).toEqual([3.5, 2.5, 1.5]);
  });

  it('refuses more than one point per series per request', async () => {
    const s = series('custom.googleapis.com/x', {}, T0 - 100, { int64Value: '1' });
    s.points.push({ interval: { endTime: iso(T0 - 50) }, value: { int64Value: '2' } });
    const r = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [s] });
    expect(r.status).toBe(400);
    expect(r.json.error.status).toBe('INVALID_ARGUMENT');
    expect(r.json.error.message).toContain('Only one point can be written per TimeSeries per request');
    expect(r.json.error.message).toContain('timeSeries[0].points');
  });

  it('refuses the same series twice in one request and writes nothing of a bad request', async () => {
    const m = 'custom.googleapis.com/dup';
    const r = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [
      series(m, { a: '1' }, T0 - 500, { int64Value: '1' }),
      series(m, { a: '1' }, T0 - 400, { int64Value: '2' }),
    ] });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('timeSeries[1]');
    expect(r.json.error.message).toContain('Duplicate TimeSeries');
    const l = await list({ filter: `metric.type = "${m}"`, 'interval.startTime': iso(T0 - 10_000), 'interval.endTime': iso(T0) });
    expect(l.json.timeSeries).toEqual([]);
  });

  it('requires each new point to be later than the last one of its series', async () => {
    const m = 'custom.googleapis.com/ordered';
    expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series(m, {}, T0 - 1000, { int64Value: '1' })] })).status).toBe(200);
    const same = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series(m, {}, T0 - 1000, { int64Value: '2' })] });
    expect(same.status).toBe(400);
    expect(same.json.error.message).toContain('Points must be written in order');
    // Later but within the 5 s sampling period: refused as Google does, naming both timestamps.
    const soon = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series(m, {}, T0 + 4000, { int64Value: '3' })] });
    expect(soon.status).toBe(400);
    expect(soon.json.error.message).toBe("One or more TimeSeries could not be written: One or more points were written more frequently than the maximum sampling period configured for the metric. {Metric: custom.googleapis.com/ordered, Timestamps: {Youngest Existing: '2026/01/01-11:59:59.000', New: '2026/01/01-12:00:04.000'}}: timeSeries[0]");
    expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series(m, {}, T0 + 4001, { int64Value: '3' })] })).status).toBe(200);
  });

  it('refuses writes to Google-owned metric types and writes nothing of that request', async () => {
    for (const type of ['run.googleapis.com/request_count', 'cloudsql.googleapis.com/database/cpu/utilization', 'logging.googleapis.com/user/x']) {
      const r = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [
        series('custom.googleapis.com/owned-probe', {}, T0 - 100, { int64Value: '1' }),
        series(type, {}, T0 - 100, { int64Value: '1' }),
      ] });
      expect(r.status).toBe(403);
      expect(r.json.error.status).toBe('PERMISSION_DENIED');
      expect(r.json.error.message).toContain(`permission to write to metric ${type}`);
      expect(r.json.error.message).toContain('timeSeries[1]');
    }
    const probe = await list({ filter: 'metric.type = "custom.googleapis.com/owned-probe"', 'interval.startTime': iso(T0 - 60_000), 'interval.endTime': iso(T0) });
    expect(probe.json.timeSeries).toEqual([]);
    for (const type of ['external.googleapis.com/prom/x', 'workload.googleapis.com/x', 'prometheus.googleapis.com/x/gauge']) {
      expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series(type, {}, T0 - 100, { int64Value: '1' })] })).status).toBe(200);
    }
  });

  it('applies the interval rules of each metric kind', async () => {
    const gaugeWithStart = series('custom.googleapis.com/g', {}, T0 - 100, { doubleValue: 1 });
    (gaugeWithStart.points[0]!.interval as any).startTime = iso(T0 - 200);
    const g = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [gaugeWithStart] });
    expect(g.status).toBe(400);
    expect(g.json.error.message).toContain('start time must be equal to the end time');

    const delta = (start: number, end: number) => ({ ...series('custom.googleapis.com/d', {}, end, { int64Value: '5' }, { metricKind: 'DELTA' }), points: [{ interval: { startTime: iso(start), endTime: iso(end) }, value: { int64Value: '5' } }] });
    const zero = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [delta(T0 - 100, T0 - 100)] });
    expect(zero.status).toBe(400);
    expect(zero.json.error.message).toContain('start time must be before the end time');
    expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [delta(T0 - 2000, T0 - 1000)] })).status).toBe(200);
    const overlapping = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [delta(T0 - 1500, T0 - 500)] });
    expect(overlapping.status).toBe(400);
    expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [delta(T0 - 999, T0 + 5000)] })).status).toBe(200);

    const cumulative = (start: number, end: number) => ({ ...series('custom.googleapis.com/c', {}, end, { int64Value: '7' }, { metricKind: 'CUMULATIVE' }), points: [{ interval: { startTime: iso(start), endTime: iso(end) }, value: { int64Value: '7' } }] });
    expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [cumulative(T0 - 50_000, T0 - 40_000)] })).status).toBe(200);
    expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [cumulative(T0 - 50_000, T0 - 30_000)] })).status).toBe(200);
    expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [cumulative(T0 - 45_000, T0 - 20_000)] })).status).toBe(400);
    expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [cumulative(T0 - 29_999, T0 - 20_000)] })).status).toBe(200);
    const kindChange = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [{ ...series('custom.googleapis.com/c', {}, T0 - 100, { int64Value: '1' }), metricKind: 'GAUGE' }] });
    expect(kindChange.status).toBe(400);
    expect(kindChange.json.error.message).toContain('must match the existing metric kind "CUMULATIVE"');
  });

  it('refuses points more than 25 h old or 5 min ahead of the clock', async () => {
    const old = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series('custom.googleapis.com/t', {}, T0 - 25 * 3600_000 - 1, { int64Value: '1' })] });
    expect(old.status).toBe(400);
    expect(old.json.error.message).toContain('more than 25h in the past');
    const ahead = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series('custom.googleapis.com/t', {}, T0 + 5 * 60_000 + 1, { int64Value: '1' })] });
    expect(ahead.status).toBe(400);
    expect(ahead.json.error.message).toContain('more than 5m in the future');
  });

  it('validates values against the declared and the existing value type', async () => {
    const badInt = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series('custom.googleapis.com/v', {}, T0 - 10, { int64Value: '1.5' })] });
    expect(badInt.status).toBe(400);
    expect(badInt.json.error.message).toContain("timeSeries[0].points[0].value.int64_value");
    const mismatch = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [{ ...series('custom.googleapis.com/v', {}, T0 - 10, { doubleValue: 1 }), valueType: 'INT64' }] });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error.message).toContain('declares valueType INT64');
    const noType = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [{ resource: { type: 'global' }, points: [] }] });
    expect(noType.json.error.message).toContain('timeSeries[0].metric.type is required');
    const tooMany = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: Array.from({ length: 201 }, (_, i) => series('custom.googleapis.com/many', { i: String(i) }, T0 - 10, { int64Value: '1' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toContain('at most 200');
  });
});

describe('MonitoringSim timeSeries.list', () => {
  const m = 'custom.googleapis.com/list/requests';
  beforeAll(async () => {
    const r = await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [
      { ...series(m, { app: 'zenml' }, T0 - 60_000, { int64Value: '1' }), resource: { type: 'k8s_container', labels: { cluster_name: 'c1', namespace_name: 'zenml' } } },
      { ...series(m, { app: 'mlflow' }, T0 - 60_000, { int64Value: '2' }), resource: { type: 'k8s_container', labels: { cluster_name: 'c1', namespace_name: 'mlflow' } } },
      { ...series(m, { app: 'mlflow' }, T0 - 60_000, { int64Value: '3' }), resource: { type: 'k8s_container', labels: { cluster_name: 'c2', namespace_name: 'mlflow' } } },
    ] });
    expect(r.status).toBe(200);
  });
  const window = { 'interval.startTime': iso(T0 - 120_000), 'interval.endTime': iso(T0) };

  it('filters on metric and resource labels in both label spellings, and on resource.type', async () => {
    const byMetric = await list({ filter: `metric.type = "${m}" AND metric.label.app = "mlflow"`, ...window });
    expect(byMetric.json.timeSeries).toHaveLength(2);
    const both = await list({ filter: `metric.type = "${m}" AND metric.labels.app = "mlflow" AND resource.labels.cluster_name = "c2"`, ...window });
    expect(both.json.timeSeries.map((s: any) => s.points[0].value.int64Value)).toEqual(['3']);
    const rtype = await list({ filter: `metric.type = "${m}" and resource.type = "k8s_container" AND resource.label.namespace_name = "zenml"`, ...window });
    expect(rtype.json.timeSeries).toHaveLength(1);
    const none = await list({ filter: `metric.type = "${m}" AND resource.type = "gce_instance"`, ...window });
    expect(none.json.timeSeries).toEqual([]);
  });

  it('treats the interval as (start, end]', async () => {
    const excludesStart = await list({ filter: `metric.type = "${m}"`, 'interval.startTime': iso(T0 - 60_000), 'interval.endTime': iso(T0) });
    expect(excludesStart.json.timeSeries).toEqual([]);
    const includesEnd = await list({ filter: `metric.type = "${m}"`, 'interval.startTime': iso(T0 - 60_001), 'interval.endTime': iso(T0 - 60_000) });
    expect(includesEnd.json.timeSeries).toHaveLength(3);
    const missingEnd = await list({ filter: `metric.type = "${m}"` });
    expect(missingEnd.status).toBe(400);
    expect(missingEnd.json.error.message).toContain('interval.end_time');
  });

  it('honours view=HEADERS, pagination and integer enums', async () => {
    const headers = await list({ filter: `metric.type = "${m}"`, ...window, view: 'HEADERS' });
    expect(headers.json.timeSeries).toHaveLength(3);
    expect(headers.json.timeSeries.every((s: any) => s.points === undefined)).toBe(true);
    const first = await list({ filter: `metric.type = "${m}"`, ...window, view: 'HEADERS', pageSize: '2' });
    expect(first.json.timeSeries).toHaveLength(2);
    expect(typeof first.json.nextPageToken).toBe('string');
    const second = await list({ filter: `metric.type = "${m}"`, ...window, view: 'HEADERS', pageSize: '2', pageToken: first.json.nextPageToken });
    expect(second.json.timeSeries).toHaveLength(1);
    expect(second.json.nextPageToken).toBeUndefined();
    const foreign = await list({ filter: `metric.type = "${m}" AND metric.labels.app = "zenml"`, ...window, view: 'HEADERS', pageToken: first.json.nextPageToken });
    expect(foreign.status).toBe(400);
    const ints = await call('GET', `/v3/projects/p1/timeSeries?${new URLSearchParams({ filter: `metric.type = "${m}"`, ...window, view: '0' })}&$alt=json%3Benum-encoding=int`);
    expect(ints.json.timeSeries[0].metricKind).toBe(1);
    expect(ints.json.timeSeries[0].valueType).toBe(2);
  });

  it('counts points per page in the FULL view, continuing a long series on the next page', async () => {
    const long = 'custom.googleapis.com/list/long';
    for (let i = 0; i < 5; i++) {
      expect((await call('POST', '/v3/projects/p1/timeSeries', { timeSeries: [series(long, {}, T0 - 100_000 + i * 10_000, { int64Value: String(i) })] })).status).toBe(200);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await list({ filter: `metric.type = "${long}"`, ...window, pageSize: '2', ...(token ? { pageToken: token } : {}) });
      expect(r.json.timeSeries).toHaveLength(1);
      expect(r.json.timeSeries[0].points.length).toBeLessThanOrEqual(2);
      seen.push(...r.json.timeSeries[0].points.map((p: any) => p.value.int64Value));
      token = r.json.nextPageToken;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['4', '3', '2', '1', '0']);
  });

  it('explains what is wrong with a filter it cannot read', async () => {
    const noType = await list({ filter: 'metric.labels.app = "x"', ...window });
    expect(noType.status).toBe(400);
    expect(noType.json.error.message).toContain('must specify a metric type');
    const op = await list({ filter: `metric.type = "${m}" AND metric.labels.app != "x"`, ...window });
    expect(op.status).toBe(400);
    expect(op.json.error.message).toMatch(/at position \d+/);
    const or = await list({ filter: `metric.type = "${m}" OR metric.labels.app = "x"`, ...window });
    expect(or.json.error.message).toContain('expected AND');
    const agg = await list({ filter: `metric.type = "${m}"`, ...window, 'aggregation.alignmentPeriod': '60s' });
    expect(agg.status).toBe(501);
    expect(agg.json.error.message).toContain('"aggregation.alignmentPeriod"');
    const prefixType = await list({ filter: 'metric.type = starts_with("custom.googleapis.com/")', ...window });
    expect(prefixType.status).toBe(400);
    expect(prefixType.json.error.message).toContain('exactly one');
    const unknownFn = await list({ filter: `metric.type = "${m}" AND metric.labels.app = sounds_like("x")`, ...window });
    expect(unknownFn.json.error.message).toContain('unsupported function "sounds_like"');
  });

  it('matches starts_with, ends_with, has_substring (and ":"), one_of and monitoring.regex.full_match', async () => {
    const apps = async (filter: string) => {
      const r = await list({ filter: `metric.type = "${m}" AND ${filter}`, ...window });
      expect(r.status).toBe(200);
      return r.json.timeSeries.map((t: any) => `${t.metric.labels.app}/${t.resource.labels.cluster_name}`).sort();
    };
    expect(await apps('metric.labels.app = starts_with("ml")')).toEqual(['mlflow/c1', 'mlflow/c2']);
    expect(await apps('resource.labels.namespace_name = ends_with("ml")')).toEqual(['zenml/c1']);
    expect(await apps('metric.labels.app = has_substring("nm")')).toEqual(['zenml/c1']);
    expect(await apps('metric.labels.app : "flo"')).toEqual(['mlflow/c1', 'mlflow/c2']);
    expect(await apps('resource.labels.cluster_name = one_of("c2", "c9")')).toEqual(['mlflow/c2']);
    expect(await apps('resource.type = starts_with("k8s_") AND resource.labels.cluster_name = monitoring.regex.full_match("c[0-1]")')).toEqual(['mlflow/c1', 'zenml/c1']);
    expect(await apps('metric.labels.missing = starts_with("")')).toEqual([]);
  });

  it('needs a bearer token', async () => {
    const r = await call('GET', `/v3/projects/p1/timeSeries?filter=x`, undefined, false);
    expect(r.status).toBe(401);
  });

  it('survives a snapshot/restore round trip', async () => {
    const copy = new MonitoringSim();
    copy.restore(JSON.parse(JSON.stringify(sim.service<MonitoringSim>('monitoring').snapshot())));
    expect(copy.summary()).toEqual(sim.service<MonitoringSim>('monitoring').summary());
    expect(copy.summary().timeSeries).toBeGreaterThan(3);
  });
});
