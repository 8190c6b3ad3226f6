/**
 * The system metrics Google writes for a project on its own (GKE, Cloud SQL, Cloud Storage,
 * Artifact Registry, Cloud Run), simulated from what the other simulated APIs hold, one sample
 * per hour. The workload is a model, not a recording: the stack's apps request what their Helm
 * values ask for (the Argo CD `replicaCount` override scales them, to 0 included), each workspace
 * runs pipelines on weekdays 08:00–18:00 UTC, Cloud SQL reports its tier's cores and memory while
 * its activation policy lets it run (storage always), buckets and repositories report their bytes
 * plus the artifact volume local runs do not produce, and the control plane's functions answer
 * their schedules. Deterministic, so a report over the same hours is the same report.
 */
import type { SimContext } from '../../service.ts';
import type { ArgoCdSim } from '../argocd.ts';
import type { ArtifactRegistrySim } from '../artifactregistry.ts';
import type { SqlAdminSim } from '../sqladmin.ts';
import type { StorageSim } from '../storage.ts';
import type { MetricKind, StoredPoint, StoredSeries, ValueType } from './types.ts';
import { sqlTierShape, STACK_APPS } from '../../../../domain/cost/stack-shape.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;

export interface SystemMetricsOptions {
  projectId: string;
  region: string;
  cluster?: string;
  /** Days of history written at the first sample (at least back to the start of the month). */
  backfillDays?: number;
}

export interface SystemSample {
  series: Omit<StoredSeries, 'points'>;
  point: StoredPoint;
}

const PIPELINES = { cpu: 2, memoryGiB: 8, fromHour: 8, toHour: 18 };
/** Requests per hour of each function, by its schedule (alerts: the follow tick every minute). */
const FUNCTIONS: Array<{ name: string; perHour: (t: Date) => number }> = [
  { name: 'alerts', perHour: () => 60 },
  { name: 'budgets', perHour: () => 2 },
  { name: 'provisioning', perHour: (t) => (t.getUTCHours() >= 8 && t.getUTCHours() < 18 ? 1 : 0) },
  { name: 'backups', perHour: (t) => (t.getUTCHours() === 3 ? 1 : 0) },
  { name: 'costReports', perHour: (t) => (t.getUTCDay() === 1 && t.getUTCHours() === 7 ? 1 : 0) },
];
const SECONDS_PER_REQUEST = 0.4;

export class SystemMetrics {
  constructor(private readonly options: SystemMetricsOptions) {}

  /** Where the first catch-up starts: the start of the month, or `backfillDays` back if earlier. */
  backfillStart(nowMs: number): number {
    const d = new Date(nowMs);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const back = Math.floor(nowMs / HOUR_MS) * HOUR_MS - (this.options.backfillDays ?? 8) * DAY_MS;
    return Math.min(monthStart, back);
  }

  /**
   * The samples of hour `tMs`. `existedSinceMs` is the first catch-up: what existed then is taken
   * to have existed for the whole backfill (Terraform built it before the control plane ran).
   */
  sample(ctx: SimContext, tMs: number, existedSinceMs: number): SystemSample[] {
    const o = this.options;
    const t = new Date(tMs);
    const out: SystemSample[] = [];
    const alive = (createdMs: number) => createdMs <= existedSinceMs || createdMs <= tMs;
    const ageDays = (createdMs: number) => Math.max(0, (tMs - Math.max(createdMs, this.backfillStart(existedSinceMs))) / DAY_MS);
    const gauge = (metricType: string, resourceType: string, resourceLabels: Record<string, string>, value: number, valueType: ValueType = 'DOUBLE', metricLabels: Record<string, string> = {}) => {
      out.push({
        series: { project: o.projectId, metricType, metricLabels, resourceType, resourceLabels, metricKind: 'GAUGE' as MetricKind, valueType },
        point: { startMs: tMs, endMs: tMs, value: valueType === 'INT64' ? { int64Value: String(Math.round(value)) } : { doubleValue: value } },
      });
    };
    const container = (namespace: string, pod: string, cpu: number, memoryGiB: number) => {
      const labels = { project_id: o.projectId, location: o.region, cluster_name: o.cluster ?? 'zenml', namespace_name: namespace, pod_name: pod, container_name: 'main' };
      gauge('kubernetes.io/container/cpu/request_cores', 'k8s_container', labels, cpu);
      gauge('kubernetes.io/container/memory/request_bytes', 'k8s_container', labels, Math.round(memoryGiB * GIB), 'INT64');
    };

    const argocd = ctx.service<ArgoCdSim>('argocd');
    for (const a of STACK_APPS) {
      const override = argocd?.liveParameter(a.app, 'replicaCount');
      const replicas = override !== undefined && /^\d+$/.test(override) ? Number(override) : a.replicas;
      container(a.namespace, `${a.app}-0`, a.cpu * replicas, a.memoryGiB * replicas);
    }

    const storage = ctx.service<StorageSim>('storage');
    const workspaces = new Map<string, number>();
    for (const b of storage?.bucketInventory() ?? []) {
      if (!alive(b.createdMs)) continue;
      const ws = b.labels.workspace;
      if (ws) workspaces.set(ws, Math.min(workspaces.get(ws) ?? Infinity, b.createdMs));
      const modelled = ws ? (20 + ageDays(b.createdMs)) * GIB : b.labels.purpose === 'backups' ? 10 * GIB : 0;
      gauge('storage.googleapis.com/storage/total_bytes', 'gcs_bucket', { project_id: o.projectId, bucket_name: b.name, location: o.region }, b.bytes + modelled, 'DOUBLE', { storage_class: 'STANDARD' });
    }
    const weekday = t.getUTCDay() !== 0 && t.getUTCDay() !== 6;
    const working = weekday && t.getUTCHours() >= PIPELINES.fromHour && t.getUTCHours() < PIPELINES.toHour;
    for (const [ws, createdMs] of workspaces) {
      if (tMs < createdMs && createdMs > existedSinceMs) continue;
      container(`ws-${ws}`, `${ws}-pipeline-0`, working ? PIPELINES.cpu : 0, working ? PIPELINES.memoryGiB : 0);
    }

    for (const r of ctx.service<ArtifactRegistrySim>('artifactregistry')?.repositoryInventory() ?? []) {
      if (!alive(r.createdMs)) continue;
      const [, project, , location, , repository] = r.name.split('/');
      const bytes = (/^ws-/.test(repository ?? '') ? 2 + 0.2 * ageDays(r.createdMs) : 1) * GIB;
      gauge('artifactregistry.googleapis.com/repository/size', 'artifactregistry.googleapis.com/Repository', { resource_container: project ?? o.projectId, location: location ?? o.region, repository_id: repository ?? '' }, bytes, 'INT64');
    }

    for (const i of ctx.service<SqlAdminSim>('sqladmin')?.instanceInventory() ?? []) {
      if (i.project !== o.projectId || i.state === 'PENDING_CREATE' || i.state === 'PENDING_DELETE' || !alive(i.createTime)) continue;
      const labels = { project_id: o.projectId, database_id: `${o.projectId}:${i.name}`, region: o.region };
      const shape = sqlTierShape(i.tier) ?? { cores: 1, memoryGiB: 3.75 };
      const diskGiB = Number(i.settings.dataDiskSizeGb ?? 10);
      // Storage is billed while the instance is stopped; cores and memory only while it runs.
      gauge('cloudsql.googleapis.com/database/disk/quota', 'cloudsql_database', labels, diskGiB * GIB, 'INT64');
      if (i.settings.activationPolicy === 'NEVER') continue;
      gauge('cloudsql.googleapis.com/database/cpu/reserved_cores', 'cloudsql_database', labels, shape.cores);
      gauge('cloudsql.googleapis.com/database/memory/quota', 'cloudsql_database', labels, Math.round(shape.memoryGiB * GIB), 'INT64');
      gauge('cloudsql.googleapis.com/database/available_for_failover', 'cloudsql_database', labels, i.settings.availabilityType === 'REGIONAL' ? 1 : 0, 'INT64');
    }

    for (const f of FUNCTIONS) {
      const requests = f.perHour(t);
      const labels = { project_id: o.projectId, location: o.region, service_name: f.name, revision_name: `${f.name}-00001`, configuration_name: f.name };
      const delta = (metricType: string, value: number, valueType: ValueType) => out.push({
        series: { project: o.projectId, metricType, metricLabels: {}, resourceType: 'cloud_run_revision', resourceLabels: labels, metricKind: 'DELTA', valueType },
        point: { startMs: tMs - HOUR_MS, endMs: tMs, value: valueType === 'INT64' ? { int64Value: String(value) } : { doubleValue: value } },
      });
      delta('run.googleapis.com/request_count', requests, 'INT64');
      delta('run.googleapis.com/container/billable_instance_time', requests * SECONDS_PER_REQUEST, 'DOUBLE');
    }
    return out;
  }
}
