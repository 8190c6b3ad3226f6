/**
 * Where oversized dead-letter payloads go: the backup bucket under `dead-letters/`, through the
 * Storage adapter. The adapter (and @google-cloud/storage) is imported on first use only: a
 * function's cold start must not pay for a client that most instances never call.
 */
import type { GcpEndpointConfig } from '../../adapters/gcp/common/endpoint.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ObjectStore } from '../../ports/object-store.ts';

export function deadLetterPayloads(endpoint: GcpEndpointConfig, clock: Clock, bucket: string): { objects: ObjectStore; bucket: string } {
  let store: Promise<ObjectStore> | undefined;
  const load = (): Promise<ObjectStore> => {
    store ??= import('../../adapters/gcp/object-store.ts').then(({ GcpObjectStore }) => new GcpObjectStore(endpoint, clock));
    store.catch(() => { store = undefined; });
    return store;
  };
  const objects: ObjectStore = {
    getBucket: async (name) => (await load()).getBucket(name),
    createBucket: async (spec) => (await load()).createBucket(spec),
    patchBucketLabels: async (name, labels) => (await load()).patchBucketLabels(name, labels),
    deleteBucket: async (name) => (await load()).deleteBucket(name),
    listObjects: async (bucket, options) => (await load()).listObjects(bucket, options),
    putObject: async (bucket, name, data, contentType) => (await load()).putObject(bucket, name, data, contentType),
    getObject: async (bucket, name) => (await load()).getObject(bucket, name),
    deleteObject: async (bucket, name) => (await load()).deleteObject(bucket, name),
    statObject: async (bucket, name) => (await load()).statObject(bucket, name),
    listObjectVersions: async (bucket, options) => (await load()).listObjectVersions(bucket, options),
    copyObjectVersion: async (bucket, name, generation, destination) => (await load()).copyObjectVersion(bucket, name, generation, destination),
  };
  return { objects, bucket };
}
