import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpObjectStore } from '../../../../shared/adapters/gcp/object-store.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { isPermanent } from '../../../../shared/runtime/errors.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { StorageSim } from '../../../../shared/local/gcp-sim/services/storage.ts';
import type { BucketSpec } from '../../../../shared/ports/object-store.ts';

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

const spec = (name: string, extra: Partial<BucketSpec> = {}): BucketSpec => ({
  name, location: 'europe-west1', versioning: false, labels: { team: 'team-a' }, uniformBucketLevelAccess: true, ...extra,
});

describe('GcpObjectStore against gcp-sim through @google-cloud/storage', () => {
  let sim: GcpSim;
  let store: GcpObjectStore;
  const clock = new VirtualClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new StorageSim()], clock });
    store = new GcpObjectStore({ projectId: 'proj-a', region: 'europe-west1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock, { resumableThresholdBytes: 1024 });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.service<StorageSim>('storage').restore({ buckets: [] });
    sim.faults.clear();
  });

  it('creates a bucket with lifecycle, versioning, retention and uniform access, and reads it back', async () => {
    const created = await store.createBucket(spec('zenml-artifacts-team-a', { versioning: true, deleteAfterDays: 30, retentionPeriodSeconds: 3600 }));
    const expected = {
      name: 'zenml-artifacts-team-a', location: 'EUROPE-WEST1', versioning: true, labels: { team: 'team-a' },
      uniformBucketLevelAccess: true, deleteAfterDays: 30, retentionPeriodSeconds: 3600, created: new Date('2026-03-01T00:00:00Z'),
    };
    expect(created).toEqual(expected);
    expect(await store.getBucket('zenml-artifacts-team-a')).toEqual(expected);
    expect(await store.getBucket('no-such-bucket')).toBeNull();
  });

  it('merges labels on patch; a null value removes the label', async () => {
    await store.createBucket(spec('labels-bucket', { labels: { team: 'team-a', env: 'dev' } }));
    await store.patchBucketLabels('labels-bucket', { env: null, cost_center: 'ml' });
    expect((await store.getBucket('labels-bucket'))?.labels).toEqual({ team: 'team-a', cost_center: 'ml' });
  });

  it('puts small objects in one multipart request and large ones as resumable uploads, byte for byte', async () => {
    await store.createBucket(spec('objects-bucket'));
    const small = await store.putObject('objects-bucket', 'runs/1/metrics.json', '{"loss":0.1}', 'application/json');
    expect(small).toMatchObject({ bucket: 'objects-bucket', name: 'runs/1/metrics.json', size: 12, contentType: 'application/json' });
    expect(small.generation).toMatch(/^\d+$/);
    const large = Buffer.alloc(5000);
    for (let i = 0; i < large.length; i++) large[i] = (i * 31) & 0xff;
    const big = await store.putObject('objects-bucket', 'runs/1/model.bin', large);
    expect(big).toMatchObject({ size: 5000, contentType: 'application/octet-stream' });
    expect(await store.getObject('objects-bucket', 'runs/1/model.bin')).toEqual(large);
    expect((await store.getObject('objects-bucket', 'runs/1/metrics.json'))?.toString()).toBe('{"loss":0.1}');
    expect(await store.getObject('objects-bucket', 'runs/1/missing')).toBeNull();
    expect(await store.getObject('no-such-bucket', 'x')).toBeNull();
  });

  it('lists objects by prefix across pages and honours maxResults', async () => {
    await store.createBucket(spec('list-bucket'));
    for (let i = 0; i < 5; i++) await store.putObject('list-bucket', `exports/2026-03-0${i + 1}.sql`, `dump ${i}`);
    await store.putObject('list-bucket', 'other/readme.txt', 'x');
    const all = await store.listObjects('list-bucket', { prefix: 'exports/' });
    expect(all.map((o) => o.name)).toEqual(['exports/2026-03-01.sql', 'exports/2026-03-02.sql', 'exports/2026-03-03.sql', 'exports/2026-03-04.sql', 'exports/2026-03-05.sql']);
    expect(all[0]).toMatchObject({ bucket: 'list-bucket', size: 6 });
    expect((await store.listObjects('list-bucket', { maxResults: 2 })).map((o) => o.name)).toEqual(['exports/2026-03-01.sql', 'exports/2026-03-02.sql']);
    expect((await store.listObjects('list-bucket')).length).toBe(6);
    expect((await failure(store.listObjects('list-bucket', { maxResults: 0 }))).message).toContain('maxResults must be a positive integer');
  });

  it('follows nextPageToken when a listing spans more than one 1000-item page', async () => {
    await store.createBucket(spec('paged-bucket'));
    const storage = sim.service<StorageSim>('storage');
    for (let i = 0; i < 1203; i++) storage.putObject('paged-bucket', `o/${String(i).padStart(5, '0')}`, Buffer.from('x'));
    const listed = await store.listObjects('paged-bucket', { prefix: 'o/' });
    expect(listed.length).toBe(1203);
    expect(listed.at(-1)?.name).toBe('o/01202');
  });

  it('deletes objects (idempotently) and refuses to delete a non-empty bucket with a clear permanent error', async () => {
    await store.createBucket(spec('delete-bucket'));
    await store.putObject('delete-bucket', 'a.txt', 'a');
    const err = await failure(store.deleteBucket('delete-bucket'));
    expect(isPermanent(err)).toBe(true);
    expect(err.message).toContain('bucket delete-bucket is not empty');
    expect(err.message).toContain('The bucket you tried to delete is not empty.');
    await store.deleteObject('delete-bucket', 'a.txt');
    await store.deleteObject('delete-bucket', 'a.txt');
    await store.deleteBucket('delete-bucket');
    expect(await store.getBucket('delete-bucket')).toBeNull();
    await expect(store.deleteBucket('delete-bucket')).resolves.toBeUndefined();
  });

  it('keeps objects under a retention policy: deleting too early is a permanent 403 with the real message', async () => {
    await store.createBucket(spec('retained-bucket', { retentionPeriodSeconds: 86_400 }));
    await store.putObject('retained-bucket', 'backup.sql', 'data');
    const err = await failure(store.deleteObject('retained-bucket', 'backup.sql'));
    expect(isPermanent(err)).toBe(true);
    expect(err.message).toContain("Object 'retained-bucket/backup.sql' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until 2026-03-02T00:00:00.000Z");
    clock.advance(86_400_000);
    await store.deleteObject('retained-bucket', 'backup.sql');
    expect(await store.getObject('retained-bucket', 'backup.sql')).toBeNull();
  });

  it('applies the lifecycle Delete rule by object age on the simulator clock', async () => {
    await store.createBucket(spec('lifecycle-bucket', { deleteAfterDays: 7 }));
    await store.putObject('lifecycle-bucket', 'old.bin', 'old');
    clock.advance(3 * 86_400_000);
    await store.putObject('lifecycle-bucket', 'new.bin', 'new');
    clock.advance(4 * 86_400_000);
    expect((await store.listObjects('lifecycle-bucket')).map((o) => o.name)).toEqual(['new.bin']);
  });

  it('sends a bearer token on every kind of request (gcp-sim refuses requests without one)', async () => {
    const unauthenticated = await fetch(`${sim.url}/storage/v1/b?project=proj-a`);
    expect(unauthenticated.status).toBe(401);
    await store.createBucket(spec('auth-bucket'));
    await store.putObject('auth-bucket', 'big.bin', Buffer.alloc(4096, 1));
    expect((await store.getObject('auth-bucket', 'big.bin'))?.length).toBe(4096);
  });
});

describe('GcpObjectStore configuration', () => {
  it('refuses a non-loopback simulator URL when constructed', () => {
    expect(() => new GcpObjectStore({ projectId: 'p', region: 'r', simulatorUrl: 'http://example.com', simulatorAuth: localSimulatorAuth() }, new VirtualClock())).toThrow('simulatorUrl must be a loopback address');
  });
});
