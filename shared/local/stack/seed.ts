/**
 * What Terraform would have built before the control plane runs, created through the
 * production adapters so the simulated cloud starts from the same shape as a real project:
 * the backup/export bucket, the reports bucket, the apps' database secret, and the Argo CD token secret.
 * Idempotent: a persisted gcp-sim state is left as it is.
 */
import type { Clock } from '../../ports/clock.ts';
import { GcpObjectStore } from '../../adapters/gcp/object-store.ts';
import { GcpSecrets } from '../../adapters/gcp/secrets.ts';
import type { Config } from '../../runtime/config.ts';
import { endpointConfig } from '../../runtime/endpoint.ts';
import { LOCAL_TOKEN, localSimulatorAuth } from '../../adapters/local/local-auth.ts';
import { costSettings } from '../../flows/cost-reports/settings.ts';

export const APPS_DB_SECRET = 'zenml-db-connection';
export const ARGOCD_TOKEN_SECRET = 'argocd-token';

export async function seedLocalCloud(config: Config, clock: Clock): Promise<void> {
  const endpoint = endpointConfig(config, localSimulatorAuth());
  const objects = new GcpObjectStore(endpoint, clock);
  const secrets = new GcpSecrets(endpoint, clock);
  if (!(await objects.getBucket(config.backupBucket))) {
    await objects.createBucket({
      name: config.backupBucket, location: 'US', versioning: true, uniformBucketLevelAccess: true,
      labels: { 'managed-by': 'terraform', purpose: 'backups' }, retentionPeriodSeconds: 7 * 86_400,
    });
  }
  // The exports bucket of the backups flow, in the backup region, versioned, with a retention policy.
  if (!(await objects.getBucket(config.exportsBucket))) {
    await objects.createBucket({
      name: config.exportsBucket, location: config.backupRegion.toUpperCase(), versioning: true, uniformBucketLevelAccess: true,
      labels: { 'managed-by': 'terraform', purpose: 'sql-exports' }, retentionPeriodSeconds: 7 * 86_400,
    });
  }
  // The cost reports bucket (module control-plane): the cost-report function writes there.
  const reportsBucket = costSettings(config).reportsBucket;
  if (!(await objects.getBucket(reportsBucket))) {
    await objects.createBucket({
      name: reportsBucket, location: 'US', versioning: false, uniformBucketLevelAccess: true,
      labels: { 'managed-by': 'terraform', purpose: 'reports' }, deleteAfterDays: 400,
    });
  }
  if (!(await secrets.getSecret(APPS_DB_SECRET))) {
    await secrets.createSecret(APPS_DB_SECRET, { 'managed-by': 'terraform' });
    await secrets.addVersion(APPS_DB_SECRET, JSON.stringify({
      instance: config.sqlInstance,
      instanceConnectionName: `${config.projectId}:${config.region}:${config.sqlInstance}`,
      database: 'zenml',
      user: 'zenml',
      ipType: 'PRIVATE',
    }));
  }
  if (!(await secrets.getSecret(ARGOCD_TOKEN_SECRET))) {
    await secrets.createSecret(ARGOCD_TOKEN_SECRET, { 'managed-by': 'terraform' });
    // gcp-sim's Argo CD accepts any bearer token; this one is a visible placeholder, not a credential.
    await secrets.addVersion(ARGOCD_TOKEN_SECRET, LOCAL_TOKEN);
  }
}
