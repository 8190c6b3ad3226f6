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
    location: z.string().regex(/^[A-Za-z0-9-]{2,32}$/, 'must be a GCS location such as US, EU or us-central1').default('US'),
    retentionDays: z.number().int().min(1).max(3650).default(30),
    versioning: z.boolean().default(true),
  }).prefault({}),
  database: z.strictObject({
    charset: z.enum(['utf8mb4', 'utf8mb3', 'utf8', 'latin1', 'ascii']).default('utf8mb4'),
    collation: z.string().regex(/^[a-z0-9_]{1,64}$/).optional(),
  }).prefault({}),
  registry: z.strictObject({
    enabled: z.boolean().default(true),
  }).prefault({}),
  labels: labelsSchema.default({}),
});

export const workspaceRequestSchema = z.strictObject({
  apiVersion: z.literal('stackctl/v1'),
  kind: z.literal('WorkspaceRequest'),
  requestId: z.string().regex(REQUEST_ID_PATTERN, 'must be 6-64 characters of [A-Za-z0-9_-]'),
  action: z.enum(['create', 'delete']),
  workspace: z.string().regex(WORKSPACE_PATTERN, 'must match ^[a-z][a-z0-9-]{1,28}[a-z0-9]$ (lowercase letters, digits and hyphens)'),
  environment: z.enum(['dev', 'staging', 'prod']),
  requestedBy: z.email('must be an email address'),
  /** Only meaningful for `create`; every field has a default. */
  spec: workspaceSpecSchema.prefault({}),
  /** Delete only: destroy a non-empty bucket's data too (after the final export). */
  force: z.boolean().default(false),
});

export type WorkspaceRequest = z.infer<typeof workspaceRequestSchema>;
export type WorkspaceSpec = z.infer<typeof workspaceSpecSchema>;
