/** Reads what already exists of a workspace, through the ports. */
import type { WorkspaceNames } from '../../domain/workspace/names.ts';
import type { ObservedWorkspace, PlanContext } from '../../domain/workspace/plan.ts';
import type { ProvisioningDeps } from './deps.ts';

/** Enough to know a bucket is not empty and to report roughly how much it holds. */
const OBJECT_COUNT_PROBE = 1000;

export async function observeWorkspace(deps: ProvisioningDeps, ctx: PlanContext, names: WorkspaceNames): Promise<ObservedWorkspace> {
  const [databases, users, secret, bucket, repository] = await Promise.all([
    deps.sql.listDatabases(ctx.sqlInstance),
    deps.sql.listUsers(ctx.sqlInstance),
    deps.secrets.getSecret(names.secret),
    deps.objects.getBucket(names.bucket),
    deps.registry.getRepository(ctx.region, names.repository),
  ]);
  const database = databases.find((d) => d.name === names.database);
  const user = users.find((u) => u.name === names.user);
  const versions = secret ? await deps.secrets.listVersions(names.secret) : [];
  const objects = bucket ? await deps.objects.listObjects(names.bucket, { maxResults: OBJECT_COUNT_PROBE }) : [];
  return {
    database: database && { name: database.name, charset: database.charset },
    user: user && { name: user.name },
    secret: secret ? { id: secret.id, enabledVersions: versions.filter((v) => v.state === 'ENABLED').length } : undefined,
    bucket: bucket ? {
      name: bucket.name, location: bucket.location, versioning: bucket.versioning, deleteAfterDays: bucket.deleteAfterDays,
      labels: bucket.labels, uniformBucketLevelAccess: bucket.uniformBucketLevelAccess, objectCount: objects.length,
    } : undefined,
    repository: repository ? { id: repository.id, labels: repository.labels } : undefined,
  };
}
