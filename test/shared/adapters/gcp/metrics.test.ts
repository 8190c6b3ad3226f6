import { readFileSync } from 'node:fs';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFilter, GcpMetrics } from '../../../../shared/adapters/gcp/metrics.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { MonitoringSim } from '../../../../shared/local/gcp-sim/services/monitoring.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { PermanentError, TransientError, ValidationError } from '../../../../shared/runtime/errors.ts';
import type { MetricPoint } from '../../../../shared/ports/metrics.ts';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/wire/monitoring/metrics-adapter.json', import.meta.url), 'utf8'));
const enums = fixture.$enums as Record<string, Record<string, number>>;

interface Recorded { method: string; path: string; query: Record<string, string>; body?: unknown }
const T0 = Date.parse('2026-01-01T12:00:00Z');
const clock = new VirtualClock(T0);
const config = { projectId: 'demo-project', region: 'us-central1', simulatorUrl: '', simulatorAuth: localSimulatorAuth() };
let sim: GcpSim;
let metrics: GcpMetrics;
let recorded: Recorded[] = [];
const realFetch = globalThis.fetch;

/** Enum numbers back to names, timestamps to one canonical form, so wire values compare as the reference writes them. */
function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  if (enums[key] && (typeof value === 'number' || /^\d+$/.test(String(value)))) {
    return Object.entries(enums[key]!).find(([, n]) => n === Number(value))?.[0] ?? value;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value)) return new Date(value).toISOString();
  return value;
}

function record(): void {
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.origin === sim.url) {
      const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== '$alt'));
      const body = typeof init?.body === 'string' && init.body !== '' ? JSON.parse(init.body) : undefined;
      recorded.push({ method: init?.method ?? 'GET', path: url.pathname, query, ...(body === undefined ? {} : { body }) });
    }
    return realFetch(input, init);
  }) as typeof fetch;
}

function expectWire(expected: Recorded[]): void {
  expect(recorded.map((r) => normalise(r))).toEqual(expected.map((e) => normalise(e)));
}

const point = (over: Partial<MetricPoint> = {}): MetricPoint => ({
  metricType: 'custom.googleapis.com/stack/backup_age_seconds',
  metricLabels: { instance: 'zenml-db' },
  resourceType: 'global',
  resourceLabels: { project_id: 'demo-project' },
  value: 3600,
  valueType: 'INT64',
  endTime: new Date(T0 - 60_000),
  ...over,
});

beforeAll(async () => {
  sim = await startGcpSim({ services: [new MonitoringSim()], clock });
  config.simulatorUrl = sim.url;
  metrics = new GcpMetrics(config, clock);
  record();
});
afterEach(() => { recorded = []; sim.faults.clear(); });
afterAll(async () => { globalThis.fetch = realFetch; await sim.close(); });

describe('GcpMetrics against gcp-sim through MetricServiceClient', () => {
  it('writes INT64 and DOUBLE points and lists them back', async () => {
    await metrics.write([
      point({ metricType: 'custom.googleapis.com/t1/int', value: 42 }),
      point({ metricType: 'custom.googleapis.com/t1/double', value: 0.25, valueType: 'DOUBLE' }),
    ]);
    const ints = await metrics.list({ metricType: 'custom.googleapis.com/t1/int', start: new Date(T0 - 3600_000), end: new Date(T0) });
    expect(ints).toEqual([{
      metricType: 'custom.googleapis.com/t1/int', metricLabels: { instance: 'zenml-db' }, resourceType: 'global',
      resourceLabels: { project_id: 'demo-project' }, points: [{ end: new Date(T0 - 60_000), value: 42 }],
    }]);
    const doubles = await metrics.list({ metricType: 'custom.googleapis.com/t1/double', start: new Date(T0 - 3600_000), end: new Date(T0) });
    expect(doubles[0]!.points[0]!.value).toBe(0.25);
  });

  it('sends several points of one series in successive requests, oldest first', async () => {
    const m = 'custom.googleapis.com/t2/series';
    await metrics.write([3, 1, 2].map((i) => point({ metricType: m, value: i, endTime: new Date(T0 - 100_000 + i * 10_000) })));
    expect(recorded.filter((r) => r.method === 'POST')).toHaveLength(3);
    const [series] = await metrics.list({ metricType: m, start: new Date(T0 - 3600_000), end: new Date(T0) });
    expect(series!.points.map((p) => p.value)).toEqual([3, 2, 1]);
  });

  it('splits more than 200 series into requests of at most 200', async () => {
    const m = 'custom.googleapis.com/t3/wide';
    await metrics.write(Array.from({ length: 201 }, (_, i) => point({ metricType: m, metricLabels: { shard: `s${i}` }, value: i })));
    const posts = recorded.filter((r) => r.method === 'POST').map((r) => (r.body as any).timeSeries.length);
    expect(posts).toEqual([200, 1]);
    expect(await metrics.list({ metricType: m, start: new Date(T0 - 3600_000), end: new Date(T0) })).toHaveLength(201);
  });

  it('writes DELTA points with their start and filters by metric and resource labels', async () => {
    const m = 'custom.googleapis.com/t4/delta';
    await metrics.write([
      point({ metricType: m, metricKind: 'DELTA', startTime: new Date(T0 - 120_000), endTime: new Date(T0 - 60_000), metricLabels: { ws: 'a"b' }, value: 5 }),
      point({ metricType: m, metricKind: 'DELTA', startTime: new Date(T0 - 120_000), endTime: new Date(T0 - 60_000), metricLabels: { ws: 'c' }, value: 7 }),
    ]);
    const only = await metrics.list({ metricType: m, metricLabels: { ws: 'a"b' }, resourceLabels: { project_id: 'demo-project' }, start: new Date(T0 - 3600_000), end: new Date(T0) });
    expect(only).toHaveLength(1);
    expect(only[0]!.points).toEqual([{ start: new Date(T0 - 120_000), end: new Date(T0 - 60_000), value: 5 }]);
  });

  it('joins a series that the API split over several pages', async () => {
    const m = 'custom.googleapis.com/t5/paged';
    await metrics.write([1, 2, 3, 4, 5].map((i) => point({ metricType: m, value: i, endTime: new Date(T0 - 100_000 + i * 10_000) })));
    await metrics.write([point({ metricType: m, metricLabels: { instance: 'other' }, value: 9 })]);
    recorded = [];
    const paged = new GcpMetrics(config, clock, { pageSize: 2 });
    const series = await paged.list({ metricType: m, start: new Date(T0 - 3600_000), end: new Date(T0) });
    expect(recorded.length).toBe(3);
    expect(series).toHaveLength(2);
    expect(series.find((s) => s.metricLabels.instance === 'zenml-db')!.points.map((p) => p.value)).toEqual([5, 4, 3, 2, 1]);
  });

  it('rejects bad points and queries before any request', async () => {
    await expect(metrics.write([point({ value: 1.5 })])).rejects.toBeInstanceOf(ValidationError);
    await expect(metrics.write([point({ metricKind: 'CUMULATIVE' })])).rejects.toThrow(/startTime/);
    await expect(metrics.list({ metricType: 'x', start: new Date(T0), end: new Date(T0) })).rejects.toBeInstanceOf(ValidationError);
    expect(recorded).toEqual([]);
  });

  it('builds filters with escaped values', () => {
    expect(buildFilter({ metricType: 'a/b', metricLabels: { k: 'v"\\' } })).toBe('metric.type = "a/b" AND metric.labels.k = "v\\"\\\\"');
  });
});

describe('GcpMetrics wire format (fixture from the Cloud Monitoring v3 REST reference)', () => {
  it('timeSeries.create', async () => {
    await metrics.write([point()]);
    expectWire(fixture.write);
  });

  it('timeSeries.list', async () => {
    await metrics.list({
      metricType: 'custom.googleapis.com/stack/backup_age_seconds', metricLabels: { instance: 'zenml-db' },
      resourceLabels: { project_id: 'demo-project' }, start: new Date(T0 - 3600_000), end: new Date(T0),
    });
    expectWire(fixture.list);
  });
});

describe('GcpMetrics error classes under fault injection', () => {
  it('503 on timeSeries.create is transient', async () => {
    sim.faults.add({ method: 'monitoring.projects.timeSeries.create', code: 503, times: 1 });
    await expect(metrics.write([point({ metricType: 'custom.googleapis.com/f/1' })])).rejects.toBeInstanceOf(TransientError);
  });

  it('429 on timeSeries.list is transient', async () => {
    sim.faults.add({ method: 'monitoring.projects.timeSeries.list', code: 429, times: 1 });
    await expect(metrics.list({ metricType: 'custom.googleapis.com/f/1', start: new Date(T0 - 1000), end: new Date(T0) })).rejects.toBeInstanceOf(TransientError);
  });

  it('403 on timeSeries.list is permanent', async () => {
    sim.faults.add({ method: 'monitoring.projects.timeSeries.list', code: 403, times: 1 });
    await expect(metrics.list({ metricType: 'custom.googleapis.com/f/1', start: new Date(T0 - 1000), end: new Date(T0) })).rejects.toBeInstanceOf(PermanentError);
  });

  it('the simulator refusing a point (400) is permanent', async () => {
    const err = await metrics.write([point({ metricType: 'custom.googleapis.com/f/2', endTime: new Date(T0 - 26 * 3600_000) })]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('25h in the past');
  });
});
