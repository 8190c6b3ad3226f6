import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpObjectStore } from '../../../../shared/adapters/gcp/object-store.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { isPermanent, isTransient } from '../../../../shared/runtime/errors.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { StorageSim } from '../../../../shared/local/gcp-sim/services/storage.ts';

describe('GcpObjectStore error classification under fault injection', () => {
  let sim: GcpSim;
  let store: GcpObjectStore;
  const clock = new VirtualClock();

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new StorageSim()], clock });
    store = new GcpObjectStore({ projectId: 'proj-f', region: 'europe-west1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock, { resumableThresholdBytes: 64 });
    await store.createBucket({ name: 'fault-bucket', location: 'EU', versioning: false, labels: {}, uniformBucketLevelAccess: true });
    await store.putObject('fault-bucket', 'a.txt', 'a');
  });
  afterAll(async () => {
    await sim.close();
  });

  const methods: Array<{ name: string; id: string; call: () => Promise<unknown>; on404?: 'null' | 'ok' }> = [
    { name: 'getBucket', id: 'storage.buckets.get', call: () => store.getBucket('fault-bucket'), on404: 'null' },
    { name: 'createBucket', id: 'storage.buckets.insert', call: () => store.createBucket({ name: 'other-bucket', location: 'EU', versioning: false, labels: {}, uniformBucketLevelAccess: true }) },
    { name: 'patchBucketLabels', id: 'storage.buckets.patch', call: () => store.patchBucketLabels('fault-bucket', { a: 'b' }) },
    { name: 'deleteBucket', id: 'storage.buckets.delete', call: () => store.deleteBucket('fault-bucket'), on404: 'ok' },
    { name: 'listObjects', id: 'storage.objects.list', call: () => store.listObjects('fault-bucket') },
    { name: 'putObject (multipart)', id: 'storage.objects.insert', call: () => store.putObject('fault-bucket', 'b.txt', 'small') },
    { name: 'putObject (resumable)', id: 'storage.objects.insert', call: () => store.putObject('fault-bucket', 'c.bin', Buffer.alloc(128, 2)) },
    { name: 'getObject', id: 'storage.objects.get', call: () => store.getObject('fault-bucket', 'a.txt'), on404: 'null' },
    { name: 'deleteObject', id: 'storage.objects.delete', call: () => store.deleteObject('fault-bucket', 'a.txt'), on404: 'ok' },
  ];

  async function outcome(id: string, code: 400 | 403 | 404 | 409 | 429 | 500 | 503, call: () => Promise<unknown>) {
    sim.faults.clear();
    sim.faults.add({ method: id, code, times: 1 });
    try {
      return { value: await call() };
    } catch (err) {
      return { err };
    } finally {
      expect(sim.faults.list()).toEqual([]); // the fault was really hit
    }
  }

  for (const m of methods) {
    it(`${m.name}: 409 operationInProgress, 429, 500 and 503 are transient`, async () => {
      for (const code of [409, 429, 500, 503] as const) {
        const { err } = await outcome(m.id, code, m.call);
        expect(isTransient(err), `code ${code}: ${String(err)}`).toBe(true);
        expect((err as { code?: unknown }).code).toBe(code);
      }
    });

    it(`${m.name}: 400, 403 and 404 are permanent${m.on404 ? ` (404 is ${m.on404 === 'null' ? 'null' : 'already deleted'})` : ''}`, async () => {
      for (const code of [400, 403, 404] as const) {
        const result = await outcome(m.id, code, m.call);
        if (code === 404 && m.on404) {
          expect(result.err).toBeUndefined();
          if (m.on404 === 'null') expect(result.value).toBeNull();
          continue;
        }
        expect(isPermanent(result.err), `code ${code}: ${String(result.err)}`).toBe(true);
        expect((result.err as Error).message).toContain(`Injected fault on ${m.id}`);
      }
    });
  }
});
