import { describe, expect, it } from 'vitest';
import { workspaceRequestSchema } from '../../../../shared/events/schemas/workspace-request.ts';
import { workspaceNames, MYSQL_USER_MAX, BUCKET_MAX } from '../../../../shared/domain/workspace/names.ts';
import { compensationFor, planWorkspace, type ObservedWorkspace } from '../../../../shared/domain/workspace/plan.ts';

const ctx = { projectId: 'acme-ml', region: 'us-central1', sqlInstance: 'zenml-metadata', backupBucket: 'acme-ml-backups', now: new Date('2026-11-26T08:00:00Z') };
const request = (over: Record<string, unknown> = {}) => workspaceRequestSchema.parse({
  apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId: 'req-123456', action: 'create', workspace: 'team-alpha',
  environment: 'dev', requestedBy: 'alice@example.com', spec: { labels: { 'cost-center': 'ml-42' } }, ...over,
});

const existing = (): ObservedWorkspace => ({
  database: { name: 'ws_team_alpha', charset: 'utf8mb4' },
  user: { name: 'ws_team_alpha' },
  secret: { id: 'ws-team-alpha-db', enabledVersions: 1 },
  bucket: {
    name: 'acme-ml-ws-team-alpha-artifacts', location: 'US', versioning: true, deleteAfterDays: 30, uniformBucketLevelAccess: true, objectCount: 0,
    labels: { 'cost-center': 'ml-42', workspace: 'team-alpha', environment: 'dev', 'managed-by': 'stack-control-plane' },
  },
  repository: { id: 'ws-team-alpha', labels: {} },
});

describe('workspace names', () => {
  it('follow the contract', () => {
    expect(workspaceNames('acme-ml', 'team-alpha')).toEqual({
      database: 'ws_team_alpha', user: 'ws_team_alpha', secret: 'ws-team-alpha-db',
      bucket: 'acme-ml-ws-team-alpha-artifacts', repository: 'ws-team-alpha',
    });
  });

  it('stay within MySQL and GCS limits for the longest inputs, deterministically and distinctly', () => {
    const ws = `a${'b'.repeat(28)}c`;
    const project = `p${'q'.repeat(28)}r`;
    const names = workspaceNames(project, ws);
    expect(names.user.length).toBeLessThanOrEqual(MYSQL_USER_MAX);
    expect(names.bucket.length).toBeLessThanOrEqual(BUCKET_MAX);
    expect(names.bucket.endsWith('-artifacts')).toBe(true);
    expect(names.user).toMatch(/^ws_[a-z0-9_]+$/);
    expect(workspaceNames(project, ws)).toEqual(names);
    expect(workspaceNames(project, `a${'b'.repeat(28)}d`).user).not.toBe(names.user);
  });
});

describe('planWorkspace: create', () => {
  it('plans every resource for a new workspace, secret before user', () => {
    const plan = planWorkspace(request(), {}, ctx);
    expect(plan.steps.map((s) => s.id)).toEqual(['create-database', 'create-secret', 'create-user', 'create-bucket', 'create-repository']);
    expect(plan.steps.find((s) => s.id === 'create-bucket')).toMatchObject({
      location: 'US', versioning: true, deleteAfterDays: 30,
      labels: { 'cost-center': 'ml-42', workspace: 'team-alpha', environment: 'dev', 'managed-by': 'stack-control-plane' },
    });
  });

  it('skips the repository when the registry is disabled', () => {
    expect(planWorkspace(request({ spec: { registry: { enabled: false } } }), {}, ctx).steps.map((s) => s.id)).not.toContain('create-repository');
  });

  it('finishes a half-done workspace', () => {
    const observed = existing();
    delete observed.user;
    delete observed.repository;
    expect(planWorkspace(request(), observed, ctx).steps.map((s) => s.id)).toEqual(['create-user', 'create-repository']);
  });

  it('plans nothing for a complete workspace with the same spec', () => {
    const plan = planWorkspace(request(), existing(), ctx);
    expect(plan).toMatchObject({ steps: [], upToDate: true, differences: [] });
  });

  it('reports differences for a different spec and changes nothing', () => {
    const plan = planWorkspace(request({ spec: { storage: { retentionDays: 90, location: 'EU' }, labels: { 'cost-center': 'ml-43' } } }), existing(), ctx);
    expect(plan.steps).toEqual([]);
    expect(plan.upToDate).toBe(false);
    expect(plan.differences).toEqual(expect.arrayContaining([
      { field: 'spec.storage.retentionDays', existing: 30, requested: 90 },
      { field: 'spec.storage.location', existing: 'US', requested: 'EU' },
      { field: 'spec.labels.cost-center', existing: 'ml-42', requested: 'ml-43' },
    ]));
    expect(plan.notes.join(' ')).toMatch(/updates are out of scope/);
  });
});

describe('planWorkspace: delete', () => {
  it('exports first, then drops user, database, secret, repository, and an empty bucket', () => {
    const plan = planWorkspace(request({ action: 'delete' }), existing(), ctx);
    expect(plan.steps.map((s) => s.id)).toEqual(['export-database', 'delete-user', 'delete-database', 'delete-secret', 'delete-repository', 'delete-bucket']);
    expect(plan.steps[0]).toMatchObject({ uri: 'gs://acme-ml-backups/workspaces/team-alpha/final-20261126T080000Z.sql' });
  });

  it('labels a non-empty bucket pending-deletion instead of deleting it, unless forced', () => {
    const observed = existing();
    observed.bucket!.objectCount = 3;
    const plan = planWorkspace(request({ action: 'delete' }), observed, ctx);
    expect(plan.steps.at(-1)).toMatchObject({ id: 'label-bucket-pending-deletion', labels: { 'pending-deletion': '2026-11-26' }, objectCount: 3 });
    expect(plan.notes[0]).toMatch(/holds 3 object/);
    expect(planWorkspace(request({ action: 'delete', force: true }), observed, ctx).steps.at(-1)).toMatchObject({ id: 'delete-bucket', force: true });
  });

  it('plans nothing when nothing is left', () => {
    expect(planWorkspace(request({ action: 'delete' }), {}, ctx)).toMatchObject({ steps: [], upToDate: true });
  });
});

describe('compensationFor', () => {
  it('undoes each creation and nothing else', () => {
    const plan = planWorkspace(request(), {}, ctx);
    expect(plan.steps.map((s) => compensationFor(s)?.id)).toEqual(['delete-database', 'delete-secret', 'delete-user', 'delete-bucket', 'delete-repository']);
    expect(compensationFor({ id: 'delete-user', user: 'x' })).toBeNull();
  });
});
