/**
 * Cloud Storage JSON API v1 bucket resources
 * (https://cloud.google.com/storage/docs/json_api/v1/buckets): validation of what a caller may
 * set on insert/patch, and the `storage#bucket` representation.
 */
import { unimplemented } from '../../accepts.ts';
import { SimError } from '../../errors.ts';

export interface LifecycleRule {
  action: { type: string; storageClass?: string };
  condition: Record<string, unknown>;
}

export interface StoredBucket {
  name: string;
  project: string;
  projectNumber: string;
  timeCreated: string;
  updated: string;
  metageneration: number;
  location: string;
  locationType: string;
  storageClass: string;
  labels: Record<string, string>;
  lifecycle?: { rule: LifecycleRule[] };
  versioning?: { enabled: boolean };
  retentionPolicy?: { retentionPeriod: string; effectiveTime: string; isLocked?: boolean };
  uniformBucketLevelAccess: boolean;
  publicAccessPrevention: string;
}

export const storageError = (code: number, message: string, reason: string) => new SimError(code, message, undefined, reason);

const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const STORAGE_CLASSES = new Set(['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE', 'MULTI_REGIONAL', 'REGIONAL', 'DURABLE_REDUCED_AVAILABILITY']);
const MULTI_REGIONS = new Set(['US', 'EU', 'ASIA']);
const DUAL_REGIONS = new Set(['NAM4', 'EUR4', 'ASIA1', 'EUR5', 'EUR7', 'EUR8']);
const ACTIONS = new Set(['Delete', 'SetStorageClass', 'AbortIncompleteMultipartUpload']);
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_RETENTION_SECONDS = 3_155_760_000;

export function checkBucketName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw storageError(400, 'Required parameter: name', 'required');
  if (!BUCKET_NAME.test(name) || name.includes('..') || name.startsWith('goog') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    throw storageError(400, `Invalid bucket name: '${name}'`, 'invalid');
  }
  return name;
}

export function locationType(location: string): string {
  if (MULTI_REGIONS.has(location)) return 'multi-region';
  if (DUAL_REGIONS.has(location)) return 'dual-region';
  return 'region';
}

export function checkStorageClass(value: unknown): string {
  const storageClass = String(value).toUpperCase();
  if (!STORAGE_CLASSES.has(storageClass)) throw storageError(400, `Invalid argument: storageClass '${String(value)}' is not one of ${[...STORAGE_CLASSES].join(', ')}.`, 'invalid');
  return storageClass;
}

/** Labels on insert: a plain map. On patch, `null` values delete keys (merge semantics). */
export function mergeLabels(current: Record<string, string>, patch: unknown, allowNull: boolean): Record<string, string> {
  if (patch === null && allowNull) return {};
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw storageError(400, 'Invalid argument: labels must be an object of string values.', 'invalid');
  const out = { ...current };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null && allowNull) { delete out[key]; continue; }
    if (!LABEL_KEY.test(key)) throw storageError(400, `Invalid argument: label key '${key}' must start with a lowercase letter and hold at most 63 lowercase letters, digits, '_' or '-'.`, 'invalid');
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) throw storageError(400, `Invalid argument: label value for key '${key}' must hold at most 63 lowercase letters, digits, '_' or '-'.`, 'invalid');
    out[key] = value;
  }
  if (Object.keys(out).length > 64) throw storageError(400, 'Invalid argument: a bucket can have at most 64 labels.', 'invalid');
  return out;
}

export function checkLifecycle(value: unknown): { rule: LifecycleRule[] } | undefined {
  if (value === null) return undefined;
  const rules = (value as { rule?: unknown } | undefined)?.rule;
  if (rules === undefined) return { rule: [] };
  if (!Array.isArray(rules)) throw storageError(400, 'Invalid argument: lifecycle.rule must be a list.', 'invalid');
  return {
    rule: rules.map((raw, i) => {
      const rule = raw as { action?: { type?: unknown; storageClass?: unknown }; condition?: unknown };
      const type = rule?.action?.type;
      if (typeof type !== 'string' || !ACTIONS.has(type)) throw storageError(400, `Invalid argument: lifecycle.rule[${i}].action.type '${String(type)}' is not one of ${[...ACTIONS].join(', ')}.`, 'invalid');
      if (typeof rule.condition !== 'object' || rule.condition === null || Object.keys(rule.condition).length === 0) {
        throw storageError(400, `Invalid argument: lifecycle.rule[${i}].condition must set at least one condition.`, 'invalid');
      }
      const condition = { ...(rule.condition as Record<string, unknown>) };
      if (condition.age !== undefined && (!Number.isInteger(Number(condition.age)) || Number(condition.age) < 0)) {
        throw storageError(400, `Invalid argument: lifecycle.rule[${i}].condition.age must be a non-negative integer number of days.`, 'invalid');
      }
      // Only Delete is applied (storage.ts applyLifecycle); a stored rule that never runs would be state dropped.
      if (type !== 'Delete') throw unimplemented(`lifecycle action "${type}" (lifecycle.rule[${i}].action.type); only Delete rules are applied.`);
      const action: LifecycleRule['action'] = { type };
      return { action, condition };
    }),
  };
}

export function checkRetention(value: unknown, now: string): StoredBucket['retentionPolicy'] {
  if (value === null || value === undefined) return undefined;
  const period = (value as { retentionPeriod?: unknown }).retentionPeriod;
  const seconds = Number(period);
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > MAX_RETENTION_SECONDS) {
    throw storageError(400, `Invalid argument: retentionPolicy.retentionPeriod '${String(period)}' must be a whole number of seconds between 1 and ${MAX_RETENTION_SECONDS}.`, 'invalid');
  }
  return { retentionPeriod: String(seconds), effectiveTime: now };
}

export function checkVersioning(value: unknown): { enabled: boolean } | undefined {
  if (value === null || value === undefined) return undefined;
  const enabled = (value as { enabled?: unknown }).enabled;
  if (enabled !== undefined && typeof enabled !== 'boolean') throw storageError(400, 'Invalid argument: versioning.enabled must be a boolean.', 'invalid');
  return { enabled: enabled === true };
}

export function checkIamConfiguration(value: unknown, current: boolean): { ubla: boolean; pap?: string } {
  if (value === null || value === undefined) return { ubla: current };
  const cfg = value as { uniformBucketLevelAccess?: { enabled?: unknown }; bucketPolicyOnly?: { enabled?: unknown }; publicAccessPrevention?: unknown };
  const enabled = cfg.uniformBucketLevelAccess?.enabled ?? cfg.bucketPolicyOnly?.enabled;
  if (enabled !== undefined && typeof enabled !== 'boolean') throw storageError(400, 'Invalid argument: iamConfiguration.uniformBucketLevelAccess.enabled must be a boolean.', 'invalid');
  const pap = cfg.publicAccessPrevention;
  if (pap !== undefined && pap !== 'inherited' && pap !== 'enforced' && pap !== 'unspecified') {
    throw storageError(400, `Invalid argument: iamConfiguration.publicAccessPrevention '${String(pap)}' must be 'inherited' or 'enforced'.`, 'invalid');
  }
  return { ubla: enabled === undefined ? current : enabled, pap: pap === 'unspecified' ? 'inherited' : (pap as string | undefined) };
}

export function bucketJson(bucket: StoredBucket, baseUrl: string): Record<string, unknown> {
  const iam = { enabled: bucket.uniformBucketLevelAccess, ...(bucket.uniformBucketLevelAccess ? { lockedTime: lockedTime(bucket.updated) } : {}) };
  const out: Record<string, unknown> = {
    kind: 'storage#bucket',
    selfLink: `${baseUrl}/storage/v1/b/${bucket.name}`,
    id: bucket.name,
    name: bucket.name,
    projectNumber: bucket.projectNumber,
    metageneration: String(bucket.metageneration),
    location: bucket.location,
    storageClass: bucket.storageClass,
    etag: Buffer.from([0x08, bucket.metageneration & 0x7f]).toString('base64'),
    timeCreated: bucket.timeCreated,
    updated: bucket.updated,
    iamConfiguration: { bucketPolicyOnly: iam, uniformBucketLevelAccess: iam, publicAccessPrevention: bucket.publicAccessPrevention },
    locationType: bucket.locationType,
    rpo: bucket.locationType === 'region' ? undefined : 'DEFAULT',
  };
  if (out.rpo === undefined) delete out.rpo;
  if (Object.keys(bucket.labels).length) out.labels = bucket.labels;
  if (bucket.lifecycle && bucket.lifecycle.rule.length) out.lifecycle = bucket.lifecycle;
  if (bucket.versioning) out.versioning = bucket.versioning;
  if (bucket.retentionPolicy) out.retentionPolicy = bucket.retentionPolicy;
  return out;
}

/** Uniform bucket-level access can be turned off for 90 days after it was turned on. */
function lockedTime(since: string): string {
  return new Date(new Date(since).getTime() + 90 * 86_400_000).toISOString();
}
