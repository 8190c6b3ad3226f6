/**
 * The workspace planner: from a request and what already exists, the ordered steps that
 * make reality match. Every step is create-if-absent or delete-if-present, so re-running a
 * half-finished request finishes it and re-running a finished one plans nothing.
 *
 * Create order differs from the order resources are listed in the contract on purpose: the
 * secret (holding the generated password) is written before the user is created with it, so a
 * run that stops between the two resumes with the same password instead of an unknown one.
 */
import type { WorkspaceRequest } from '../../events/schemas/workspace-request.ts';
import { workspaceNames, type WorkspaceNames } from './names.ts';

export const MANAGED_BY = 'stack-control-plane';

export interface ObservedWorkspace {
  database?: { name: string; charset: string };
  user?: { name: string };
  secret?: { id: string; enabledVersions: number };
  bucket?: {
    name: string;
    location: string;
    versioning: boolean;
    deleteAfterDays?: number;
    labels: Record<string, string>;
    uniformBucketLevelAccess: boolean;
    /** Objects in the bucket (delete only needs to know whether it is empty). */
    objectCount?: number;
  };
  repository?: { id: string; labels: Record<string, string> };
}

export interface PlanContext {
  projectId: string;
  region: string;
  sqlInstance: string;
  backupBucket: string;
  now: Date;
}

export type StepId =
  | 'create-database' | 'create-secret' | 'create-user' | 'create-bucket' | 'create-repository'
  | 'export-database' | 'delete-user' | 'delete-database' | 'delete-secret' | 'delete-repository'
  | 'delete-bucket' | 'label-bucket-pending-deletion';

export type PlanStep =
  | { id: 'create-database'; database: string; charset: string; collation?: string }
  | { id: 'create-secret'; secret: string; labels: Record<string, string> }
  | { id: 'create-user'; user: string; secret: string }
  | { id: 'create-bucket'; bucket: string; location: string; versioning: boolean; deleteAfterDays: number; labels: Record<string, string> }
  | { id: 'create-repository'; repository: string; location: string; labels: Record<string, string> }
  | { id: 'export-database'; database: string; uri: string }
  | { id: 'delete-user'; user: string }
  | { id: 'delete-database'; database: string }
  | { id: 'delete-secret'; secret: string }
  | { id: 'delete-repository'; repository: string; location: string }
  | { id: 'delete-bucket'; bucket: string; force: boolean }
  | { id: 'label-bucket-pending-deletion'; bucket: string; labels: Record<string, string>; objectCount: number };

export interface SpecDifference {
  field: string;
  existing: unknown;
  requested: unknown;
}

export interface WorkspacePlan {
  action: 'create' | 'delete';
  workspace: string;
  names: WorkspaceNames;
  steps: PlanStep[];
  /** create: everything already exists exactly as requested. delete: nothing is left. */
  upToDate: boolean;
  /** create only: fields where what exists differs from the request (updates are out of scope). */
  differences: SpecDifference[];
  notes: string[];
}

export function workspaceLabels(request: WorkspaceRequest): Record<string, string> {
  return {
    ...request.spec.labels,
    workspace: request.workspace,
    environment: request.environment,
    'managed-by': MANAGED_BY,
  };
}

export function planWorkspace(request: WorkspaceRequest, observed: ObservedWorkspace, ctx: PlanContext): WorkspacePlan {
  const names = workspaceNames(ctx.projectId, request.workspace);
  return request.action === 'create' ? planCreate(request, observed, ctx, names) : planDelete(request, observed, ctx, names);
}

function planCreate(request: WorkspaceRequest, observed: ObservedWorkspace, ctx: PlanContext, names: WorkspaceNames): WorkspacePlan {
  const spec = request.spec;
  const labels = workspaceLabels(request);
  const steps: PlanStep[] = [];
  const differences: SpecDifference[] = [];
  const notes: string[] = [];

  if (!observed.database) {
    steps.push({ id: 'create-database', database: names.database, charset: spec.database.charset, collation: spec.database.collation });
  } else if (observed.database.charset !== spec.database.charset) {
    differences.push({ field: 'spec.database.charset', existing: observed.database.charset, requested: spec.database.charset });
  }
  if (!observed.secret || observed.secret.enabledVersions === 0) {
    steps.push({ id: 'create-secret', secret: names.secret, labels });
  }
  if (!observed.user) steps.push({ id: 'create-user', user: names.user, secret: names.secret });

  if (!observed.bucket) {
    steps.push({
      id: 'create-bucket', bucket: names.bucket, location: spec.storage.location.toUpperCase(), versioning: spec.storage.versioning,
      deleteAfterDays: spec.storage.retentionDays, labels,
    });
  } else {
    const b = observed.bucket;
    if (b.location.toUpperCase() !== spec.storage.location.toUpperCase()) differences.push({ field: 'spec.storage.location', existing: b.location, requested: spec.storage.location });
    if (b.versioning !== spec.storage.versioning) differences.push({ field: 'spec.storage.versioning', existing: b.versioning, requested: spec.storage.versioning });
    if (b.deleteAfterDays !== spec.storage.retentionDays) differences.push({ field: 'spec.storage.retentionDays', existing: b.deleteAfterDays ?? null, requested: spec.storage.retentionDays });
    for (const [key, value] of Object.entries(labels)) {
      if (b.labels[key] !== value) differences.push({ field: `spec.labels.${key}`, existing: b.labels[key] ?? null, requested: value });
    }
  }

  if (spec.registry.enabled && !observed.repository) {
    steps.push({ id: 'create-repository', repository: names.repository, location: ctx.region, labels });
  } else if (!spec.registry.enabled && observed.repository) {
    differences.push({ field: 'spec.registry.enabled', existing: true, requested: false });
  }

  if (differences.length > 0) {
    notes.push('the workspace exists with a different spec; updates are out of scope, so existing resources are left unchanged');
  }
  return { action: 'create', workspace: request.workspace, names, steps, upToDate: steps.length === 0 && differences.length === 0, differences, notes };
}

function planDelete(request: WorkspaceRequest, observed: ObservedWorkspace, ctx: PlanContext, names: WorkspaceNames): WorkspacePlan {
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  if (observed.database) {
    const stamp = ctx.now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    steps.push({ id: 'export-database', database: names.database, uri: `gs://${ctx.backupBucket}/workspaces/${request.workspace}/final-${stamp}.sql` });
  }
  if (observed.user) steps.push({ id: 'delete-user', user: names.user });
  if (observed.database) steps.push({ id: 'delete-database', database: names.database });
  if (observed.secret) steps.push({ id: 'delete-secret', secret: names.secret });
  if (observed.repository) steps.push({ id: 'delete-repository', repository: names.repository, location: ctx.region });
  if (observed.bucket) {
    const objects = observed.bucket.objectCount ?? 0;
    if (objects === 0 || request.force) {
      steps.push({ id: 'delete-bucket', bucket: names.bucket, force: request.force });
      if (objects > 0) notes.push(`force: deleting ${objects} object(s) in ${names.bucket}`);
    } else if (observed.bucket.labels['pending-deletion'] === undefined) {
      steps.push({
        id: 'label-bucket-pending-deletion', bucket: names.bucket, objectCount: objects,
        labels: { 'pending-deletion': ctx.now.toISOString().slice(0, 10) },
      });
      notes.push(`bucket ${names.bucket} holds ${objects} object(s): labelled pending-deletion and left in place (publish with "force": true to delete it)`);
    } else {
      notes.push(`bucket ${names.bucket} is already labelled pending-deletion=${observed.bucket.labels['pending-deletion']} and still holds ${objects} object(s)`);
    }
  }
  return { action: 'delete', workspace: request.workspace, names, steps, upToDate: steps.length === 0, differences: [], notes };
}

/** The secret's payload: what an app needs to connect (the instance is private-IP only). */
export function connectionSecret(ctx: Pick<PlanContext, 'projectId' | 'region' | 'sqlInstance'>, names: WorkspaceNames, password: string) {
  return {
    instanceConnectionName: `${ctx.projectId}:${ctx.region}:${ctx.sqlInstance}`,
    database: names.database,
    user: names.user,
    password,
    ipType: 'PRIVATE',
  };
}

/** Compensation for a step this run performed, or null when it created nothing. */
export function compensationFor(step: PlanStep): PlanStep | null {
  switch (step.id) {
    case 'create-database': return { id: 'delete-database', database: step.database };
    case 'create-secret': return { id: 'delete-secret', secret: step.secret };
    case 'create-user': return { id: 'delete-user', user: step.user };
    case 'create-bucket': return { id: 'delete-bucket', bucket: step.bucket, force: false };
    case 'create-repository': return { id: 'delete-repository', repository: step.repository, location: step.location };
    default: return null;
  }
}
