import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Storage } from '@google-cloud/storage';
import { crc32cBase64 } from '../../../../../shared/adapters/gcp/secrets/crc32c.ts';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { StorageSim } from '../../../../../shared/local/gcp-sim/services/storage.ts';

const DAY = 86_400_000;

describe('gcp-sim Cloud Storage JSON API v1', () => {
  let sim: GcpSim;
  const clock = new VirtualClock('2026-02-01T00:00:00Z');

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const raw = body === undefined ? undefined : Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: 'Bearer t', ...(body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
      body: raw === undefined || typeof raw === 'string' ? raw : new Uint8Array(raw),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    let json: any;
    try { json = JSON.parse(bytes.toString('utf8')); } catch { json = undefined; }
    return { status: res.status, json, bytes, headers: res.headers };
  }
  const bucket = (name: string, extra: Record<string, unknown> = {}) => call('POST', '/storage/v1/b?project=p1', { name, ...extra });
  const media = (b: string, name: string, data: string | Buffer, type = 'text/plain') => call('POST', `/upload/storage/v1/b/${b}/o?uploadType=media&name=${encodeURIComponent(name)}`, data, { 'content-type': type });

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new StorageSim()], clock });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.service<StorageSim>('storage').restore({ buckets: [] });
  });

  it('inserts a bucket with the documented defaults and validation', async () => {
    const res = await bucket('artifacts-a', { location: 'europe-west1', labels: { team: 'a' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      kind: 'storage#bucket', id: 'artifacts-a', name: 'artifacts-a', location: 'EUROPE-WEST1', locationType: 'region',
      storageClass: 'STANDARD', metageneration: '1', labels: { team: 'a' }, timeCreated: '2026-02-01T00:00:00.000Z',
      iamConfiguration: { uniformBucketLevelAccess: { enabled: false }, publicAccessPrevention: 'inherited' },
    });
    expect((await bucket('multi')).json).toMatchObject({ location: 'US', locationType: 'multi-region' });
    expect((await call('POST', '/storage/v1/b', { name: 'no-project' })).json.error.message).toBe('Required parameter: project');
    expect((await bucket('Bad_Name')).json.error).toMatchObject({ code: 400, message: "Invalid bucket name: 'Bad_Name'", errors: [{ reason: 'invalid' }] });
    expect((await bucket('x', {})).status).toBe(400);
    expect((await bucket('bad-lifecycle', { lifecycle: { rule: [{ action: { type: 'Explode' }, condition: { age: 1 } }] } })).json.error.message).toContain("action.type 'Explode'");
    expect((await bucket('bad-retention', { retentionPolicy: { retentionPeriod: '-5' } })).json.error.message).toContain('retentionPeriod');
    const dup = await bucket('artifacts-a');
    expect(dup.status).toBe(409);
    expect(dup.json.error.message).toBe('Your previous request to create the named bucket succeeded and you already own it.');
  });

  it('gets, lists by project with pagination, and 404s with the real text', async () => {
    await bucket('b-one');
    await bucket('b-two');
    await call('POST', '/storage/v1/b?project=p2', { name: 'b-other' });
    expect((await call('GET', '/storage/v1/b/b-one')).json.name).toBe('b-one');
    const missing = await call('GET', '/storage/v1/b/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 404, message: 'The specified bucket does not exist.', errors: [{ reason: 'notFound' }] });
    const page1 = await call('GET', '/storage/v1/b?project=p1&maxResults=1');
    expect(page1.json.items.map((b: any) => b.name)).toEqual(['b-one']);
    const page2 = await call('GET', `/storage/v1/b?project=p1&maxResults=1&pageToken=${page1.json.nextPageToken}`);
    expect(page2.json.items.map((b: any) => b.name)).toEqual(['b-two']);
    expect(page2.json.nextPageToken).toBeUndefined();
  });

  it('patches with label merge semantics, bumps metageneration, and leaves the bucket alone on a bad patch', async () => {
    await bucket('labels', { labels: { team: 'a', env: 'dev' } });
    const res = await call('PATCH', '/storage/v1/b/labels', { labels: { env: null, owner: 'ml' }, versioning: { enabled: true } });
    expect(res.json).toMatchObject({ labels: { team: 'a', owner: 'ml' }, metageneration: '2', versioning: { enabled: true } });
    const bad = await call('PATCH', '/storage/v1/b/labels', { labels: { ok: 'yes' }, lifecycle: { rule: [{ action: { type: 'Nope' }, condition: { age: 1 } }] } });
    expect(bad.status).toBe(400);
    expect((await call('GET', '/storage/v1/b/labels')).json).toMatchObject({ labels: { team: 'a', owner: 'ml' }, metageneration: '2' });
    expect((await call('PATCH', '/storage/v1/b/labels?ifMetagenerationMatch=1', { labels: {} })).status).toBe(412);
  });

  it('uploads with uploadType=media and multipart, computing md5Hash and crc32c, and verifying sent hashes', async () => {
    await bucket('upl');
    const m = await media('upl', 'dir/a.txt', 'hello');
    expect(m.json).toMatchObject({
      kind: 'storage#object', name: 'dir/a.txt', bucket: 'upl', size: '5', contentType: 'text/plain', metageneration: '1',
      md5Hash: createHash('md5').update('hello').digest('base64'), crc32c: crc32cBase64(Buffer.from('hello')),
    });
    expect(m.json.id).toBe(`upl/dir/a.txt/${m.json.generation}`);
    const boundary = 'xyz123';
    const multipart = (meta: unknown, data: string) =>
      `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(meta)}\r\n--${boundary}\r\nContent-Type: application/x-sql\r\n\r\n${data}\r\n--${boundary}--`;
    const mp = await call('POST', '/upload/storage/v1/b/upl/o?uploadType=multipart', multipart({ name: 'dump.sql', metadata: { source: 'sql' } }, 'SELECT 1;'), { 'content-type': `multipart/related; boundary=${boundary}` });
    expect(mp.json).toMatchObject({ name: 'dump.sql', contentType: 'application/x-sql', size: '9', metadata: { source: 'sql' } });
    const wrong = await call('POST', '/upload/storage/v1/b/upl/o?uploadType=multipart', multipart({ name: 'bad.sql', crc32c: 'AAAAAA==' }, 'x'), { 'content-type': `multipart/related; boundary=${boundary}` });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toContain("doesn't match calculated CRC32C");
    expect((await call('POST', '/upload/storage/v1/b/upl/o?uploadType=weird&name=x', 'x')).json.error.message).toContain("Invalid uploadType 'weird'");
    expect((await media('upl', 'dir/a.txt', 'again') as any).status).toBe(200);
    expect((await call('POST', '/upload/storage/v1/b/upl/o?uploadType=media&name=dir%2Fa.txt&ifGenerationMatch=0', 'x', { 'content-type': 'text/plain' })).status).toBe(412);
  });

  it('runs a chunked resumable upload: 308 with Range until the last chunk, then the object', async () => {
    await bucket('resumable');
    const start = await call('POST', '/upload/storage/v1/b/resumable/o?uploadType=resumable&name=big.bin', { metadata: { k: 'v' } }, { 'x-upload-content-type': 'application/octet-stream' });
    expect(start.status).toBe(200);
    const location = new URL(start.headers.get('location')!);
    expect(location.searchParams.get('upload_id')).toMatch(/^\S+$/);
    const session = `${location.pathname}${location.search}`;
    const first = await call('PUT', session, Buffer.from('01234'), { 'content-range': 'bytes 0-4/*' });
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe('bytes=0-4');
    const status = await call('PUT', session, undefined, { 'content-range': 'bytes */*' });
    expect(status.status).toBe(308);
    const mismatch = await call('PUT', session, Buffer.from('zz'), { 'content-range': 'bytes 9-10/11' });
    expect(mismatch.json.error.message).toContain('resume from 5');
    const last = await call('PUT', session, Buffer.from('56789'), { 'content-range': 'bytes 5-9/10' });
    expect(last.status).toBe(200);
    expect(last.json).toMatchObject({ name: 'big.bin', size: '10', metadata: { k: 'v' }, crc32c: crc32cBase64(Buffer.from('0123456789')) });
    expect((await call('PUT', session, Buffer.from('x'), { 'content-range': 'bytes 10-10/11' })).status).toBe(404);
  });

  it('downloads with alt=media, x-goog-hash and byte ranges; objects.get without alt returns metadata', async () => {
    await bucket('dlb');
    await media('dlb', 'f.txt', 'abcdefghij');
    const full = await call('GET', '/storage/v1/b/dlb/o/f.txt?alt=media');
    expect(full.bytes.toString()).toBe('abcdefghij');
    expect(full.headers.get('x-goog-hash')).toBe(`crc32c=${crc32cBase64(Buffer.from('abcdefghij'))},md5=${createHash('md5').update('abcdefghij').digest('base64')}`);
    expect(full.headers.get('x-goog-stored-content-encoding')).toBe('identity');
    const part = await call('GET', '/storage/v1/b/dlb/o/f.txt?alt=media', undefined, { range: 'bytes=2-4' });
    expect(part.status).toBe(206);
    expect(part.bytes.toString()).toBe('cde');
    const meta = await call('GET', '/storage/v1/b/dlb/o/f.txt');
    expect(meta.json.mediaLink).toContain('/download/storage/v1/b/dlb/o/f.txt?generation=');
    expect((await call('GET', new URL(meta.json.mediaLink).pathname + new URL(meta.json.mediaLink).search)).bytes.toString()).toBe('abcdefghij');
    const missing = await call('GET', '/storage/v1/b/dlb/o/nope');
    expect(missing.json.error).toMatchObject({ code: 404, message: 'No such object: dlb/nope' });
  });

  it('lists objects with prefix, delimiter and maxResults pagination', async () => {
    await bucket('lst');
    for (const n of ['a/1', 'a/2', 'a/sub/3', 'a/sub/4', 'b/5', 'top']) await media('lst', n, n);
    const delim = await call('GET', '/storage/v1/b/lst/o?delimiter=%2F');
    expect(delim.json.items.map((o: any) => o.name)).toEqual(['top']);
    expect(delim.json.prefixes).toEqual(['a/', 'b/']);
    const nested = await call('GET', '/storage/v1/b/lst/o?prefix=a%2F&delimiter=%2F');
    expect(nested.json.items.map((o: any) => o.name)).toEqual(['a/1', 'a/2']);
    expect(nested.json.prefixes).toEqual(['a/sub/']);
    const names: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await call('GET', `/storage/v1/b/lst/o?maxResults=4${token ? `&pageToken=${token}` : ''}`);
      names.push(...(page.json.items ?? []).map((o: any) => o.name));
      token = page.json.nextPageToken;
      if (!token) break;
    }
    expect(names).toEqual(['a/1', 'a/2', 'a/sub/3', 'a/sub/4', 'b/5', 'top']);
  });

  it('refuses to delete a non-empty bucket (409) and deletes an empty one (204)', async () => {
    await bucket('del');
    await media('del', 'x', 'x');
    const res = await call('DELETE', '/storage/v1/b/del');
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 409, message: 'The bucket you tried to delete is not empty.', errors: [{ reason: 'conflict' }] });
    expect((await call('DELETE', '/storage/v1/b/del/o/x')).status).toBe(204);
    expect((await call('DELETE', '/storage/v1/b/del')).status).toBe(204);
    expect((await call('GET', '/storage/v1/b/del')).status).toBe(404);
  });

  it('enforces the retention policy on delete and overwrite until the period has passed', async () => {
    await bucket('ret', { retentionPolicy: { retentionPeriod: '3600' } });
    const put = await media('ret', 'keep.sql', 'data');
    expect(put.json.retentionExpirationTime).toBe('2026-02-01T01:00:00.000Z');
    const del = await call('DELETE', '/storage/v1/b/ret/o/keep.sql');
    expect(del.status).toBe(403);
    expect(del.json.error.message).toBe("Object 'ret/keep.sql' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until 2026-02-01T01:00:00.000Z");
    expect((await media('ret', 'keep.sql', 'new')).status).toBe(403);
    clock.advance(3_600_000);
    expect((await call('DELETE', '/storage/v1/b/ret/o/keep.sql')).status).toBe(204);
  });

  it('keeps noncurrent generations when versioning is on', async () => {
    await bucket('ver', { versioning: { enabled: true } });
    const g1 = (await media('ver', 'f', 'one')).json.generation;
    const g2 = (await media('ver', 'f', 'two')).json.generation;
    expect(BigInt(g2)).toBeGreaterThan(BigInt(g1));
    expect((await call('GET', '/storage/v1/b/ver/o')).json.items.map((o: any) => o.generation)).toEqual([g2]);
    const all = await call('GET', '/storage/v1/b/ver/o?versions=true');
    expect(all.json.items.map((o: any) => o.generation).sort()).toEqual([g1, g2].sort());
    expect((await call('GET', `/storage/v1/b/ver/o/f?alt=media&generation=${g1}`)).bytes.toString()).toBe('one');
    await call('DELETE', '/storage/v1/b/ver/o/f');
    expect((await call('DELETE', '/storage/v1/b/ver')).status).toBe(409);
  });

  it('applies lifecycle Delete rules by age in days on the simulator clock', async () => {
    await bucket('lcb', { lifecycle: { rule: [{ action: { type: 'Delete' }, condition: { age: 7 } }, { action: { type: 'Delete' }, condition: { age: 1, matchesPrefix: ['tmp/'] } }] } });
    await media('lcb', 'old', 'o');
    await media('lcb', 'tmp/x', 't');
    clock.advance(2 * DAY);
    await media('lcb', 'young', 'y');
    expect((await call('GET', '/storage/v1/b/lcb/o')).json.items.map((o: any) => o.name)).toEqual(['old', 'young']);
    clock.advance(5 * DAY);
    expect((await call('GET', '/storage/v1/b/lcb/o')).json.items.map((o: any) => o.name)).toEqual(['young']);
    expect((await call('GET', '/storage/v1/b/lcb')).json.lifecycle.rule[0]).toEqual({ action: { type: 'Delete' }, condition: { age: 7 } });
  });

  it('offers putObject/getObject/listObjects in process for other simulators', async () => {
    await bucket('inproc');
    const storage = sim.service<StorageSim>('storage');
    storage.putObject('inproc', 'exports/db.sql', Buffer.from('dump'), 'application/sql');
    expect(storage.getObject('inproc', 'exports/db.sql')?.toString()).toBe('dump');
    expect(storage.getObject('inproc', 'nope')).toBeUndefined();
    expect(storage.listObjects('inproc', 'exports/').map((o) => o.name)).toEqual(['exports/db.sql']);
    expect([storage.hasBucket('inproc'), storage.hasBucket('missing')]).toEqual([true, false]);
    expect((await call('GET', '/storage/v1/b/inproc/o/exports%2Fdb.sql?alt=media')).bytes.toString()).toBe('dump');
    expect(() => storage.putObject('missing', 'x', Buffer.from('x'))).toThrow('The specified bucket does not exist.');
  });

  it('accepts what @google-cloud/storage 7 sends for save() with and without resumable:false, and for download()', async () => {
    await bucket('client');
    const client = new Storage({ projectId: 'p1', apiEndpoint: sim.url, retryOptions: { autoRetry: false } });
    client.interceptors.push({ request: (o: any) => ({ ...o, headers: { ...o.headers, Authorization: 'Bearer t' } }) });
    const data = Buffer.from('payload '.repeat(100));
    await client.bucket('client').file('resumable.txt').save(data, { contentType: 'text/plain' });
    await client.bucket('client').file('simple.txt').save(data, { resumable: false, contentType: 'text/plain' });
    const [a] = await client.bucket('client').file('resumable.txt').download();
    const [b] = await client.bucket('client').file('simple.txt').download();
    expect(a).toEqual(data);
    expect(b).toEqual(data);
  });

  it('snapshots and restores buckets and objects', async () => {
    await bucket('snap');
    await media('snap', 'f', 'x');
    const storage = sim.service<StorageSim>('storage');
    const snap = storage.snapshot();
    expect(storage.summary()).toMatchObject({ buckets: 1, objects: 1, bytes: 1 });
    storage.restore({ buckets: [] });
    expect(storage.summary()).toMatchObject({ buckets: 0, objects: 0 });
    storage.restore(JSON.parse(JSON.stringify(snap)));
    expect(storage.getObject('snap', 'f')?.toString()).toBe('x');
    const next = await media('snap', 'g', 'y');
    expect(BigInt(next.json.generation)).toBeGreaterThan(BigInt(snap.buckets[0]!.objects[0]!.generation));
  });

  it('survives a restart through the persist file, bytes included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcp-sim-storage-'));
    try {
      const file = join(dir, 'state.json');
      const first = await startGcpSim({ services: [new StorageSim()], clock, persistFile: file });
      await fetch(`${first.url}/storage/v1/b?project=p1`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'persisted' }) });
      first.service<StorageSim>('storage').putObject('persisted', 'bin', Buffer.from([0, 1, 2, 255]));
      await first.close();
      const second = await startGcpSim({ services: [new StorageSim()], clock, persistFile: file });
      try {
        const res = await fetch(`${second.url}/storage/v1/b/persisted/o/bin?alt=media`, { headers: { authorization: 'Bearer t' } });
        expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves a client configured only by STORAGE_EMULATOR_HOST (JSON API without the /storage/v1 prefix)', async () => {
    const saved = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = sim.url;
    try {
      const client = new Storage({ projectId: 'p1', retryOptions: { autoRetry: false } });
      client.interceptors.push({ request: (o: any) => ({ ...o, headers: { ...o.headers, Authorization: 'Bearer t' } }) });
      await client.createBucket('emulator-host');
      await client.bucket('emulator-host').file('f.txt').save('via env', { resumable: false });
      const [files] = await client.bucket('emulator-host').getFiles();
      expect(files.map((f) => f.name)).toEqual(['f.txt']);
      expect((await client.bucket('emulator-host').file('f.txt').download())[0].toString()).toBe('via env');
    } finally {
      if (saved === undefined) delete process.env.STORAGE_EMULATOR_HOST; else process.env.STORAGE_EMULATOR_HOST = saved;
    }
  });
});
