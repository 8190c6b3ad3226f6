/**
 * From Cloud Monitoring time series to metered usage in the catalog's base units, per resource
 * and UTC day. A GAUGE (CPU requested, bytes stored) is held from each point to the next, so its
 * integral is value × seconds; a gap longer than twice the series' sampling interval is a time
 * the resource did not exist and counts nothing. A DELTA (requests) counts its value on the day
 * its interval ends.
 */
import { allocateBucket, allocateNamespace, allocateRepository, SHARED, type Allocation } from './allocation.ts';
import type { SkuSelector } from './catalog.ts';

export interface SeriesPoint { start?: Date; end: Date; value: number }
export interface UsageSeries {
  metricType: string;
  metricLabels: Record<string, string>;
  resourceType: string;
  resourceLabels: Record<string, string>;
  points: SeriesPoint[];
}

export interface MeterContext {
  region: string;
  /** Bucket labels by bucket name, for the `workspace` label. */
  bucketLabels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Cloud SQL database ids (`project:instance`) configured for high availability. */
  haInstances: ReadonlySet<string>;
  /** Control-plane function size: Cloud Run bills CPU and memory per instance-second. */
  functionCpu: number;
  functionMemoryGiB: number;
}

export interface Meter {
  id: string;
  metricType: string;
  kind: 'gauge' | 'delta';
  /** The catalog base unit the usage is in after `scale`. */
  baseUnit: string;
  /** Multiplies the metric value into the base unit (e.g. instance-seconds × vCPU). */
  scale(ctx: MeterContext): number;
  sku(series: UsageSeries, ctx: MeterContext): SkuSelector;
  allocate(series: UsageSeries, ctx: MeterContext): Allocation & { resource: string };
}

const GIB = 1024 ** 3;

const gkeAlloc = (s: UsageSeries) => ({ ...allocateNamespace(s.resourceLabels.namespace_name ?? ''), resource: `${s.resourceLabels.namespace_name}/${s.resourceLabels.pod_name ?? ''}` });
const sqlDatabase = (s: UsageSeries) => s.resourceLabels.database_id ?? '';
const sqlAlloc = (s: UsageSeries) => ({ component: 'cloud-sql', workspace: SHARED, resource: sqlDatabase(s) });
const ha = (s: UsageSeries, ctx: MeterContext) => (ctx.haInstances.has(sqlDatabase(s)) ? 'Regional' : 'Zonal');

export const METERS: readonly Meter[] = [
  {
    id: 'gke-cpu', metricType: 'kubernetes.io/container/cpu/request_cores', kind: 'gauge', baseUnit: 's', scale: () => 1,
    sku: (_s, ctx) => ({ service: 'Kubernetes Engine', description: /^Autopilot Pod vCPU Requests/, region: ctx.region }),
    allocate: gkeAlloc,
  },
  {
    id: 'gke-memory', metricType: 'kubernetes.io/container/memory/request_bytes', kind: 'gauge', baseUnit: 'By.s', scale: () => 1,
    sku: (_s, ctx) => ({ service: 'Kubernetes Engine', description: /^Autopilot Pod Memory Requests/, region: ctx.region }),
    allocate: gkeAlloc,
  },
  {
    id: 'sql-cpu', metricType: 'cloudsql.googleapis.com/database/cpu/reserved_cores', kind: 'gauge', baseUnit: 's', scale: () => 1,
    sku: (s, ctx) => ({ service: 'Cloud SQL', description: new RegExp(`^Cloud SQL for MySQL: ${ha(s, ctx)} - vCPU`), region: ctx.region }),
    allocate: sqlAlloc,
  },
  {
    id: 'sql-memory', metricType: 'cloudsql.googleapis.com/database/memory/quota', kind: 'gauge', baseUnit: 'By.s', scale: () => 1,
    sku: (s, ctx) => ({ service: 'Cloud SQL', description: new RegExp(`^Cloud SQL for MySQL: ${ha(s, ctx)} - RAM`), region: ctx.region }),
    allocate: sqlAlloc,
  },
  {
    id: 'sql-storage', metricType: 'cloudsql.googleapis.com/database/disk/quota', kind: 'gauge', baseUnit: 'By.s', scale: () => 1,
    sku: (s, ctx) => ({ service: 'Cloud SQL', description: new RegExp(`^Cloud SQL for MySQL: ${ha(s, ctx)} - Standard storage`), region: ctx.region }),
    allocate: sqlAlloc,
  },
  {
    id: 'gcs-storage', metricType: 'storage.googleapis.com/storage/total_bytes', kind: 'gauge', baseUnit: 'By.s', scale: () => 1,
    sku: (_s, ctx) => ({ service: 'Cloud Storage', description: /^Standard Storage/, region: ctx.region }),
    allocate: (s, ctx) => {
      const bucket = s.resourceLabels.bucket_name ?? '';
      return { ...allocateBucket(bucket, ctx.bucketLabels[bucket]), resource: bucket };
    },
  },
  {
    // Artifact Registry reports each repository's size as a gauge on its Repository resource.
    id: 'registry-storage', metricType: 'artifactregistry.googleapis.com/repository/size', kind: 'gauge', baseUnit: 'By.s', scale: () => 1,
    sku: (_s, ctx) => ({ service: 'Artifact Registry', description: /^Artifact Registry Storage/, region: ctx.region }),
    allocate: (s) => ({ ...allocateRepository(s.resourceLabels.repository_id ?? ''), resource: s.resourceLabels.repository_id ?? '' }),
  },
  {
    // Gen2 functions are Cloud Run services: requests, and CPU and memory per billable instance-second.
    id: 'functions-requests', metricType: 'run.googleapis.com/request_count', kind: 'delta', baseUnit: 'count', scale: () => 1,
    sku: (_s, ctx) => ({ service: 'Cloud Run', description: /^Requests$/, region: ctx.region }),
    allocate: (s) => ({ component: 'control-plane', workspace: SHARED, resource: s.resourceLabels.service_name ?? '' }),
  },
  {
    id: 'functions-cpu', metricType: 'run.googleapis.com/container/billable_instance_time', kind: 'delta', baseUnit: 's', scale: (ctx) => ctx.functionCpu,
    sku: (_s, ctx) => ({ service: 'Cloud Run', description: /^CPU Allocation Time/, region: ctx.region }),
    allocate: (s) => ({ component: 'control-plane', workspace: SHARED, resource: s.resourceLabels.service_name ?? '' }),
  },
  {
    id: 'functions-memory', metricType: 'run.googleapis.com/container/billable_instance_time', kind: 'delta', baseUnit: 'By.s', scale: (ctx) => ctx.functionMemoryGiB * GIB,
    sku: (_s, ctx) => ({ service: 'Cloud Run', description: /^Memory Allocation Time/, region: ctx.region }),
    allocate: (s) => ({ component: 'control-plane', workspace: SHARED, resource: s.resourceLabels.service_name ?? '' }),
  },
];

/** The Cloud SQL metric that says an instance has a standby to fail over to (HA). */
export const SQL_FAILOVER_METRIC = 'cloudsql.googleapis.com/database/available_for_failover';

export function haInstancesFrom(series: readonly UsageSeries[]): Set<string> {
  return new Set(series.filter((s) => s.metricType === SQL_FAILOVER_METRIC && s.points.some((p) => p.value > 0)).map(sqlDatabase));
}

export interface UsageRecord {
  meter: string;
  sku: SkuSelector;
  baseUnit: string;
  component: string;
  workspace: string;
  resource: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** When the usage happened (start of its slice), for ordering across tiers. */
  atMs: number;
  /** In the base unit. */
  usage: number;
}

const DAY_MS = 86_400_000;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Usage of one series within [startMs, endMs), split at UTC midnights. */
export function meterSeries(meter: Meter, series: UsageSeries, ctx: MeterContext, startMs: number, endMs: number): UsageRecord[] {
  const { component, workspace, resource } = meter.allocate(series, ctx);
  const sku = meter.sku(series, ctx);
  const factor = meter.scale(ctx);
  const base = { meter: meter.id, sku, baseUnit: meter.baseUnit, component, workspace, resource };
  const points = [...series.points].sort((a, b) => a.end.getTime() - b.end.getTime());
  const out: UsageRecord[] = [];
  if (meter.kind === 'delta') {
    for (const p of points) {
      const t = p.end.getTime();
      if (t <= startMs || t > endMs || p.value === 0) continue;
      out.push({ ...base, day: utcDay(t - 1), atMs: t - 1, usage: p.value * factor });
    }
    return out;
  }
  const interval = samplingInterval(points);
  for (let i = 0; i < points.length; i++) {
    const from = points[i]!.end.getTime();
    const next = i + 1 < points.length ? points[i + 1]!.end.getTime() : Infinity;
    // A point stands for one sampling interval, or up to the next point when that one is on time.
    const until = Math.min(next - from <= 2 * interval ? next : from + interval, endMs);
    const value = points[i]!.value * factor;
    let a = Math.max(from, startMs);
    while (a < until && value !== 0) {
      const midnight = (Math.floor(a / DAY_MS) + 1) * DAY_MS;
      const b = Math.min(until, midnight);
      out.push({ ...base, day: utcDay(a), atMs: a, usage: value * ((b - a) / 1000) });
      a = b;
    }
  }
  return out;
}

/** The median spacing of a series' points; one point alone is taken to be an hourly sample. */
function samplingInterval(points: readonly SeriesPoint[]): number {
  if (points.length < 2) return 3_600_000;
  const gaps = points.slice(1).map((p, i) => p.end.getTime() - points[i]!.end.getTime()).sort((a, b) => a - b);
  return gaps[Math.floor((gaps.length - 1) / 2)]!;
}

export function meterAll(series: readonly UsageSeries[], ctx: MeterContext, startMs: number, endMs: number): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (const meter of METERS) {
    for (const s of series) if (s.metricType === meter.metricType) out.push(...meterSeries(meter, s, ctx, startMs, endMs));
  }
  return out;
}
