/**
 * The provisioning request: the public contract of `cp-provisioning-requests`.
 * `workspace` flows into database, user, bucket and secret names, so the pattern is the
 * only gate between a publisher and a resource name: nothing else gets through.
 */
import { z } from 'zod';
import { labelsSchema } from './common.ts';

export const WORKSPACE_PATTERN = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{6,64}$/;

export const workspaceSpecSchema = z.strictObject({
  storage: z.strictObject({
    location: z.string().regex(/^[A-Za-z0-9-]{2,32}$/, 'must be a GCS location such as US, EU or us-central1').default('US')
      .describe('GCS location such as US, EU or us-central1; default US'),
    retentionDays: z.number().int().min(1).max(3650).default(30).describe('1–3650; default 30; a lifecycle rule deletes older objects'),
    versioning: z.boolean().default(true).describe('default true'),
  }).prefault({}),
  database: z.strictObject({
    charset: z.enum(['utf8mb4', 'utf8mb3', 'utf8', 'latin1', 'ascii']).default('utf8mb4').describe('default utf8mb4'),
    collation: z.string().regex(/^[a-z0-9_]{1,64}$/).optional().describe('optional; `^[a-z0-9_]{1,64}$`'),
  }).prefault({}),
  registry: z.strictObject({
    enabled: z.boolean().default(true).describe('default true: an Artifact Registry repository for the workspace'),
  }).prefault({}),
  labels: labelsSchema.default({}).describe('GCP label rules (`^[a-z][a-z0-9_-]{0,62}$` → `^[a-z0-9_-]{0,63}$`), at most 48'),
});

export const workspaceRequestSchema = z.strictObject({
  apiVersion: z.literal('stackctl/v1').describe('always stackctl/v1'),
  kind: z.literal('WorkspaceRequest').describe('always WorkspaceRequest'),
  requestId: z.string().regex(REQUEST_ID_PATTERN, 'must be 6-64 characters of [A-Za-z0-9_-]').describe('6–64 of `[A-Za-z0-9_-]`; the idempotency key'),
  action: z.enum(['create', 'delete']).describe('create or delete the workspace'),
  workspace: z.string().regex(WORKSPACE_PATTERN, 'must match ^[a-z][a-z0-9-]{1,28}[a-z0-9]$ (lowercase letters, digits and hyphens)')
    .describe('`^[a-z][a-z0-9-]{1,28}[a-z0-9]$`; it becomes database, user, bucket and secret names'),
  environment: z.enum(['dev', 'staging', 'prod']).describe('dev, staging or prod'),
  requestedBy: z.email('must be an email address').describe('email; recorded as the actor in the audit'),
  /** Only meaningful for `create`; every field has a default. */
  spec: workspaceSpecSchema.prefault({}),
  /** Delete only: destroy a non-empty bucket's data too (after the final export). */
  force: z.boolean().default(false).describe('delete only: also delete a non-empty bucket (after the final export); default false'),
});

export type WorkspaceRequest = z.infer<typeof workspaceRequestSchema>;
export type WorkspaceSpec = z.infer<typeof workspaceSpecSchema>;
