import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpObjectStore } from '../../../../shared/adapters/gcp/object-store.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { StorageSim } from '../../../../shared/local/gcp-sim/services/storage.ts';
import { parseMultipartRelated } from '../../../../shared/local/gcp-sim/services/storage/multipart.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { compareWithFixture, loadFixture } from './wire-fixtures.ts';

describe('GcpObjectStore wire format (fixture from the Cloud Storage JSON API v1 reference)', () => {
  let sim: GcpSim;
  let proxy: RecordingProxy;
  const clock = new VirtualClock();

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new StorageSim()], clock });
    proxy = await startRecordingProxy(sim.url);
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });

  it('sends the documented requests: bucket CRUD, multipart and resumable uploads, listing, download, deletes', async () => {
    const store = new GcpObjectStore({ projectId: 'wire-project', region: 'us-central1', simulatorUrl: proxy.url, simulatorAuth: localSimulatorAuth() }, clock, { resumableThresholdBytes: 100 });
    await store.createBucket({
      name: 'wire-bucket', location: 'europe-west1', versioning: false, labels: { team: 'a' },
      uniformBucketLevelAccess: true, deleteAfterDays: 30, retentionPeriodSeconds: 60,
    });
    await store.getBucket('wire-bucket');
    await store.patchBucketLabels('wire-bucket', { team: null, env: 'dev' });
    await store.putObject('wire-bucket', 'a/b.txt', 'hello', 'text/plain');
    await store.putObject('wire-bucket', 'a/big.bin', Buffer.alloc(100, 1));
    await store.listObjects('wire-bucket', { prefix: 'a/', maxResults: 10 });
    await store.getObject('wire-bucket', 'a/b.txt');
    clock.advance(61_000); // past the 60 s retention period, so the objects may be deleted
    await store.deleteObject('wire-bucket', 'a/b.txt');
    await store.deleteObject('wire-bucket', 'a/big.bin');
    await store.deleteBucket('wire-bucket');
    const problems = compareWithFixture(loadFixture('storage/object-store-adapter.json'), proxy.requests, { decodeMultipart: parseMultipartRelated });
    expect(problems).toEqual([]);
  });
});
