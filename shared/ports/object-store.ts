/** Cloud Storage, in domain terms. */
export interface BucketSpec {
  name: string;
  location: string;
  versioning: boolean;
  labels: Record<string, string>;
  uniformBucketLevelAccess: boolean;
  /** Lifecycle rule: delete objects older than this many days. */
  deleteAfterDays?: number;
  /** Retention policy in seconds (objects cannot be deleted or overwritten before). */
  retentionPeriodSeconds?: number;
}

export interface Bucket extends BucketSpec {
  created?: Date;
}

export interface StoredObject {
  bucket: string;
  name: string;
  size: number;
  contentType?: string;
  updated?: Date;
  generation?: string;
  md5Hash?: string;
  crc32c?: string;
  timeCreated?: Date;
  /** Set on noncurrent versions: when they stopped being live. */
  timeDeleted?: Date;
  /** Until when the bucket's retention policy forbids deleting or overwriting it. */
  retentionExpiresAt?: Date;
}

export interface ObjectStore {
  getBucket(name: string): Promise<Bucket | null>;
  createBucket(spec: BucketSpec): Promise<Bucket>;
  /** Merges labels (a null value removes the key). */
  patchBucketLabels(name: string, labels: Record<string, string | null>): Promise<void>;
  deleteBucket(name: string): Promise<void>;
  listObjects(bucket: string, options?: { prefix?: string; maxResults?: number }): Promise<StoredObject[]>;
  putObject(bucket: string, name: string, data: Buffer | string, contentType?: string): Promise<StoredObject>;
  getObject(bucket: string, name: string): Promise<Buffer | null>;
  deleteObject(bucket: string, name: string): Promise<void>;
  /** The object's metadata (checksums, generation, retention), or null when it does not exist. */
  statObject(bucket: string, name: string): Promise<StoredObject | null>;
  /** Every generation, live and noncurrent (objects.list with versions=true), all pages. */
  listObjectVersions(bucket: string, options?: { prefix?: string }): Promise<StoredObject[]>;
  /** Copies generation `generation` of `name` over the live object `destination` (same bucket by default). */
  copyObjectVersion(bucket: string, name: string, generation: string, destination?: { bucket?: string; name?: string }): Promise<StoredObject>;
}

/** The project's buckets with their labels (the cost report reads a bucket's `workspace` label). */
export interface BucketInventory {
  listBuckets(): Promise<Array<{ name: string; labels: Record<string, string> }>>;
}
