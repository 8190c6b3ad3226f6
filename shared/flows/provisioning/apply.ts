/**
 * Applies a workspace plan step by step through the ports. Each step re-checks what it
 * creates (create-if-absent, delete-if-present), so a redelivered or concurrent run cannot
 * create a second copy. Cloud SQL admin operations hold the instance lock.
 */
import { connectionSecret, type PlanContext, type PlanStep } from '../../domain/workspace/plan.ts';
import type { WorkspaceNames } from '../../domain/workspace/names.ts';
import type { StateStore } from '../../ports/state-store.ts';
import type { Clock } from '../../ports/clock.ts';
import { isAlreadyExists, isNotFound, PermanentError } from '../../runtime/errors.ts';
import { withLease } from '../../runtime/lease.ts';
import { registerSecretValue } from '../../runtime/logger.ts';
import type { ProvisioningDeps } from './deps.ts';
import { generatePassword } from './password.ts';

export interface ApplyContext {
  deps: ProvisioningDeps;
  plan: PlanContext;
  names: WorkspaceNames;
  store: StateStore;
  clock: Clock;
  owner: string;
}

const INSTANCE_LOCK = { ttlMs: 15 * 60_000, maxWaitMs: 5 * 60_000, pollMs: 2_000 };

async function tolerate(work: () => Promise<unknown>, ok: (err: unknown) => boolean): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!ok(err)) throw err;
  }
}

function onInstance<T>(ctx: ApplyContext, work: () => Promise<T>): Promise<T> {
  return withLease(ctx.store, ctx.clock, `instance:${ctx.plan.sqlInstance}`, ctx.owner, INSTANCE_LOCK, work);
}

async function passwordFromSecret(ctx: ApplyContext, secret: string): Promise<string> {
  const payload = JSON.parse((await ctx.deps.secrets.accessVersion(secret, 'latest')).toString('utf8')) as { password?: string };
  if (!payload.password) throw new PermanentError(`secret ${secret} has no password field`, { where: 'create-user' });
  registerSecretValue(payload.password);
  return payload.password;
}

/** Performs one step; returns a human detail for the run record (never a secret). */
export async function applyStep(step: PlanStep, ctx: ApplyContext): Promise<string> {
  const { deps, plan } = ctx;
  switch (step.id) {
    case 'create-database':
      await onInstance(ctx, () => tolerate(
        () => deps.sql.insertDatabase(plan.sqlInstance, { name: step.database, charset: step.charset, collation: step.collation }),
        isAlreadyExists,
      ));
      return `database ${step.database} (${step.charset}) on ${plan.sqlInstance}`;
    case 'create-secret': {
      if (!(await deps.secrets.getSecret(step.secret))) {
        await tolerate(() => deps.secrets.createSecret(step.secret, step.labels), isAlreadyExists);
      }
      const versions = await deps.secrets.listVersions(step.secret);
      if (!versions.some((v) => v.state === 'ENABLED')) {
        const payload = connectionSecret(plan, ctx.names, generatePassword());
        const version = await deps.secrets.addVersion(step.secret, JSON.stringify(payload));
        return `secret ${step.secret} version ${version.version}`;
      }
      return `secret ${step.secret} already had an enabled version`;
    }
    case 'create-user': {
      const password = await passwordFromSecret(ctx, step.secret);
      await onInstance(ctx, () => tolerate(() => deps.sql.insertUser(plan.sqlInstance, { name: step.user, password, host: '%' }), isAlreadyExists));
      return `user ${step.user}@% (password in ${step.secret})`;
    }
    case 'create-bucket':
      if (!(await deps.objects.getBucket(step.bucket))) {
        await tolerate(() => deps.objects.createBucket({
          name: step.bucket, location: step.location, versioning: step.versioning, labels: step.labels,
          uniformBucketLevelAccess: true, deleteAfterDays: step.deleteAfterDays,
        }), isAlreadyExists);
      }
      return `bucket ${step.bucket} (${step.location}, versioning ${step.versioning}, delete after ${step.deleteAfterDays} d)`;
    case 'create-repository':
      if (!(await deps.registry.getRepository(step.location, step.repository))) {
        await tolerate(() => deps.registry.createRepository({
          id: step.repository, location: step.location, format: 'DOCKER', labels: step.labels,
          description: `Docker images of workspace ${ctx.names.repository.replace(/^ws-/, '')}`,
        }), isAlreadyExists);
      }
      return `repository ${step.repository} in ${step.location}`;
    case 'export-database':
      await onInstance(ctx, () => deps.sql.exportSql(plan.sqlInstance, { uri: step.uri, databases: [step.database] }));
      return `final export of ${step.database} to ${step.uri}`;
    case 'delete-user':
      await onInstance(ctx, () => tolerate(() => deps.sql.deleteUser(plan.sqlInstance, step.user, '%'), isNotFound));
      return `user ${step.user} dropped`;
    case 'delete-database':
      await onInstance(ctx, () => tolerate(() => deps.sql.deleteDatabase(plan.sqlInstance, step.database), isNotFound));
      return `database ${step.database} dropped`;
    case 'delete-secret': {
      const versions = await deps.secrets.listVersions(step.secret).catch((err: unknown) => (isNotFound(err) ? [] : Promise.reject(err)));
      for (const v of versions) if (v.state !== 'DESTROYED') await deps.secrets.destroyVersion(step.secret, v.version);
      await tolerate(() => deps.secrets.deleteSecret(step.secret), isNotFound);
      return `secret ${step.secret}: ${versions.length} version(s) destroyed, secret deleted`;
    }
    case 'delete-repository':
      await tolerate(() => deps.registry.deleteRepository(step.location, step.repository), isNotFound);
      return `repository ${step.repository} deleted`;
    case 'delete-bucket': {
      let removed = 0;
      if (step.force) {
        // Bounded: a bucket is emptied page by page, at most 100 pages per delivery.
        for (let page = 0; page < 100; page++) {
          const objects = await deps.objects.listObjects(step.bucket, { maxResults: 1000 });
          if (objects.length === 0) break;
          for (const o of objects) await tolerate(() => deps.objects.deleteObject(step.bucket, o.name), isNotFound);
          removed += objects.length;
        }
      }
      await tolerate(() => deps.objects.deleteBucket(step.bucket), isNotFound);
      return `bucket ${step.bucket} deleted${removed ? ` with ${removed} object(s) (force)` : ''}`;
    }
    case 'label-bucket-pending-deletion':
      await deps.objects.patchBucketLabels(step.bucket, step.labels);
      return `bucket ${step.bucket} holds ${step.objectCount} object(s): labelled pending-deletion=${step.labels['pending-deletion']} and kept`;
  }
}
