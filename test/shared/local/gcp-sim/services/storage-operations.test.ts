/**
 * Storage object copy/rewrite/compose/move/metadata patch with the real @google-cloud/storage
 * client, and what the simulator does not model answering 501 naming it instead of a 2xx that
 * drops state (the samples listed in issue 15).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Storage } from '@google-cloud/storage';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { StorageSim } from '../../../../../shared/local/gcp-sim/services/storage.ts';

let sim: GcpSim;
let client: Storage;

beforeEach(async () => {
  sim = await startGcpSim({ clock: new VirtualClock('2026-03-10T12:00:00Z'), services: [new StorageSim()] });
  client = new Storage({ projectId: 'p1', apiEndpoint: sim.url, retryOptions: { autoRetry: false } });
  client.interceptors.push({ request: (o: any) => ({ ...o, headers: { ...o.headers, Authorization: 'Bearer t' } }) });
  await client.createBucket('ops');
  await client.createBucket('other');
});
afterEach(async () => { await sim.close(); });

const text = async (bucket: string, name: string) => (await client.bucket(bucket).file(name).download())[0].toString();

/** Expects the call to fail with 501 naming `what`, and the simulator's state to be unchanged. */
async function refused(what: string, call: () => Promise<unknown>): Promise<void> {
  const before = JSON.stringify(sim.state());
  type Failure = { code?: number; status?: number; message: string; response?: { status?: number; data?: unknown } };
  const err = await call().then(() => undefined, (e: Failure) => e);
  expect(err, `${what} was accepted`).toBeDefined();
  // The resumable upload path surfaces gaxios' error (status and body on `response`), the JSON API path the client's ApiError.
  expect(err!.code ?? err!.response?.status).toBe(501);
  expect(`${err!.message} ${JSON.stringify(err!.response?.data ?? '')}`).toContain(what);
  expect(JSON.stringify(sim.state())).toBe(before);
}

describe('Storage object operations with @google-cloud/storage', () => {
  it('copies within and across buckets (objects.rewrite), with new metadata for the destination', async () => {
    const src = client.bucket('ops').file('a/src.txt');
    await src.save('hello', { contentType: 'text/plain', metadata: { metadata: { owner: 'x' } } });
    const [copy] = await src.copy(client.bucket('other').file('b/dst.txt'));
    expect(await text('other', 'b/dst.txt')).toBe('hello');
    const [meta] = await copy.getMetadata();
    expect(meta).toMatchObject({ contentType: 'text/plain', metadata: { owner: 'x' } });
    await src.copy(client.bucket('ops').file('c.txt'), { contentType: 'application/json', metadata: { owner: 'y' } });
    expect((await client.bucket('ops').file('c.txt').getMetadata())[0]).toMatchObject({ contentType: 'application/json', metadata: { owner: 'y' } });
  });

  it('composes objects in order; a missing source or more than 32 sources is refused', async () => {
    const b = client.bucket('ops');
    for (const [name, body] of [['p1', 'ab'], ['p2', 'cd'], ['p3', 'ef']] as const) await b.file(name).save(body, { resumable: false });
    await b.combine(['p3', 'p1', 'p2'], b.file('all.txt'));
    expect(await text('ops', 'all.txt')).toBe('efabcd');
    const [meta] = await b.file('all.txt').getMetadata();
    expect(meta.size).toBe('6');
    expect(meta.contentType).toBe('text/plain');
    await expect(b.combine(['p1', 'missing'], b.file('x.txt'))).rejects.toMatchObject({ code: 404 });
    await expect(b.combine(Array.from({ length: 33 }, () => 'p1'), b.file('x.txt'))).rejects.toMatchObject({ code: 400, message: expect.stringContaining('exceeds the maximum (32)') });
    expect((await b.file('x.txt').exists())[0]).toBe(false);
  });

  it('moves an object atomically (objects.move) and by copy + delete (file.move)', async () => {
    const b = client.bucket('ops');
    await b.file('old.txt').save('moved', { resumable: false });
    await b.file('old.txt').moveFileAtomic('new.txt');
    expect(await text('ops', 'new.txt')).toBe('moved');
    expect((await b.file('old.txt').exists())[0]).toBe(false);
    await b.file('new.txt').move(client.bucket('other').file('far.txt'));
    expect(await text('other', 'far.txt')).toBe('moved');
    expect((await b.file('new.txt').exists())[0]).toBe(false);
    await expect(b.file('gone.txt').moveFileAtomic('x.txt')).rejects.toMatchObject({ code: 404 });
  });

  it('patches object metadata: contentType replaces, custom metadata merges and null removes a key; the bytes stay', async () => {
    const f = client.bucket('ops').file('m.txt');
    await f.save('same bytes', { resumable: false, metadata: { metadata: { a: '1', b: '2' } } });
    const [before] = await f.getMetadata();
    await f.setMetadata({ contentType: 'text/csv', metadata: { b: null, c: '3' } });
    const [after] = await f.getMetadata();
    expect(after).toMatchObject({ contentType: 'text/csv', metadata: { a: '1', c: '3' }, generation: before.generation, metageneration: '2' });
    expect(after.metadata).not.toHaveProperty('b');
    expect(await text('ops', 'm.txt')).toBe('same bytes');
    await expect(f.setMetadata({ metadata: { d: '4' } }, { ifMetagenerationMatch: 1 })).rejects.toMatchObject({ code: 412 });
  });
});

describe('Storage: what gcp-sim does not model answers 501 naming it', () => {
  const bucketFields: Array<[string, Record<string, unknown>]> = [
    ['cors', { cors: [{ origin: ['*'], method: ['GET'] }] }],
    ['website', { website: { mainPageSuffix: 'index.html' } }],
    ['billing', { billing: { requesterPays: true } }],
    ['encryption', { encryption: { defaultKmsKeyName: 'projects/p/locations/us/keyRings/r/cryptoKeys/k' } }],
    ['autoclass', { autoclass: { enabled: true } }],
    ['softDeletePolicy', { softDeletePolicy: { retentionDurationSeconds: '604800' } }],
    ['logging', { logging: { logBucket: 'logs' } }],
    ['lifecycle action "SetStorageClass"', { lifecycle: { rule: [{ action: { type: 'SetStorageClass', storageClass: 'NEARLINE' }, condition: { age: 30 } }] } }],
    ['numNewerVersions', { lifecycle: { rule: [{ action: { type: 'Delete' }, condition: { numNewerVersions: 3 } }] } }],
  ];
  for (const [name, fields] of bucketFields) {
    it(`bucket ${name} on create and on patch`, async () => {
      await refused(name, () => client.createBucket('fresh-bucket', fields));
      await refused(name, () => client.bucket('ops').setMetadata(fields));
    });
  }

  it('object retention, holds, KMS keys, customer-supplied keys, softDeleted and predefined ACLs', async () => {
    const b = client.bucket('ops');
    await b.file('f.txt').save('x', { resumable: false });
    await refused('enableObjectRetention', () => client.createBucket('retained-bucket', { enableObjectRetention: true } as never));
    await refused('retention', () => b.file('f.txt').setMetadata({ retention: { mode: 'Unlocked', retainUntilTime: '2030-01-01T00:00:00Z' } }));
    await refused('temporaryHold', () => b.file('f.txt').setMetadata({ temporaryHold: true }));
    await refused('kmsKeyName', () => b.file('k.txt', { kmsKeyName: 'projects/p/locations/us/keyRings/r/cryptoKeys/k' }).save('x', { resumable: false }));
    await refused('kmsKeyName', () => b.file('k.txt', { kmsKeyName: 'projects/p/locations/us/keyRings/r/cryptoKeys/k' }).save('x'));
    const key = Buffer.alloc(32, 7);
    await refused('x-goog-encryption-key', () => b.file('csek.txt', { encryptionKey: key }).save('secret', { resumable: false }));
    await refused('x-goog-encryption-key', () => b.file('csek.txt', { encryptionKey: key }).save('secret'));
    await refused('softDeleted', () => b.getFiles({ softDeleted: true } as never));
    await refused('predefinedAcl', () => b.file('acl.txt').save('x', { resumable: false, predefinedAcl: 'publicRead' }));
    await refused('cacheControl', () => b.file('cc.txt').save('x', { resumable: false, metadata: { cacheControl: 'no-store' } }));
  });

  it('object and bucket ACLs and IAM answer 501, not "No such object"', async () => {
    const f = client.bucket('ops').file('f.txt');
    await f.save('x', { resumable: false });
    await refused('object ACLs', () => f.acl.get());
    await refused('object ACLs', () => f.acl.add({ entity: 'allUsers', role: 'READER' }));
    await refused('/b/ops/acl', () => client.bucket('ops').acl.get());
    await refused('/b/ops/iam', () => client.bucket('ops').iam.getPolicy());
  });
});
