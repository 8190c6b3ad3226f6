/**
 * gcp-sim's simulated system metrics follow the simulated cloud: the Argo CD replicaCount override
 * scales the apps' requests, a stopped Cloud SQL instance reports only its disk, and a workspace
 * bucket created after the start appears from then on.
 */
import { localSimulatorAuth } from '../../../../../../shared/adapters/local/local-auth.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpArgoCd } from '../../../../../../shared/adapters/gcp/argocd.ts';
import { GcpMetrics } from '../../../../../../shared/adapters/gcp/metrics.ts';
import { GcpObjectStore } from '../../../../../../shared/adapters/gcp/object-store.ts';
import { GcpSqlAdmin } from '../../../../../../shared/adapters/gcp/sql-admin.ts';
import { VirtualClock } from '../../../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../../../shared/local/gcp-sim/server.ts';
import { ArgoCdSim } from '../../../../../../shared/local/gcp-sim/services/argocd.ts';
import { MonitoringSim } from '../../../../../../shared/local/gcp-sim/services/monitoring.ts';
import { SqlAdminSim } from '../../../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { StorageSim } from '../../../../../../shared/local/gcp-sim/services/storage.ts';

const project = 'metrics-project';
const clock = new VirtualClock('2026-11-10T10:30:00Z');
const HOUR = 3_600_000;
let sim: GcpSim;
let metrics: GcpMetrics;
const endpoint = () => ({ projectId: project, region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() });

beforeAll(async () => {
  sim = await startGcpSim({
    clock, operationDurationMs: 1000,
    services: [
      new SqlAdminSim({ seedInstances: [{ project, name: 'zenml-metadata', region: 'us-central1', tier: 'db-n1-standard-2', databaseVersion: 'MYSQL_8_0', transactionLogRetentionDays: 7, userLabels: {}, databases: [], users: [] }] }),
      new StorageSim(), new ArgoCdSim(), new MonitoringSim({ systemMetrics: { projectId: project, region: 'us-central1' } }),
    ],
  });
  metrics = new GcpMetrics(endpoint(), clock);
});
afterAll(async () => { await sim?.close(); });

const latest = async (metricType: string, labels: Record<string, string> = {}) => {
  const series = await metrics.list({ metricType, resourceLabels: labels, start: new Date(clock.now().getTime() - 2 * HOUR), end: clock.now() });
  return series.map((s) => [...s.points].sort((a, b) => b.end.getTime() - a.end.getTime())[0]!.value);
};

describe('gcp-sim system metrics', () => {
  it('backfills the month hourly on first use', async () => {
    const [series] = await metrics.list({ metricType: 'cloudsql.googleapis.com/database/cpu/reserved_cores', start: new Date('2026-10-31T00:00:00Z'), end: clock.now() });
    // Hourly from 2026-11-01T00:00 to 2026-11-10T10:00.
    expect(series!.points).toHaveLength(9 * 24 + 11);
    expect(series!.points.every((p) => p.value === 2)).toBe(true);
  });

  it('the replicaCount override scales ZenML to 0; stopping Cloud SQL leaves only its disk', async () => {
    expect(await latest('kubernetes.io/container/cpu/request_cores', { namespace_name: 'zenml' })).toEqual([1]);
    await new HttpArgoCd(sim.url, async () => 'local', clock).setHelmParameters('zenml-server', { replicaCount: '0' });
    const sql = new GcpSqlAdmin(endpoint(), clock);
    await sql.setActivationPolicy('zenml-metadata', 'NEVER');
    await clock.sleep(HOUR);
    expect(await latest('kubernetes.io/container/cpu/request_cores', { namespace_name: 'zenml' })).toEqual([0]);
    expect(await latest('kubernetes.io/container/cpu/request_cores', { namespace_name: 'mlflow' })).toEqual([0.5]);
    const cores = await metrics.list({ metricType: 'cloudsql.googleapis.com/database/cpu/reserved_cores', start: new Date(clock.now().getTime() - HOUR / 2), end: clock.now() });
    expect(cores).toEqual([]);
    expect(await latest('cloudsql.googleapis.com/database/disk/quota')).toEqual([10 * 1024 ** 3]);
  }, 30_000);

  it('a workspace bucket created now appears from its creation on, with its pipelines on weekdays', async () => {
    const objects = new GcpObjectStore(endpoint(), clock);
    await objects.createBucket({ name: `${project}-ws-team-gamma-artifacts`, location: 'US', versioning: false, uniformBucketLevelAccess: true, labels: { workspace: 'team-gamma' } });
    await clock.sleep(2 * HOUR);
    const [bucket] = await metrics.list({ metricType: 'storage.googleapis.com/storage/total_bytes', resourceLabels: { bucket_name: `${project}-ws-team-gamma-artifacts` }, start: new Date('2026-11-01T00:00:00Z'), end: clock.now() });
    expect(bucket!.points.length).toBeLessThanOrEqual(3);
    // 2026-11-10 is a Tuesday: the pipeline namespace requests 2 vCPU in working hours.
    expect(await latest('kubernetes.io/container/cpu/request_cores', { namespace_name: 'ws-team-gamma' })).toEqual([2]);
  }, 30_000);
});
