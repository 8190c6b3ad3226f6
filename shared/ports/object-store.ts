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
}

/** The project's buckets with their labels (the cost report reads a bucket's `workspace` label). */
export interface BucketInventory {
  listBuckets(): Promise<Array<{ name: string; labels: Record<string, string> }>>;
}
