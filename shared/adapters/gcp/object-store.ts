/**
 * ObjectStore on the Cloud Storage JSON API through @google-cloud/storage 7.
 *
 * That client is not google-gax based: in local mode it is pointed at gcp-sim with `apiEndpoint`
 * (which makes it skip Google auth for a custom endpoint), and a request interceptor adds the
 * bearer token of the simulator auth the local run injects (gcp-sim requires one). Interceptors apply to JSON API calls, downloads and
 * both upload kinds, so no second auth library is involved. In production it uses Application
 * Default Credentials.
 *
 * The client's own retries are off: a transient failure surfaces as TransientError and the
 * runtime's redelivery is the one retry policy (docs/ARCHITECTURE.md, "The handler pipeline", step
 * 5). Deletes are idempotent (a missing bucket or object counts as deleted) so redeliveries do not
 * fail on work already done.
 */
import type { Storage, StorageOptions } from '@google-cloud/storage';
import type { Clock } from '../../ports/clock.ts';
import type { Bucket, BucketInventory, BucketSpec, ObjectStore, StoredObject } from '../../ports/object-store.ts';
import { isPermanent, PermanentError } from '../../runtime/errors.ts';
import { callApi, describeFailure, isNotFound } from './common/errors.ts';
import { exportOf, lazy, simulatorOf, type GcpEndpointConfig } from './common/endpoint.ts';

export interface GcpObjectStoreOptions {
  /** Objects at least this large go up as resumable uploads; smaller ones in one multipart request. */
  resumableThresholdBytes?: number;
}

const DEFAULT_RESUMABLE_THRESHOLD = 8 * 1024 * 1024;

export class GcpObjectStore implements ObjectStore, BucketInventory {
  private readonly storage: () => Promise<Storage>;
  private readonly resumableThreshold: number;

  constructor(config: GcpEndpointConfig, _clock: Clock, options: GcpObjectStoreOptions = {}) {
    this.resumableThreshold = options.resumableThresholdBytes ?? DEFAULT_RESUMABLE_THRESHOLD;
    // Built now so a bad endpoint configuration fails at construction, not as a retried call.
    const clientOptions = storageOptions(config);
    this.storage = lazy(async () => {
      const Client = exportOf(await import('@google-cloud/storage'), 'Storage');
      return withLocalAuth(new Client(clientOptions), config);
    });
  }

  async getBucket(name: string): Promise<Bucket | null> {
    try {
      const [metadata] = await callApi(`storage.buckets.get ${name}`, async () => (await this.storage()).bucket(name).getMetadata());
      return toBucket(metadata as BucketMetadata);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async createBucket(spec: BucketSpec): Promise<Bucket> {
    const metadata: Record<string, unknown> = {
      location: spec.location,
      labels: spec.labels,
      versioning: { enabled: spec.versioning },
      iamConfiguration: { uniformBucketLevelAccess: { enabled: spec.uniformBucketLevelAccess } },
    };
    if (spec.deleteAfterDays !== undefined) {
      metadata.lifecycle = { rule: [{ action: { type: 'Delete' }, condition: { age: spec.deleteAfterDays } }] };
    }
    if (spec.retentionPeriodSeconds !== undefined) metadata.retentionPolicy = { retentionPeriod: String(spec.retentionPeriodSeconds) };
    const [bucket] = await callApi(`storage.buckets.insert ${spec.name}`, async () => (await this.storage()).createBucket(spec.name, metadata));
    return toBucket(bucket.metadata as BucketMetadata);
  }

  async patchBucketLabels(name: string, labels: Record<string, string | null>): Promise<void> {
    await callApi(`storage.buckets.patch ${name}`, async () => (await this.storage()).bucket(name).setMetadata({ labels }));
  }

  async deleteBucket(name: string): Promise<void> {
    try {
      await callApi(`storage.buckets.delete ${name}`, async () => (await this.storage()).bucket(name).delete());
    } catch (err) {
      if (isNotFound(err)) return;
      // A permanent 409 on bucket delete means "not empty"; a 409 operation-in-progress stays transient.
      if (isPermanent(err) && (err as PermanentError).code === 409) {
        const cause = (err as Error).cause ?? err;
        throw new PermanentError(`bucket ${name} is not empty: delete its objects (and noncurrent versions) first. (${describeFailure(cause).message})`, { code: 409, where: `storage.buckets.delete ${name}`, cause });
      }
      throw err;
    }
  }

  async listBuckets(): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    const [buckets] = await callApi('storage.buckets.list', async () => (await this.storage()).getBuckets({ autoPaginate: true }));
    return buckets.map((b) => ({ name: b.name, labels: { ...((b.metadata?.labels ?? {}) as Record<string, string>) } }));
  }

  async listObjects(bucket: string, options: { prefix?: string; maxResults?: number } = {}): Promise<StoredObject[]> {
    if (options.maxResults !== undefined && (!Number.isInteger(options.maxResults) || options.maxResults <= 0)) {
      throw new PermanentError(`listObjects maxResults must be a positive integer, got ${options.maxResults}`, { where: 'storage.objects.list' });
    }
    const [files] = await callApi(`storage.objects.list ${bucket}`, async () => (await this.storage()).bucket(bucket).getFiles({
      prefix: options.prefix,
      maxResults: options.maxResults,
      autoPaginate: true,
    }));
    return files.map((file) => toStoredObject(bucket, file.metadata as ObjectMetadata));
  }

  async putObject(bucket: string, name: string, data: Buffer | string, contentType?: string): Promise<StoredObject> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const file = (await this.storage()).bucket(bucket).file(name);
    await callApi(`storage.objects.insert ${bucket}/${name}`, () => file.save(bytes, {
      resumable: bytes.length >= this.resumableThreshold,
      contentType: contentType ?? 'application/octet-stream',
      validation: 'crc32c',
    }).catch((err: unknown) => { throw withApiError(err); }));
    return toStoredObject(bucket, file.metadata as ObjectMetadata);
  }

  async getObject(bucket: string, name: string): Promise<Buffer | null> {
    try {
      const [contents] = await callApi(`storage.objects.get ${bucket}/${name}`, async () => (await this.storage()).bucket(bucket).file(name).download());
      return contents;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async statObject(bucket: string, name: string): Promise<StoredObject | null> {
    try {
      const [metadata] = await callApi(`storage.objects.get ${bucket}/${name}`, async () => (await this.storage()).bucket(bucket).file(name).getMetadata());
      return toStoredObject(bucket, metadata as ObjectMetadata);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async listObjectVersions(bucket: string, options: { prefix?: string } = {}): Promise<StoredObject[]> {
    const [files] = await callApi(`storage.objects.list ${bucket} (versions)`, async () => (await this.storage()).bucket(bucket).getFiles({
      prefix: options.prefix, versions: true, autoPaginate: true,
    }));
    return files.map((file) => toStoredObject(bucket, file.metadata as ObjectMetadata));
  }

  async copyObjectVersion(bucket: string, name: string, generation: string, destination: { bucket?: string; name?: string } = {}): Promise<StoredObject> {
    if (!/^\d+$/.test(generation)) throw new PermanentError(`copyObjectVersion: generation must be an integer, got "${generation}"`, { where: 'storage.objects.rewrite', code: 400 });
    const storage = await this.storage();
    const target = storage.bucket(destination.bucket ?? bucket).file(destination.name ?? name);
    const where = `storage.objects.rewrite ${bucket}/${name}#${generation} -> ${destination.bucket ?? bucket}/${destination.name ?? name}`;
    await callApi(where, () => storage.bucket(bucket).file(name, { generation: Number(generation) }).copy(target));
    // copy() resolves with a File whose metadata is not filled in from the rewrite response.
    const [metadata] = await callApi(`storage.objects.get ${target.bucket.name}/${target.name}`, () => target.getMetadata());
    return toStoredObject(destination.bucket ?? bucket, metadata as ObjectMetadata);
  }

  async deleteObject(bucket: string, name: string): Promise<void> {
    try {
      await callApi(`storage.objects.delete ${bucket}/${name}`, async () => (await this.storage()).bucket(bucket).file(name).delete());
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }
}

function storageOptions(config: GcpEndpointConfig): StorageOptions {
  const options: StorageOptions = { projectId: config.projectId, retryOptions: { autoRetry: false } };
  const simulator = simulatorOf(config);
  if (simulator) options.apiEndpoint = simulator.url.origin;
  return options;
}

function withLocalAuth(storage: Storage, config: GcpEndpointConfig): Storage {
  const simulator = simulatorOf(config);
  if (!simulator) return storage;
  const { token } = simulator.auth;
  storage.interceptors.push({
    // Typed loosely: the interceptor contract takes request options and returns DecorateRequestOptions.
    request: (reqOpts: any) => ({ ...reqOpts, headers: { ...reqOpts.headers, Authorization: `Bearer ${token}` } }),
  });
  return storage;
}

/**
 * Resumable uploads fail with a gaxios error whose message is only "Request failed with status
 * code N"; the JSON API's own error (message, errors[].reason) sits in `response.data.error`.
 * Lift it up so classification sees the reason (e.g. operationInProgress) and the message is useful.
 */
function withApiError(err: unknown): unknown {
  const apiError = (err as { response?: { data?: { error?: { code?: unknown; message?: unknown; errors?: unknown } } } })?.response?.data?.error;
  if (!apiError || typeof apiError !== 'object' || typeof apiError.code !== 'number') return err;
  return Object.assign(new Error(String(apiError.message ?? (err as Error).message)), { code: apiError.code, errors: apiError.errors, cause: err });
}

interface BucketMetadata {
  name?: string;
  location?: string;
  timeCreated?: string;
  labels?: Record<string, string> | null;
  versioning?: { enabled?: boolean } | null;
  iamConfiguration?: { uniformBucketLevelAccess?: { enabled?: boolean } } | null;
  lifecycle?: { rule?: Array<{ action?: { type?: string }; condition?: { age?: number | string } }> } | null;
  retentionPolicy?: { retentionPeriod?: string | number } | null;
}

interface ObjectMetadata {
  name?: string;
  size?: string | number;
  contentType?: string;
  updated?: string;
  generation?: string | number;
  md5Hash?: string;
  crc32c?: string;
  timeCreated?: string;
  timeDeleted?: string;
  retentionExpirationTime?: string;
}

function toBucket(metadata: BucketMetadata): Bucket {
  const deleteRule = metadata.lifecycle?.rule?.find((r) => r.action?.type === 'Delete' && r.condition?.age !== undefined);
  const bucket: Bucket = {
    name: metadata.name ?? '',
    location: metadata.location ?? '',
    versioning: metadata.versioning?.enabled === true,
    labels: { ...(metadata.labels ?? {}) },
    uniformBucketLevelAccess: metadata.iamConfiguration?.uniformBucketLevelAccess?.enabled === true,
  };
  if (deleteRule) bucket.deleteAfterDays = Number(deleteRule.condition!.age);
  if (metadata.retentionPolicy?.retentionPeriod !== undefined) bucket.retentionPeriodSeconds = Number(metadata.retentionPolicy.retentionPeriod);
  if (metadata.timeCreated) bucket.created = new Date(metadata.timeCreated);
  return bucket;
}

function toStoredObject(bucket: string, metadata: ObjectMetadata): StoredObject {
  const obj: StoredObject = { bucket, name: metadata.name ?? '', size: Number(metadata.size ?? 0) };
  if (metadata.contentType) obj.contentType = metadata.contentType;
  if (metadata.updated) obj.updated = new Date(metadata.updated);
  if (metadata.generation !== undefined) obj.generation = String(metadata.generation);
  if (metadata.md5Hash) obj.md5Hash = metadata.md5Hash;
  if (metadata.crc32c) obj.crc32c = metadata.crc32c;
  if (metadata.timeCreated) obj.timeCreated = new Date(metadata.timeCreated);
  if (metadata.timeDeleted) obj.timeDeleted = new Date(metadata.timeDeleted);
  if (metadata.retentionExpirationTime) obj.retentionExpiresAt = new Date(metadata.retentionExpirationTime);
  return obj;
}
