/**
 * The Cloud Storage fields and parameters gcp-sim models, per method. Everything else (cors,
 * website, billing.requesterPays, encryption.defaultKmsKeyName, autoclass, softDeletePolicy,
 * object retention and holds, kmsKeyName, predefined ACLs, softDeleted) answers 501: the sim
 * would otherwise store nothing and answer 2xx.
 */
import type { Accepts, FieldSpec } from '../../accepts.ts';

/** Output-only fields a caller may echo back from a GET; they set nothing. */
const BUCKET_OUTPUT = { kind: true, id: true, selfLink: true, projectNumber: true, metageneration: true, etag: true, timeCreated: true, updated: true, locationType: true } as const;

const IAM_FLAG = { enabled: true, lockedTime: true } as const;

export const BUCKET_FIELDS: FieldSpec = {
  ...BUCKET_OUTPUT,
  name: true,
  location: true,
  storageClass: true,
  labels: true,
  // Only Delete rules on these conditions are applied (storage.ts applyLifecycle); others are refused in checkLifecycle.
  lifecycle: { rule: { action: { type: true, storageClass: true }, condition: { age: true, isLive: true, matchesPrefix: true, matchesSuffix: true, createdBefore: true } } },
  versioning: { enabled: true },
  retentionPolicy: { retentionPeriod: true, effectiveTime: true },
  iamConfiguration: { uniformBucketLevelAccess: IAM_FLAG, bucketPolicyOnly: IAM_FLAG, publicAccessPrevention: true },
};

const OBJECT_OUTPUT = {
  kind: true, id: true, selfLink: true, mediaLink: true, bucket: true, generation: true, metageneration: true, size: true, etag: true,
  timeCreated: true, updated: true, timeStorageClassUpdated: true, timeFinalized: true,
} as const;

/** Object metadata a caller may set: on upload, rewrite/copy destination, compose destination and patch. */
export const OBJECT_FIELDS: FieldSpec = { ...OBJECT_OUTPUT, name: true, contentType: true, metadata: true, crc32c: true, md5Hash: true };

const PROJECTION = ['projection'];

export const STORAGE_ACCEPTS = {
  bucketsInsert: { query: ['project', ...PROJECTION], body: BUCKET_FIELDS },
  bucketsList: { query: ['project', 'prefix', 'maxResults', 'pageToken', ...PROJECTION] },
  bucketsGet: { query: PROJECTION },
  bucketsPatch: { query: ['ifMetagenerationMatch', ...PROJECTION], body: BUCKET_FIELDS },
  bucketsDelete: { query: ['ifMetagenerationMatch'] },
  objectsList: { query: ['prefix', 'delimiter', 'maxResults', 'pageToken', 'startOffset', 'endOffset', 'versions', ...PROJECTION] },
  objectsGet: { query: ['alt', 'generation', ...PROJECTION] },
  objectsPatch: { query: ['generation', 'ifGenerationMatch', 'ifMetagenerationMatch', ...PROJECTION], body: OBJECT_FIELDS },
  objectsDelete: { query: ['generation', 'ifGenerationMatch'] },
  objectsRewrite: { query: ['sourceGeneration', 'ifGenerationMatch', 'rewriteToken', 'maxBytesRewrittenPerCall', ...PROJECTION], body: OBJECT_FIELDS },
  objectsCompose: {
    query: ['ifGenerationMatch'],
    body: { kind: true, destination: OBJECT_FIELDS, sourceObjects: { name: true, generation: true, objectPreconditions: { ifGenerationMatch: true } } },
  },
  objectsMove: { query: ['ifGenerationMatch', 'ifSourceGenerationMatch'] },
  // The body is media or multipart bytes; the handler checks the metadata part against OBJECT_FIELDS.
  upload: { query: ['uploadType', 'name', 'ifGenerationMatch', ...PROJECTION], rawBody: true },
  resumeUpload: { query: ['uploadType', 'name', 'upload_id', ...PROJECTION], rawBody: true },
  objectAcls: { refuse: 'object ACLs (storage.objectAccessControls); buckets here use uniform bucket-level access.' },
} satisfies Record<string, Accepts>;
